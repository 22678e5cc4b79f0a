"""Approval policy: a driver's tap waits for a manager, who approves (→ Ocean) or rejects with a reason."""
from __future__ import annotations

import pytest

from privacy.models import AuditEntry
from privacy.steps.models import DeclarationStatus, StepDeclaration

from .conftest import DECLARE, calls, declare_url, find_row, sim_value

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def request_private(client, row):
    return client.post(declare_url(row), {"day": row.day.isoformat(), "private": "true"}, headers=HTMX)


def test_a_request_waits_for_approval_and_is_sent_once_approved(
        sim, eager, approval, driver, manager, login, django_capture_on_commit_callbacks):
    row = find_row(approval, driver, kind="pro")
    with django_capture_on_commit_callbacks(execute=True):
        html = request_private(login(driver), row).content.decode()
    assert "En attente de validation" in html
    d = StepDeclaration.objects.get(step_id=row.step_id)
    assert d.status == DeclarationStatus.PENDING and calls(sim, DECLARE) == 0 and sim_value(sim, row) is None

    queue = login(manager).get("/declarations/").content.decode()
    assert f'value="{d.pk}"' in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = login(manager).post("/declarations/decide/", {"only": d.pk, "action": "approve"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == DeclarationStatus.CONFIRMED and d.decided_by_label == "manager"
    assert sim_value(sim, row) is True and calls(sim, DECLARE) == 1
    assert AuditEntry.objects.filter(action="declaration.approve").count() == 1


def test_a_rejection_needs_a_reason_and_sends_nothing(
        sim, eager, approval, driver, manager, login, django_capture_on_commit_callbacks):
    row = find_row(approval, driver, kind="pro")
    request_private(login(driver), row)
    d = StepDeclaration.objects.get(step_id=row.step_id)
    no_reason = login(manager).post("/declarations/decide/", {"ids": [d.pk], "action": "reject", "reason": " "})
    assert no_reason.status_code == 200 and "Indiquez le motif du refus." in no_reason.content.decode()
    d.refresh_from_db()
    assert d.status == DeclarationStatus.PENDING
    login(manager).post("/declarations/decide/", {"ids": [d.pk], "action": "reject", "reason": "Trajet client"})
    d.refresh_from_db()
    assert (d.status, d.rejection_reason) == (DeclarationStatus.REJECTED, "Trajet client")
    assert calls(sim, DECLARE) == 0
    mine = login(driver).get(f"/trips/?day={row.day.isoformat()}").content.decode()
    assert "Trajet client" in mine
    history = login(manager).get("/declarations/history/?status=rejected").content.decode()
    assert "Trajet client" in history and AuditEntry.objects.filter(action="declaration.reject").exists()


def test_bulk_approval_sends_each_ticked_request(
        sim, eager, approval, driver, other_driver, manager, login, django_capture_on_commit_callbacks):
    rows = [find_row(approval, driver, kind="pro"), find_row(approval, other_driver, kind="pro", driver_id=7002)]
    request_private(login(driver), rows[0])
    request_private(login(other_driver), rows[1])
    ids = list(StepDeclaration.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post("/declarations/decide/", {"ids": ids, "action": "approve"})
    assert [sim_value(sim, r) for r in rows] == [True, True]
    assert calls(sim, DECLARE) == 2


def test_going_back_to_the_confirmed_value_withdraws_the_request(
        sim, eager, approval, driver, manager, login, django_capture_on_commit_callbacks):
    row = find_row(approval, driver, kind="pro")
    request_private(login(driver), row)
    d = StepDeclaration.objects.get(step_id=row.step_id)
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post("/declarations/decide/", {"only": d.pk, "action": "approve"})
    client = login(driver)
    client.post(declare_url(row), {"day": row.day.isoformat(), "private": "false"}, headers=HTMX)
    assert StepDeclaration.objects.get(pk=d.pk).status == DeclarationStatus.PENDING
    request_private(client, row)
    d.refresh_from_db()
    assert (d.status, d.private) == (DeclarationStatus.CONFIRMED, True) and calls(sim, DECLARE) == 1


def test_a_scoped_manager_cannot_decide_requests_outside_their_entities(
        sim, eager, approval, driver, scoped_manager, login):
    row = find_row(approval, driver, kind="pro")  # driver 7001 is in entity 121 (Lyon), not 122
    request_private(login(driver), row)
    d = StepDeclaration.objects.get(step_id=row.step_id)
    assert f'value="{d.pk}"' not in login(scoped_manager).get("/declarations/").content.decode()
    login(scoped_manager).post("/declarations/decide/", {"only": d.pk, "action": "approve"})
    d.refresh_from_db()
    assert d.status == DeclarationStatus.PENDING and calls(sim, DECLARE) == 0
