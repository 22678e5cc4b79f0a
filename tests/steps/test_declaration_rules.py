"""Finer declaration rules per customer (issue 19 #5): a policy and a reason per direction, strict logbook."""
from __future__ import annotations

import pytest
from django.urls import reverse

from privacy.models import AuditEntry, DeclarationPolicy
from privacy.steps.models import DeclarationStatus, StepDeclaration

from .conftest import declare_url, find_row, on_behalf_url

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
PAST = range(10, 20)  # beyond the 7-day deadline


def tap(client, row, private: bool, reason: str = ""):
    data = {"day": row.day.isoformat(), "private": "true" if private else "false"}
    if reason:
        data["reason"] = reason
    return client.post(declare_url(row), data, headers=HTMX)


def stored(row):
    return StepDeclaration.objects.get(step_id=row.step_id, numero_embarque=row.numero_embarque)


@pytest.fixture
def private_free_pro_approved(customer):
    """Pro → private self-service; private → pro approved by a manager, with a reason."""
    customer.to_private_policy, customer.to_pro_policy, customer.to_pro_reason = "direct", "approval", True
    customer.save()
    return customer


def test_private_is_self_service_and_back_to_pro_needs_a_reason_and_an_approval(
        sim, eager, driver, login, private_free_pro_approved, django_capture_on_commit_callbacks):
    customer = private_free_pro_approved
    row = find_row(customer, driver, kind="pro")
    client = login(driver)
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, row, True)
    assert stored(row).status == DeclarationStatus.CONFIRMED and stored(row).private is True
    html = tap(client, row, False).content.decode()
    assert "Indiquez un motif pour déclarer ce trajet professionnel." in html
    assert stored(row).private is True, "refused: nothing changed"
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, row, False, "Rendez-vous client oublié")
    d = stored(row)
    assert (d.private, d.status, d.reason) == (False, DeclarationStatus.PENDING, "Rendez-vous client oublié")
    assert 'Motif (obligatoire pour Pro)' in client.get(f"/trips/?day={row.day.isoformat()}").content.decode()


def test_the_opposite_combination_private_approved_pro_self_service(
        sim, eager, driver, login, customer, django_capture_on_commit_callbacks):
    customer.declaration_policy, customer.to_pro_policy = DeclarationPolicy.APPROVAL, "direct"
    customer.save()
    assert customer.declaration_rule(True) == (True, False) and customer.declaration_rule(False) == (False, False)
    row = find_row(customer, driver, kind="private")
    client = login(driver)
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, row, False)
    assert stored(row).status == DeclarationStatus.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, row, True)
    assert stored(row).status == DeclarationStatus.PENDING
    page = client.get("/trips/").content.decode()
    assert "Un gestionnaire valide chaque trajet que vous déclarez privé ; déclarer un trajet professionnel" in page


def test_strict_mode_refuses_a_managers_change_after_the_deadline_and_offers_none(
        sim, eager, manager, login, customer):
    row = find_row(customer, manager, kind="pro", days=PAST)
    data = {"day": row.day.isoformat(), "private": "true", "reason": "Erreur de saisie"}
    html = login(manager).get(f"/drivers/7001/trips/?day={row.day.isoformat()}").content.decode()
    assert "Déclarer pour le conducteur" in html, "without strict mode a manager may still correct"
    customer.strict_mode = True
    customer.save()
    html = login(manager).get(f"/drivers/7001/trips/?day={row.day.isoformat()}").content.decode()
    assert "Déclarer pour le conducteur" not in html
    response = login(manager).post(on_behalf_url(row), data, headers=HTMX)
    assert response.status_code == 200
    assert "Carnet de bord strict : ce trajet pouvait être modifié jusqu’au" in response.content.decode()
    assert not StepDeclaration.objects.exists() and not AuditEntry.objects.filter(
        action="declaration.on_behalf").exists()


def test_strict_mode_still_lets_a_manager_correct_before_the_deadline_and_every_change_stays_visible(
        sim, eager, driver, manager, login, customer, django_capture_on_commit_callbacks):
    customer.strict_mode = True
    customer.save()
    row = find_row(customer, driver, kind="pro")
    with django_capture_on_commit_callbacks(execute=True):
        tap(login(driver), row, True)
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post(on_behalf_url(row), {"day": row.day.isoformat(), "private": "false",
                                                 "reason": "Tournée client"}, headers=HTMX)
    html = login(driver).get(f"/trips/?day={row.day.isoformat()}").content.decode()
    assert "Carnet de bord strict" in html and "Chaque modification, de la plus ancienne" in html
    history = html[html.index("Chaque modification"):]
    assert history.index("Demandé par le conducteur") < history.index("Déclaré par un gestionnaire")
    assert "Tournée client" in html


def test_the_rules_are_set_in_the_customer_settings_and_audited(sim, login, admin_user, customer):
    data = {"name": customer.name, "code_exploitant": customer.code_exploitant, "time_zone": "Europe/Paris",
            "declaration_policy": "direct", "declaration_deadline_days": "7", "to_private_policy": "",
            "to_pro_policy": "approval", "to_pro_reason": "on", "strict_mode": "on"}
    response = login(admin_user).post(reverse("privacy:customer_edit", args=[customer.pk]), data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.to_pro_policy, customer.to_pro_reason, customer.strict_mode) == ("approval", True, True)
    entry = AuditEntry.objects.get(action="customer.update")
    assert entry.before["strict_mode"] is False and entry.after["strict_mode"] is True
    bad = login(admin_user).post(reverse("privacy:customer_edit", args=[customer.pk]),
                                 {**data, "to_pro_policy": "whatever"})
    assert bad.status_code == 200 and "to_pro_policy" in bad.content.decode()
