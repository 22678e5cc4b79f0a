"""The portal's main flows against every reading of the vendor docs (simulator variants D1–D14).

Each run switches one variant on in the simulator and sets what `ocean probe` names for it (nothing
for the readings the portal handles by itself), then: save a grid, add a period, declare a trip, open a
week of trips, refresh a report — and checks the result against what the simulator holds, so a wrong
figure cannot pass silently. The default reading runs too (variant ``None``)."""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from ocean_sim.dates import PARIS
from ocean_sim.variants import VARIANTS
from privacy.reports.models import ReportRefresh, ReportRow
from privacy.reports.services.queries import current_snapshot
from privacy.services.fleet import fleet_get
from privacy.services.ocean import ocean_client, ocean_clients_reset
from privacy.steps.services.fetch import local_today
from privacy.steps.services.trips import driver_steps_page
from tests.reports.conftest import previous_month, sim_steps
from tests.schedules.conftest import DEFAULT_WEEK, grid_post, sim_week
from tests.steps.conftest import declare_url, find_row, sim_value

pytestmark = pytest.mark.django_db

# What the probe tells a customer to set for each variant that needs a setting.
SETTINGS_OF = {
    "d1_keys": {"OCEAN_ANALYSIS_PERIOD_KEYS": {"PRIVE": "private", "PROFESSIONNEL": "pro"},
                "REPORT_PRIVATE_KEYS": ["PRIVE"], "REPORT_PRO_KEYS": ["PROFESSIONNEL"]},
    "d1_tree": {"OCEAN_ANALYSIS_TREE": "root-leaf"},
    "d2": {"OCEAN_PRIVACY_FALSE_MEANS": "cancel"},
    "d3": {"OCEAN_FICHEJOUR_TZ": "UTC"},
    "d6": {"OCEAN_PERIOD_DAY_CUT": "UTC"},
    "d11": {"OCEAN_ZONE_TOKEN": "Z"},
}


@pytest.fixture(params=[None, *sorted(VARIANTS)])
def variant(request, sim, settings, eager):
    name = request.param
    if name:
        sim.set_variants(name)
        for key, value in SETTINGS_OF.get(name, {}).items():
            setattr(settings, key, value)
    ocean_clients_reset()
    return name


def fresh_tokens(sim):
    sim.set_faults(expire_tokens=True)  # every flow starts with an expired token (401, or 403 with d9)


def test_save_a_grid(variant, sim, login, manager):
    fresh_tokens(sim)
    week = DEFAULT_WEEK.with_day("SAMEDI", []).add_lunch_break()  # a day cleared (D10), hours added
    assert login(manager).post("/drivers/7001/", grid_post(week, action="save")).status_code == 302
    assert sim_week(sim, 7001) == week
    # A driver with nothing defined yet (404 with d4) gets a first week.
    assert login(manager).post("/drivers/7006/", grid_post(week, action="save")).status_code == 302
    assert sim_week(sim, 7006) == week


def test_add_a_period(variant, sim, login, manager, customer):
    fresh_tokens(sim)
    day = (datetime.now(PARIS) + timedelta(days=60)).date()
    response = login(manager).post("/drivers/7001/periods/", {"label": "CONGE", "start_date": day.isoformat(),
                                                              "end_date": day.isoformat()})
    assert response.status_code == 302
    start = datetime(day.year, day.month, day.day, tzinfo=PARIS).astimezone(UTC)
    listed = ocean_client(customer).exceptional_list(driver_id=7001, start=start - timedelta(days=1),
                                                     end=start + timedelta(days=2))
    [period] = [p for p in listed if p.label == "CONGE"]
    assert (period.start, period.end) == (start, start + timedelta(days=1))
    # In Ocean the period is the local day: one whole-day slot, whichever clock Ocean cuts on (D6).
    assert [(s.start_hour, s.end_hour) for s in period.slots] == [(0, 24)]


def test_declare_a_trip(variant, sim, login, driver, django_capture_on_commit_callbacks):
    fresh_tokens(sim)
    row = find_row(driver.customer, driver, kind="pro")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(driver).post(declare_url(row), {"day": row.day.isoformat(), "private": "true"},
                                      headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert sim_value(sim, row) is True


def test_open_a_week_of_trips(variant, sim, driver, customer):
    fresh_tokens(sim)
    today = local_today(customer)
    monday = today - timedelta(days=today.weekday() + 7)
    page = driver_steps_page(viewer=driver, customer=customer, driver=fleet_get(customer).drivers[7001],
                             first=monday, last=monday + timedelta(days=6))
    shown = {(r.step_id, r.start) for g in page.days for r in g.rows}
    vehicle, now = sim.state.fleet.vehicle_by_id[5001], sim.state.now()
    held = {(s.id, s.start) for n in range(7) for s in sim.state.fleet.steps(vehicle, monday + timedelta(days=n), now)}
    assert shown == held  # every trip, once, at its true time, on its local day; no stop rows
    assert all(r.start.astimezone(PARIS).date() == g.day for g in page.days for r in g.rows)


def test_refresh_a_report(variant, sim, customer, refresh_now):
    fresh_tokens(sim)
    period = previous_month(customer)
    refresh = refresh_now(customer, period)
    assert refresh.status == ReportRefresh.Status.DONE, refresh.message
    snapshot = current_snapshot(customer, period)
    assert snapshot.incomplete == ""  # every figure read
    fleet = sim.state.fleet
    by_driver, by_vehicle = defaultdict(int), defaultdict(int)
    for step in sim_steps(sim, customer, period, identified_only=False):
        by_vehicle[fleet.vehicles[step.vehicle_idx].id] += step.distance
        drv = fleet.drivers[step.driver_idx] if step.driver_idx is not None else None
        if drv is not None and drv.entity_id is not None:
            by_driver[drv.id] += step.distance
    rows = ReportRow.objects.filter(snapshot=snapshot)
    assert {r.ocean_id: r.private_m + r.pro_m for r in rows.filter(kind="driver")} == dict(by_driver)
    assert {r.ocean_id: r.private_m + r.pro_m for r in rows.filter(kind="vehicle")} == dict(by_vehicle)
    assert sum(r.private_m for r in rows.filter(kind="driver")) > 0
