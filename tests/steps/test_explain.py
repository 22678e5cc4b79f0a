"""Explained classification: every trip says why it is private, pro or mixed (issue 19 #4)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from privacy.ocean.types import ScheduleEntry
from privacy.steps.services.classify import PrivacyCalendar, classify
from privacy.steps.services.explain import GRID, OUTSIDE, PERIOD

from .conftest import find_row

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 11, 2, tzinfo=PARIS)  # a fixed Monday


def entry(day, sh, sm, eh, em, valid_from=None, valid_until=None):
    return ScheduleEntry(id=None, day=day, type="VIE_PRIVEE", start_hour=sh, start_minute=sm, end_hour=eh,
                         end_minute=em, valid_from=valid_from, valid_until=valid_until)


def at(hour, minute=0, day=0):
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


EVENINGS = (entry("LUNDI", 18, 0, 23, 59, valid_from=datetime(2026, 10, 1, tzinfo=PARIS)),)


def test_a_mixed_trip_is_cut_where_the_private_hours_begin_and_the_minutes_add_up():
    found = classify(PrivacyCalendar(EVENINGS, ()), at(17, 40), at(18, 25), PARIS)
    assert (found.kind, found.private_minutes, found.pro_minutes) == ("mixed", 25, 20)
    why = found.why
    assert [(s.start.strftime("%H:%M"), s.end.strftime("%H:%M"), s.private, s.source) for s in why.segments] == [
        ("17:40", "18:00", False, OUTSIDE), ("18:00", "18:25", True, GRID)]
    assert sum(s.minutes for s in why.segments if s.private) == found.private_minutes
    assert why.has_version and why.version_from == datetime(2026, 10, 1, tzinfo=PARIS) and why.version_until is None


def test_an_exceptional_period_is_named_and_wins_over_the_grid():
    period = ((at(9), at(12)),)
    found = classify(PrivacyCalendar(EVENINGS, period, ("Congés d’automne",)), at(11, 30), at(12, 10), PARIS)
    assert (found.kind, found.private_minutes, found.pro_minutes) == ("mixed", 30, 10)
    first, second = found.why.segments
    assert (first.source, first.label, first.minutes) == (PERIOD, "Congés d’automne", 30)
    assert (second.source, second.private, second.minutes) == (OUTSIDE, False, 10)


def test_the_version_in_force_at_the_start_is_the_one_named():
    old = entry("LUNDI", 0, 0, 23, 59, valid_until=datetime(2026, 11, 1, tzinfo=PARIS))
    new = entry("LUNDI", 20, 0, 23, 59, valid_from=datetime(2026, 11, 1, tzinfo=PARIS))
    found = classify(PrivacyCalendar((old, new), ()), at(10), at(10, 30), PARIS)
    assert found.kind == "pro" and found.why.version_from == datetime(2026, 11, 1, tzinfo=PARIS)
    before = classify(PrivacyCalendar((old, new), ()), at(10, day=-7), at(10, 30, day=-7), PARIS)
    assert before.kind == "private" and before.why.version_until == datetime(2026, 11, 1, tzinfo=PARIS)


def test_no_private_hour_in_force_says_so():
    found = classify(PrivacyCalendar((), ()), at(10), at(11), PARIS)
    assert found.kind == "pro" and not found.why.has_version
    assert [(s.source, s.minutes) for s in found.why.segments] == [(OUTSIDE, 60)]


def test_a_trip_over_midnight_is_cut_at_each_slot_edge():
    week = (entry("LUNDI", 22, 0, 23, 59), entry("MARDI", 0, 0, 6, 0))
    found = classify(PrivacyCalendar(week, ()), at(21, 30), at(6, 30, day=1), PARIS)
    assert [(s.private, s.minutes) for s in found.why.segments] == [(False, 30), (True, 480), (False, 30)]
    assert found.private_minutes == 480


@pytest.mark.django_db
def test_the_why_is_on_the_drivers_page_and_on_the_managers_page_without_places(
        sim, eager, driver, manager, customer, login, django_capture_on_commit_callbacks):
    from tests.steps.test_masking import assert_no_place, place_texts

    row = find_row(customer, manager, kind="mixed", days=range(1, 30))
    day = row.day.isoformat()
    own = login(driver).get(f"/trips/?day={day}").content.decode()
    assert "Pourquoi ?" in own and "Horaires privés hebdomadaires en vigueur au début" in own
    assert f"Trajet mixte : {row.schedule.private_minutes} de ses" in own
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post(f"/drivers/7001/trips/{row.vehicle_id}/{row.step_id}/declare/",
                            {"day": day, "private": "false", "reason": "Mission client urgente"})
    html = login(manager).get(f"/drivers/7001/trips/?day={day}").content.decode()
    assert "Pourquoi ?" in html and "Déclaré par le gestionnaire manager le" in html
    assert "motif : Mission client urgente" in html and "Cette déclaration l’emporte sur l’horaire." in html
    one = login(manager).get(f"/drivers/7001/trips/{row.vehicle_id}/{row.step_id}/row/?day={day}",
                             headers={"HX-Request": "true"}).content.decode()
    assert "Pourquoi ?" in one and "motif : Mission client urgente" in one
    assert_no_place(one, place_texts(customer, row))
    own = login(driver).get(f"/trips/?day={day}").content.decode()
    assert "Déclaré par le gestionnaire manager le" in own
