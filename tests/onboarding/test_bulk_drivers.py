"""Driver accounts in bulk from Ocean: linked by individu id and matricule, invitations, idempotent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from privacy.models import AuditEntry, Role, User
from privacy.onboarding.models import Invitation, OnboardingRun
from privacy.onboarding.services.drivers import create_driver_accounts, unlinked_drivers

pytestmark = pytest.mark.django_db

LYON = 121  # simulator: entity = driver index mod 3


def test_the_list_holds_ocean_drivers_without_an_account(sim, customer, driver):
    ids = {d.ocean_id for d in unlinked_drivers(customer)}
    assert 7001 not in ids  # the fixture driver is linked
    assert 7021 not in ids  # soft-deleted in Ocean
    assert len(ids) == 19


def test_creating_accounts_links_them_by_individu_and_matricule_with_the_ocean_email(sim, customer, admin_user):
    run = create_driver_accounts(actor=admin_user, customer=customer, ocean_ids=[7002, 7003])
    user = User.objects.get(ocean_individu_id=7002)
    assert (user.username, user.matricule, user.role, user.customer) == ("m0002", "M0002", Role.DRIVER, customer)
    ocean = sim.state.fleet.drivers[1]
    assert ocean.id == 7002 and user.email == ocean.email and user.last_name == ocean.nom
    assert not user.has_usable_password()
    assert run.counts["created"] == 2 and run.counts["invited"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        User.objects.filter(ocean_individu_id__in=[7002, 7003]).values_list("email", flat=True)
    )
    assert AuditEntry.objects.filter(action="user.create").count() == 2
    assert AuditEntry.objects.filter(action="user.invite").count() == 2
    assert Invitation.objects.count() == 2


def test_a_driver_without_email_gets_an_account_but_no_invitation(sim, customer, admin_user):
    # every 6th simulator driver has no e-mail: 7006
    assert not sim.state.fleet.drivers[5].email
    run = create_driver_accounts(actor=admin_user, customer=customer, ocean_ids=[7006])
    row = run.rows[0]
    assert row["status"] == "created" and not row["invited"]
    assert "e-mail" in row["reason"]
    assert User.objects.get(ocean_individu_id=7006).email == ""
    assert mail.outbox == []


def test_running_twice_creates_and_sends_nothing_more(sim, customer, admin_user, driver):
    ids = [d.ocean_id for d in unlinked_drivers(customer)] + [7001]
    first = create_driver_accounts(actor=admin_user, customer=customer, ocean_ids=ids)
    users, mails = User.objects.count(), len(mail.outbox)
    second = create_driver_accounts(actor=admin_user, customer=customer, ocean_ids=ids)
    assert first.counts["created"] == 19 and first.counts["skipped"] == 1  # 7001 was linked already
    assert second.counts["created"] == 0 and second.counts["skipped"] == 20
    assert User.objects.count() == users and len(mail.outbox) == mails
    # each skipped row names the account the driver is already linked to
    linked = dict(User.objects.filter(ocean_individu_id__in=ids).values_list("ocean_individu_id", "username"))
    assert all(r["status"] == "skipped" and r["username"] == linked[r["driver_id"]] for r in second.rows)
    assert all(r["username"] in r["reason"] for r in second.rows)


def test_usernames_stay_unique_when_a_matricule_is_taken(sim, customer, admin_user, manager):
    User.objects.create_user("m0004", role=Role.MANAGER, customer=customer)
    create_driver_accounts(actor=admin_user, customer=customer, ocean_ids=[7004], invite=False)
    assert User.objects.get(ocean_individu_id=7004).username == "m0004-2"
    assert mail.outbox == []


def test_an_id_that_is_not_an_ocean_driver_is_reported_as_failed(sim, customer, admin_user):
    run = create_driver_accounts(actor=admin_user, customer=customer, ocean_ids=[999999])
    assert run.counts["failed"] == 1 and not User.objects.filter(ocean_individu_id=999999).exists()


def test_a_whole_entity_from_the_page_then_the_report(sim, login, admin_user, customer):
    client = login(admin_user)
    lyon_matricules = {d.matricule for d in sim.state.fleet.drivers if d.entity_id == LYON}
    page = client.get(reverse("privacy:onboarding_drivers"))
    assert page.status_code == 200 and all(m in page.content.decode() for m in lyon_matricules)
    response = client.post(reverse("privacy:onboarding_drivers"), {"entity": str(LYON), "invite": "1"})
    run = OnboardingRun.objects.get()
    assert response["Location"] == reverse("privacy:onboarding_run", args=[run.pk])
    lyon = {d.id for d in sim.state.fleet.drivers if d.entity_id == LYON}
    assert set(User.objects.filter(role=Role.DRIVER).values_list("ocean_individu_id", flat=True)) == lyon
    report = client.get(response["Location"]).content.decode()
    assert all(m in report for m in lyon_matricules)


def test_ticked_drivers_from_the_page(sim, login, admin_user, customer):
    login(admin_user).post(reverse("privacy:onboarding_drivers"), {"drivers": ["7002", "7005", "x"]})
    assert set(User.objects.values_list("ocean_individu_id", flat=True)) == {None, 7002, 7005}


def test_nothing_ticked_is_a_clear_message(sim, login, admin_user, customer):
    response = login(admin_user).post(reverse("privacy:onboarding_drivers"), {}, follow=True)
    assert response.status_code == 200
    assert not OnboardingRun.objects.exists()


def test_three_hundred_drivers_take_a_bounded_number_of_queries(
    sim, customer, admin_user, monkeypatch, django_assert_max_num_queries
):
    from privacy.onboarding.services import drivers as onboarding_drivers
    from privacy.services.fleet import Fleet, FleetDriver

    drivers = {
        9000 + i: FleetDriver(
            customer.pk, 9000 + i, f"Nom{i}", "P", f"X{i:04d}", f"p{i}@example.com", 121, "Lyon", None, "", None
        )
        for i in range(300)
    }
    monkeypatch.setattr(onboarding_drivers, "fleet_get", lambda c: Fleet(drivers=drivers))
    with django_assert_max_num_queries(40):  # SQLite splits big INSERTs in batches
        run = create_driver_accounts(actor=admin_user, customer=customer, ocean_ids=list(drivers))
    assert run.counts["created"] == 300 and run.counts["invited"] == 300
    assert len(mail.outbox) == 300
