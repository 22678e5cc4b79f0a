"""Private trips never show places or positions to anyone but their driver (by construction)."""
from __future__ import annotations

from dataclasses import fields

import pytest

from privacy.steps.services.fetch import Place, driver_raw_steps
from privacy.steps.services.trips import MaskedStepRow, StepRow

from .conftest import find_row

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
RECENT = range(1, 30)
WEEKENDS = range(1, 80)


def weekend(row) -> bool:
    """Weekend days are wholly private by default, so no pro neighbour shares the places."""
    return row.start.weekday() >= 5


def row_url(row) -> str:
    return f"/drivers/7001/trips/{row.vehicle_id}/{row.step_id}/row/?day={row.day.isoformat()}"


def place_texts(customer, row) -> list[str]:
    """Every field of the trip's start and end places (street, postal code, town, POI, coordinates), as
    Ocean gave them: a field added to Place is checked too."""
    raws, _ = driver_raw_steps(customer, driver_id=7001, matricule="M0001", first=row.day, last=row.day)
    raw = next(r for r in raws if r.step_id == row.step_id)
    texts = [getattr(place, f.name) for place in (raw.start_place, raw.end_place) for f in fields(Place)]
    texts += [f"{t:.4f}".rstrip("0").replace(".", ",") for t in texts if isinstance(t, float)]  # French format
    return [str(t) for t in texts if t not in (None, "")]


def assert_no_place(html: str, texts: list[str]) -> None:
    leaked = [t for t in texts if t in html]
    assert not leaked, f"private places leaked: {leaked}"


def test_a_private_row_for_a_manager_has_no_place_field_at_all(sim, driver, manager, customer):
    row = find_row(customer, manager, kind="private", days=RECENT)
    assert isinstance(row, MaskedStepRow) and not hasattr(row, "start_place")
    own = find_row(customer, driver, kind="private", days=RECENT)
    assert isinstance(own, StepRow) and own.start_place.town


def test_a_managers_and_an_hr_users_pages_hold_no_address_or_coordinate_of_a_private_trip(
        sim, driver, manager, hr, login, customer):
    row = find_row(customer, manager, kind="private", days=WEEKENDS, predicate=weekend)
    texts = place_texts(customer, row)
    assert texts, "the simulator gives private trips places"
    own = login(driver).get(f"/trips/?day={row.day.isoformat()}").content.decode()
    assert any(t in own for t in texts), "the driver sees their own places"
    for client in (login(manager), login(hr)):
        for url in (f"/drivers/7001/trips/?day={row.day.isoformat()}",
                    f"/vehicles/{row.vehicle_id}/trips/?day={row.day.isoformat()}",
                    f"/drivers/7001/trips/{row.vehicle_id}/{row.step_id}/row/?day={row.day.isoformat()}"):
            response = client.get(url, headers=HTMX)
            assert_no_place(response.content.decode(), texts)
    assert login(hr).get("/drivers/7001/trips/").status_code == 403
    assert login(hr).get(f"/vehicles/{row.vehicle_id}/trips/").status_code == 403


def test_a_mixed_trip_is_masked_for_a_manager(sim, manager, customer, login):
    row = find_row(customer, manager, kind="mixed", days=RECENT)
    assert row.masked
    html = login(manager).get(row_url(row), headers=HTMX).content.decode()
    assert_no_place(html, place_texts(customer, row))
    assert "Mixte" in html and "Privé — lieux masqués" in html


def test_a_pro_trip_declared_private_is_masked_and_shown_again_once_declared_pro(
        sim, eager, driver, manager, login, customer, django_capture_on_commit_callbacks):
    row = find_row(customer, driver, kind="pro")
    texts = place_texts(customer, row)
    url = row_url(row)

    def manager_html():
        return login(manager).get(url, headers=HTMX).content.decode()

    assert any(t in manager_html() for t in texts), "pro places are visible"
    with django_capture_on_commit_callbacks(execute=True):
        login(driver).post(f"/trips/{row.vehicle_id}/{row.step_id}/declare/",
                           {"day": row.day.isoformat(), "private": "true"}, headers=HTMX)
    assert_no_place(manager_html(), texts)
    with django_capture_on_commit_callbacks(execute=True):
        login(driver).post(f"/trips/{row.vehicle_id}/{row.step_id}/declare/",
                           {"day": row.day.isoformat(), "private": "false"}, headers=HTMX)
    assert any(t in manager_html() for t in texts), "a trip the driver undid back to pro is pro again"


def test_an_administrator_sees_private_trips_masked_too(sim, admin_user, customer, login, manager):
    row = find_row(customer, manager, kind="private", days=WEEKENDS, predicate=weekend)
    html = login(admin_user).get(f"/drivers/7001/trips/?day={row.day.isoformat()}").content.decode()
    assert_no_place(html, place_texts(customer, row))


def test_the_masked_page_still_gives_times_distance_and_duration(sim, manager, customer, login):
    row = find_row(customer, manager, kind="private", days=RECENT)
    html = login(manager).get(f"/drivers/7001/trips/?day={row.day.isoformat()}").content.decode()
    assert row.start.strftime("%H:%M") in html and "Privé — lieux masqués" in html
    assert f"{row.distance_km:.1f}".replace(".", ",") + " km" in html


def test_a_manager_gets_a_masked_row_for_private_and_mixed_trips_only(sim, manager, customer):
    private = find_row(customer, manager, kind="private", days=RECENT)
    mixed = find_row(customer, manager, kind="mixed", days=RECENT)
    pro = find_row(customer, manager, kind="pro", days=RECENT)
    assert isinstance(private, MaskedStepRow) and isinstance(mixed, MaskedStepRow)
    assert isinstance(pro, StepRow) and pro.start_place.town and pro.end_place.town
    assert (private.masked, mixed.masked, pro.masked) == (True, True, False)
