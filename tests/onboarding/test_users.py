"""Managers and HR users with their scope; deactivation keeps the audit history and blocks login."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from privacy.models import AuditEntry, Role, User
from privacy.services.audit import audit_record
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

MANAGER = {
    "role": "manager",
    "username": "chef.paris",
    "first_name": "Chloé",
    "last_name": "Chef",
    "email": "chef.paris@example.com",
    "entity_ids": ["122"],
    "invite": "on",
}


def test_a_manager_is_created_with_an_entity_scope_and_invited(sim, login, admin_user, customer):
    response = login(admin_user).post(reverse("privacy:user_create"), MANAGER)
    assert response.status_code == 302
    user = User.objects.get(username="chef.paris")
    assert (user.role, user.customer, user.entity_ids, user.is_staff) == (Role.MANAGER, customer, [122], False)
    assert not user.has_usable_password()
    assert [m.to for m in mail.outbox] == [["chef.paris@example.com"]]
    assert AuditEntry.objects.filter(action="user.create", target="chef.paris").exists()
    assert AuditEntry.objects.filter(action="user.invite", target="chef.paris").exists()


def test_an_hr_user_has_no_entity_scope(sim, login, admin_user, customer):
    response = login(admin_user).post(reverse("privacy:user_create"), {**MANAGER, "role": "hr"})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    response = login(admin_user).post(reverse("privacy:user_create"), {**MANAGER, "role": "hr", "entity_ids": []})
    assert response.status_code == 302
    assert User.objects.get(username="chef.paris").role == Role.HR


@pytest.mark.parametrize(
    ("field", "value"),
    [("username", "manager"), ("email", "nope"), ("role", "driver"), ("entity_ids", ["999"]), ("username", "a b")],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_created(sim, login, admin_user, manager, field, value):
    response = login(admin_user).post(reverse("privacy:user_create"), {**MANAGER, field: value})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not User.objects.filter(username="chef.paris").exists()
    assert mail.outbox == []


def test_the_users_page_lists_accounts_with_their_state(login, admin_user, manager, driver, scoped_manager):
    html = login(admin_user).get(reverse("privacy:users")).content.decode()
    assert "manager" in html and "driver" in html and "scoped" in html


def test_a_deactivated_user_cannot_log_in_and_their_audit_entries_remain(login, admin_user, manager):
    session = Client()
    assert session.post(reverse("login"), {"username": "manager", "password": PASSWORD}).status_code == 302
    entry = audit_record(actor=manager, action="schedule.set", driver_id=7001, target="7001")
    response = login(admin_user).post(reverse("privacy:user_active", args=[manager.pk]), {"active": "0"})
    assert response.status_code == 302
    manager.refresh_from_db()
    assert not manager.is_active
    # a new login is refused, and the open session is over
    refused = Client().post(reverse("login"), {"username": "manager", "password": PASSWORD})
    assert refused.status_code == 200
    assert session.get(reverse("privacy:home")).status_code == 302
    # history intact: the entry still points at the account and keeps its label
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == manager and entry.actor_label == "manager"
    deactivation = AuditEntry.objects.get(action="user.deactivate")
    assert deactivation.actor == admin_user and deactivation.target == "manager"


def test_a_reactivated_user_can_log_in_again(login, admin_user, manager):
    client = login(admin_user)
    client.post(reverse("privacy:user_active", args=[manager.pk]), {"active": "0"})
    client.post(reverse("privacy:user_active", args=[manager.pk]), {"active": "1"})
    manager.refresh_from_db()
    assert manager.is_active
    assert AuditEntry.objects.filter(action="user.reactivate").count() == 1
    ok = Client().post(reverse("login"), {"username": "manager", "password": PASSWORD})
    assert ok.status_code == 302


def test_deactivating_twice_records_one_entry(login, admin_user, manager):
    client = login(admin_user)
    for _ in range(2):
        client.post(reverse("privacy:user_active", args=[manager.pk]), {"active": "0"})
    assert AuditEntry.objects.filter(action="user.deactivate").count() == 1


def test_an_invitation_can_be_sent_again_from_the_users_page(login, admin_user, customer):
    user = User(username="newbie", email="newbie@example.com", role=Role.HR, customer=customer)
    user.set_unusable_password()
    user.save()
    client = login(admin_user)
    client.post(reverse("privacy:user_invite", args=[user.pk]))
    client.post(reverse("privacy:user_invite", args=[user.pk]))
    assert len(mail.outbox) == 2
    html = client.get(reverse("privacy:users")).content.decode()
    assert "newbie@example.com" in html
