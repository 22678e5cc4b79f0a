"""OCEAN_PRIVACY_FALSE_MEANS=cancel (D2): privacy=false withdraws a request, it never makes a trip pro.

The driver asks for private and may withdraw it ("Annuler ma demande"); the portal never shows a trip
as professional against the schedule."""
from __future__ import annotations

import pytest

from privacy.steps.models import StepDeclaration

from .conftest import declare_url, find_row, sim_value

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def cancel_mode(sim, settings):
    settings.OCEAN_PRIVACY_FALSE_MEANS = "cancel"
    sim.set_variants("d2")
    return sim


def tap(client, row, value: str):
    return client.post(declare_url(row), {"day": row.day.isoformat(), "private": value}, headers=HTMX)


def row_html(client, row) -> str:
    return client.get(f"/trips/{row.vehicle_id}/{row.step_id}/row/?day={row.day.isoformat()}",
                      headers=HTMX).content.decode()


def test_a_private_request_can_be_withdrawn_and_the_trip_follows_the_schedule_again(
        cancel_mode, eager, driver, login, django_capture_on_commit_callbacks):
    client = login(driver)
    row = find_row(driver.customer, driver, kind="pro")
    html = row_html(client, row)
    assert "Annuler ma demande" not in html and 'value="false"' not in html  # nothing to withdraw yet
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, row, "true")
    assert sim_value(cancel_mode, row) is True
    html = row_html(client, row)
    assert "Annuler ma demande" in html
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, row, "false")
    assert sim_value(cancel_mode, row) is None  # Ocean withdrew the request
    html = row_html(client, row)
    assert "Demande retirée" in html and "Annuler ma demande" not in html
    assert StepDeclaration.objects.get(step_id=row.step_id).private is False


def test_a_trip_in_private_hours_is_never_offered_as_pro(cancel_mode, driver, login):
    row = find_row(driver.customer, driver, kind="private", days=range(1, 15))
    assert row.effective_private is True
    html = row_html(login(driver), row)
    assert 'name="private" value="false"' not in html and ">Pro<" not in html


def test_a_withdrawn_request_counts_as_the_schedule_not_as_pro(cancel_mode, eager, driver, login,
                                                               django_capture_on_commit_callbacks):
    client = login(driver)
    row = find_row(driver.customer, driver, kind="private", days=range(1, 15))
    with django_capture_on_commit_callbacks(execute=True):
        tap(client, row, "false")  # a forged "false" on a private-hours trip
    again = find_row(driver.customer, driver, days=range(1, 15), predicate=lambda r: r.step_id == row.step_id)
    assert again.effective_private is True and again.private_distance_m == again.distance_m
    assert "Professionnel" not in row_html(client, row)
