"""The trips pages' cached private hours follow every write at once (issue 16): a grid saved or a period
added through the portal, the CLI, a failed or uncertain write. The calendar is cached 2 minutes; without
the generation kept by privacy/services/private_hours.py each test below reads the old schedule."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from privacy.models import AuditEntry
from privacy.ocean.errors import OceanUnavailable
from privacy.schedules.services.weekly import ScheduleError, schedule_save
from privacy.services import private_hours
from privacy.services.ocean import AuditedOceanClient
from privacy.services.private_hours import private_hours_changed, private_hours_generation
from privacy.steps.services.classify import PRIVATE, PRO, classify, privacy_calendar
from privacy.steps.services.fetch import local_today
from privacy.steps.services.wave import warm_driver_week
from privacy.week import DAYS, WeeklySchedule
from tests.schedules.conftest import grid_post

pytestmark = pytest.mark.django_db

ALL_PRIVATE = WeeklySchedule({day: [(0, 1440)] for day in DAYS})


def next_weekday(customer):
    """The first Monday–Friday after today (pro from 08:00 to 18:00 in the simulator's default week)."""
    day = local_today(customer) + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def ten_to_eleven(customer, day) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(10), tzinfo=customer.tz)
    return start, start + timedelta(hours=1)


def kind(customer, first, last, day) -> str:
    """How the trips pages class a 10:00–11:00 trip on ``day``, through the (cached) calendar."""
    return classify(privacy_calendar(customer, 7001, first, last), *ten_to_eleven(customer, day), customer.tz).kind


def test_a_grid_saved_on_the_portal_is_used_by_the_trips_pages_at_once(sim, login, customer, manager):
    today, day = local_today(customer), next_weekday(customer)
    assert kind(customer, today, day, day) == PRO  # read and cached (2 min)
    response = login(manager).post("/drivers/7001/", grid_post(ALL_PRIVATE, action="save"))
    assert response.status_code == 302
    sim.reset_stats()
    assert kind(customer, today, day, day) == PRIVATE
    assert sim.stats()["by_endpoint"]["GET vieprivee/v1/horairesViePriveeRecurrentesIndividu"] == 1  # read again


def test_the_week_warmed_at_login_is_not_used_after_a_save(sim, login, customer, manager):
    day = next_weekday(customer)
    monday = day - timedelta(days=day.weekday())
    warm_driver_week(customer, 7001, monday, monday + timedelta(days=6), wait=True)
    assert kind(customer, day, day, day) == PRO  # a day inside the warmed week: from the cache
    login(manager).post("/drivers/7001/", grid_post(ALL_PRIVATE, action="save"))
    assert kind(customer, day, day, day) == PRIVATE


def test_a_period_added_on_the_portal_is_used_at_once(sim, login, customer, manager):
    today, day = local_today(customer), next_weekday(customer)
    assert kind(customer, today, day, day) == PRO
    response = login(manager).post("/drivers/7001/periods/", {
        "label": "Congé", "start_date": day.isoformat(), "end_date": day.isoformat()})
    assert response.status_code == 302
    assert kind(customer, today, day, day) == PRIVATE


def test_a_grid_set_with_the_cli_is_used_at_once(sim, customer, tmp_path):
    today, day = local_today(customer), next_weekday(customer)
    assert kind(customer, today, day, day) == PRO
    week = tmp_path / "week.json"
    week.write_text(json.dumps({d: [["00:00", "23:59"]] for d in DAYS}), encoding="utf-8")
    call_command("ocean", "schedule", "set", "--driver", "7001", "--file", str(week), stdout=StringIO())
    assert kind(customer, today, day, day) == PRIVATE


def test_a_write_that_fails_still_drops_the_cached_calendar(sim, customer, manager, monkeypatch):
    """Ocean may have applied a write it did not answer: the calendar is read again, whatever the outcome."""
    before = private_hours_generation(customer.pk, 7001)

    def unanswered(self, **_kwargs):
        raise OceanUnavailable("timeout")

    monkeypatch.setattr(AuditedOceanClient, "recurring_set", unanswered)
    with pytest.raises(ScheduleError):
        schedule_save(actor=manager, customer=customer, driver_id=7001, week=ALL_PRIVATE)
    assert AuditEntry.objects.filter(action="schedule.set", phase="outcome").exists()
    assert private_hours_generation(customer.pk, 7001) != before


def test_a_write_naming_no_driver_drops_every_drivers_calendar(customer):
    """The CLI deletes a period by its id alone: every driver of the customer is read again."""
    drivers = {d: private_hours_generation(customer.pk, d) for d in (7001, 7002)}
    private_hours_changed(customer.pk, 7002)
    assert private_hours_generation(customer.pk, 7001) == drivers[7001]
    assert private_hours_generation(customer.pk, 7002) != drivers[7002]
    private_hours_changed(customer.pk)
    assert private_hours_generation(customer.pk, 7001) != drivers[7001]
    assert private_hours_generation(customer.pk + 1, 7001) != private_hours_generation(customer.pk, 7001)


def test_an_evicted_generation_never_comes_back_as_an_older_one(customer):
    """A counter restarting at 0 would bring back a calendar cached under 0 before a change."""
    first = private_hours_generation(customer.pk, 7001)
    assert private_hours_generation(customer.pk, 7001) == first  # stable while nothing changes
    cache.delete(private_hours._driver_key(customer.pk, 7001))
    assert private_hours_generation(customer.pk, 7001) != first
    cache.delete(private_hours._customer_key(customer.pk))
    assert private_hours_generation(customer.pk, 7001) != first
