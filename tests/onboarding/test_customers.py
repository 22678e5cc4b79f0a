"""Customers from the Ocean account: added only when Ocean answers for the customerId; settings edited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from privacy.models import AuditEntry, Customer
from privacy.ocean.tokens import store_key

pytestmark = pytest.mark.django_db

NEW = {
    "ocean_customer_id": "1110000000",
    "name": "Transports Démo",
    "code_exploitant": "1110000001",
    "time_zone": "Europe/Paris",
    "declaration_policy": "direct",
    "declaration_deadline_days": "7",
}


def test_adding_a_customer_checks_its_entities_with_ocean_and_shows_them(sim, login, admin_user):
    response = login(admin_user).post(reverse("privacy:customer_new"), NEW, follow=True)
    customer = Customer.objects.get(ocean_customer_id=1110000000)
    html = response.content.decode()
    assert "Agence Lyon" in html and "Agence Paris" in html and "Agence Nantes" in html
    entry = AuditEntry.objects.get(action="customer.add")
    assert entry.customer == customer and entry.actor_label == "admin"
    assert sim.stats()["by_endpoint"]["GET mobility/v1/entities"] >= 1


def test_a_customer_id_ocean_refuses_is_not_saved_and_the_input_is_kept(sim, login, admin_user):
    response = login(admin_user).post(
        reverse("privacy:customer_new"), {**NEW, "ocean_customer_id": "3330000000", "name": "Inconnue"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "customerId" in html and "Inconnue" in html
    assert 'value="3330000000"' in html
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.exists()


def test_ocean_down_while_adding_says_so_and_saves_nothing(sim, login, admin_user):
    sim.set_faults(error_rate=1.0)
    response = login(admin_user).post(reverse("privacy:customer_new"), NEW)
    assert response.status_code == 200
    assert "Océan" in response.content.decode()
    assert not Customer.objects.exists()


def test_a_customer_cannot_be_added_twice(sim, login, admin_user, customer):
    response = login(admin_user).post(reverse("privacy:customer_new"), NEW)
    assert response.status_code == 200
    assert Customer.objects.count() == 1


def test_time_zone_policy_and_deadline_are_edited_and_audited(sim, login, admin_user, customer):
    data = {
        **NEW,
        "time_zone": "America/Martinique",
        "declaration_policy": "approval",
        "declaration_deadline_days": "14",
        "ocean_customer_id": "999",
    }
    response = login(admin_user).post(reverse("privacy:customer_edit", args=[customer.pk]), data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.time_zone, customer.declaration_policy, customer.declaration_deadline_days) == (
        "America/Martinique",
        "approval",
        14,
    )
    assert customer.ocean_customer_id == 1110000000  # fixed once added
    entry = AuditEntry.objects.get(action="customer.update")
    assert entry.before["time_zone"] == "Europe/Paris" and entry.after["time_zone"] == "America/Martinique"


@pytest.mark.parametrize(
    ("field", "value"),
    [("declaration_deadline_days", "0"), ("time_zone", "Mars/Base"), ("declaration_policy", "sometimes")],
)
def test_bad_settings_are_refused_next_to_the_field(sim, login, admin_user, customer, field, value):
    response = login(admin_user).post(reverse("privacy:customer_edit", args=[customer.pk]), {**NEW, field: value})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    customer.refresh_from_db()
    assert customer.declaration_deadline_days == 7 and customer.time_zone == "Europe/Paris"


def test_the_setup_page_loads_the_checks_separately(sim, login, admin_user, customer, worker_up, beat_up):
    client = login(admin_user)
    page = client.get(reverse("privacy:setup"))
    assert page.status_code == 200
    assert reverse("privacy:setup_checks") in page.content.decode()
    checks = client.get(reverse("privacy:setup_checks"), HTTP_HX_REQUEST="true")
    html = checks.content.decode()
    assert checks.status_code == 200
    assert "Connexion à Océan" in html or "Ocean login" in html
    assert "87" in html  # password expiry in days
    token = cache.get(store_key(settings.OCEAN_BASE_URL, settings.OCEAN_LOGIN))["token"]
    assert token and token not in html  # the Ocean token never reaches a page


def test_without_javascript_the_checks_come_inside_the_whole_page(sim, login, admin_user, customer, worker_up, beat_up):
    html = login(admin_user).get(reverse("privacy:setup_checks")).content.decode()
    assert "<!DOCTYPE html>" in html and "checks-summary" in html and "Transports Démo" in html
