"""Direct policy, end to end through the simulator: a tap goes to Ocean at once, undo, double tap."""
from __future__ import annotations

import pytest

from privacy.models import AuditEntry
from privacy.steps.models import DeclarationStatus, StepDeclaration

from .conftest import DECLARE, calls, declare_url, find_row, sim_value

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def tap(client, row, value: str):
    return client.post(declare_url(row), {"day": row.day.isoformat(), "private": value}, headers=HTMX)


def test_a_drivers_tap_is_confirmed_by_ocean_and_the_row_says_so(
        sim, eager, driver, login, django_capture_on_commit_callbacks):
    client = login(driver)
    row = find_row(driver.customer, driver, kind="pro")
    with django_capture_on_commit_callbacks(execute=True):
        response = tap(client, row, "true")
    assert response.status_code == 200
    html = response.content.decode()
    # The row answers at once ("sending"); the worker's confirmation shows on the next look.
    assert f'id="{row.dom_id}"' in html and "Envoi à Océan en cours" in html
    assert sim_value(sim, row) is True
    later = client.get(f"/trips/{row.vehicle_id}/{row.step_id}/row/?day={row.day.isoformat()}", headers=HTMX)
    assert "Confirmé par Océan" in later.content.decode()
    d = StepDeclaration.objects.get(step_id=row.step_id)
    assert (d.status, d.private, d.confirmed_private) == (DeclarationStatus.CONFIRMED, True, True)
    assert d.requested_by == driver
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"declaration.request", "declaration.send"} <= actions


def test_a_driver_can_undo_before_the_deadline_and_ocean_holds_the_last_choice(
        sim, eager, driver, login, django_capture_on_commit_callbacks):
    client = login(driver)
    row = find_row(driver.customer, driver, kind="pro")
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, row, "true")
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, row, "false")
    assert sim_value(sim, row) is False
    d = StepDeclaration.objects.get(step_id=row.step_id)
    assert (d.private, d.status, d.version) == (False, DeclarationStatus.CONFIRMED, 2)
    assert calls(sim, DECLARE) == 2


def test_a_double_tap_sends_one_value_once(sim, eager, driver, login, django_capture_on_commit_callbacks):
    client = login(driver)
    row = find_row(driver.customer, driver, kind="pro")
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, row, "true")
        tap(client, row, "true")
    assert calls(sim, DECLARE) == 1
    assert sim_value(sim, row) is True
    assert StepDeclaration.objects.get(step_id=row.step_id).version == 1


def test_without_javascript_the_tap_redirects_back_to_the_day(sim, eager, driver, login,
                                                             django_capture_on_commit_callbacks):
    row = find_row(driver.customer, driver, kind="pro")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(driver).post(declare_url(row), {"day": row.day.isoformat(), "private": "true"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?day={row.day.isoformat()}#{row.dom_id}")
    assert sim_value(sim, row) is True


def test_a_tampered_tap_is_a_clear_400_and_nothing_is_sent(sim, driver, login):
    row = find_row(driver.customer, driver, kind="pro")
    response = login(driver).post(declare_url(row), {"day": "not a day", "private": "maybe"}, headers=HTMX)
    assert response.status_code == 400
    assert calls(sim, DECLARE) == 0 and not StepDeclaration.objects.exists()


def test_the_tap_needs_the_csrf_token(sim, driver, login):
    row = find_row(driver.customer, driver, kind="pro")
    client = login(driver, enforce_csrf_checks=True)
    response = client.post(declare_url(row), {"day": row.day.isoformat(), "private": "true"})
    assert response.status_code == 403 and calls(sim, DECLARE) == 0
