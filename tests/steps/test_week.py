"""The week view: one ficheJour per uncached vehicle-day, fetched concurrently; cached the second time."""
from __future__ import annotations

from datetime import timedelta

import pytest

from privacy.services.fleet import fleet_get
from privacy.steps.services.classify import MIXED, PRIVATE, PRO
from privacy.steps.services.fetch import driver_periods, local_today

from .conftest import FICHE, calls

pytestmark = pytest.mark.django_db


def test_a_week_makes_one_fiche_call_per_vehicle_day_concurrently_then_none(sim, driver, login, customer):
    fleet_get(customer)  # the fleet directory is another feature's cache
    monday = local_today(customer) - timedelta(days=local_today(customer).weekday() + 7)  # last week: all past
    sim.reset_stats()
    sim.set_faults(latency_ms=150)
    response = login(driver).get(f"/trips/?day={monday.isoformat()}&span=week")
    assert response.status_code == 200
    stats = sim.stats()
    # Driver 7001 drove one vehicle (5001) all that week: its 7 days, plus the Sunday before, whose UTC
    # hours hold Monday's first local hour if Ocean cuts its days in UTC (D14).
    assert calls(sim, FICHE) == 8
    assert stats["max_concurrency"] > 1
    sim.reset_stats()
    login(driver).get(f"/trips/?day={monday.isoformat()}&span=week")
    assert calls(sim, FICHE) == 0


def test_a_week_across_a_vehicle_change_fetches_both_vehicles_only_where_assigned(sim, driver, customer):
    from privacy.steps.services.trips import driver_steps_page

    anchor = local_today(customer)  # the simulator's anchor is its first start: today in tests
    switch = anchor - timedelta(days=40)
    driver_periods(customer, 7001)  # the history known (warmed): only the assigned days are asked for
    sim.reset_stats()
    page = driver_steps_page(viewer=driver, customer=customer, driver=fleet_get(customer).drivers[7001],
                             first=switch - timedelta(days=3), last=switch + timedelta(days=3))
    fiche = [k for k in sim.stats()["by_endpoint"] if k == FICHE]
    # 3 days on 5021, 4 days on 5001 (switch at local midnight), each run plus the UTC day before (D14)
    assert fiche and calls(sim, FICHE) == 9
    vehicles = {r.vehicle_id for g in page.days for r in g.rows}
    assert vehicles == {5001, 5021}
    for g in page.days:
        for r in g.rows:
            assert r.vehicle_id == (5021 if g.day < switch else 5001)


def test_a_cold_week_starts_the_current_vehicle_at_once_and_shows_only_the_assigned_days(sim, driver, customer,
                                                                                          settings):
    from privacy.services.ocean import ocean_clients_reset
    from privacy.steps.services.trips import driver_steps_page

    settings.OCEAN_MAX_RPS = 1000.0  # the wave itself, not the rate limiter's burst
    ocean_clients_reset()

    switch = local_today(customer) - timedelta(days=40)
    first, last = switch - timedelta(days=3), switch + timedelta(days=3)
    fleet = fleet_get(customer)
    sim.reset_stats()
    sim.set_faults(latency_ms=400)  # long enough for the whole wave to be in flight at once
    cold = driver_steps_page(viewer=driver, customer=customer, driver=fleet.drivers[7001], first=first, last=last)
    stats = sim.stats()
    # 7 days of the current vehicle 5001 started with the history (one wave), then the 3 days on 5021
    # the history revealed; the 3 days of 5001 before the switch are fetched but none of their rows shown.
    # Each vehicle's run of days also reads the UTC day before its first (D14): 8 + 4.
    assert calls(sim, FICHE) == 12 and stats["max_concurrency"] >= 10
    sim.clear_faults()
    warm = driver_steps_page(viewer=driver, customer=customer, driver=fleet.drivers[7001], first=first, last=last)
    rows = [(r.day, r.vehicle_id, r.step_id) for g in cold.days for r in g.rows]
    assert rows == [(r.day, r.vehicle_id, r.step_id) for g in warm.days for r in g.rows]
    assert all(vehicle == (5021 if day < switch else 5001) for day, vehicle, _ in rows)


def test_trips_are_classified_by_the_drivers_schedule(sim, driver, customer):
    from privacy.steps.services.trips import driver_steps_page

    today = local_today(customer)
    page = driver_steps_page(viewer=driver, customer=customer, driver=fleet_get(customer).drivers[7001],
                             first=today - timedelta(days=28), last=today - timedelta(days=1))
    rows = [r for g in page.days for r in g.rows]
    kinds = {r.schedule.kind for r in rows}
    assert {PRIVATE, PRO, MIXED} <= kinds
    for r in rows:
        minutes = r.schedule.private_minutes + r.schedule.pro_minutes
        if r.schedule.kind == MIXED:
            assert r.schedule.private_minutes > 0 and r.schedule.pro_minutes > 0
            # default schedule: weekdays private from 18:00 — a mixed trip crosses 18:00 (or 08:00)
            assert r.start.hour < 18 <= r.end.hour or r.start.hour < 8 <= r.end.hour
        if r.start.weekday() >= 5:
            assert r.schedule.kind == PRIVATE
        assert minutes <= round(r.duration_s / 60) + 1


def test_an_exceptional_period_makes_its_trips_private(sim, driver, customer):
    """Periods cannot be written in the past upstream, so one is placed in the simulator's store."""
    from datetime import datetime, time

    from privacy.steps.services.trips import driver_steps_page

    fleet = fleet_get(customer)
    day = local_today(customer) - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    start = datetime.combine(day, time(0, 0), tzinfo=customer.tz)
    ms = int(start.timestamp() * 1000)
    sim.state.store.add_exceptional(7001, "Congés", ms, ms + 24 * 3600 * 1000)
    page = driver_steps_page(viewer=driver, customer=customer, driver=fleet.drivers[7001], first=day, last=day)
    rows = page.days[0].rows
    assert rows and all(r.schedule.kind == PRIVATE for r in rows)


def test_days_ocean_could_not_give_are_named_and_nothing_breaks(sim, driver, login, customer):
    client = login(driver)
    client.get("/trips/")  # fleet and assignments are now cached
    sim.set_faults(error_rate=1.0)
    monday = local_today(customer) - timedelta(days=local_today(customer).weekday() + 14)
    response = client.get(f"/trips/?day={monday.isoformat()}&span=week")
    assert response.status_code == 200
    assert "Certains jours n’ont pas pu être chargés depuis Océan" in response.content.decode()
