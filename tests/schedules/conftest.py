"""Fixtures of the private-hours tests: the simulator-backed fleet and grid helpers."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from privacy.schedules.forms import week_to_cells
from privacy.week import WeeklySchedule

# Simulator facts (ocean_sim/README.md): 7001.. drivers, entity = index mod 3 (121 Lyon, 122 Paris, 123 Nantes);
# 7006 has no default schedule; everyone else has Mon–Fri 00:00–08:00 + 18:00–24:00 and the weekend.
DEFAULT_WEEK = WeeklySchedule.preset_evenings_weekends()


APPLIED_AFTER = timedelta(minutes=3)  # a save made "now" starts at the next whole minute + 1 min (D5)


def sim_week(sim, driver_id: int, at: datetime | None = None) -> WeeklySchedule:
    """The week the simulator holds for a driver at ``at``, read from its store directly. Default: a
    few minutes from now, once a week saved "now" is in force."""
    moment = int((at or datetime.now(UTC) + APPLIED_AFTER).timestamp() * 1000)
    days: dict[str, list] = {}
    for version in sim.state.store.versions(driver_id):
        if version.debut_ms <= moment and (version.fin_ms is None or moment < version.fin_ms):
            for _sid, _hid, (day, dh, dm, fh, fm) in version.slots:
                end = 1440 if (fh, fm) in ((24, 0), (23, 59)) else fh * 60 + fm
                days.setdefault(day, []).append((dh * 60 + dm, end))
    return WeeklySchedule(days)


def sim_periods(sim, driver_id: int) -> list[tuple[str, datetime, datetime]]:
    return sorted((e.description, datetime.fromtimestamp(e.debut_ms / 1000, UTC),
                   datetime.fromtimestamp(e.fin_ms / 1000, UTC)) for e in sim.state.store.exceptionals(driver_id))


def grid_post(week: WeeklySchedule, **extra) -> dict:
    return {"cells": week_to_cells(week), "valid_from": "", "valid_until": "", **extra}


@pytest.fixture
def lunch_week() -> WeeklySchedule:
    return DEFAULT_WEEK.add_lunch_break()


@pytest.fixture
def other_fleet(other_customer):
    """The other customer's fleet (the simulator serves one customer): cached with a driver of its own."""
    from django.core.cache import cache

    from privacy.services.fleet import Fleet, FleetDriver

    fleet = Fleet(drivers={9001: FleetDriver(customer_id=other_customer.pk, ocean_id=9001, nom="AUTRE", prenom="Paul",
                                             matricule="X1", email="", entity_id=None, entity_name="",
                                             vehicle_id=None, vehicle_plate="", numero_embarque=None)},
                  synced_at="2026-01-01T00:00:00+00:00")
    cache.set(f"privacy:v1:fleet:{other_customer.pk}", fleet.to_cache(), 600)
    return fleet


def writes(sim) -> dict:
    """Upstream write requests received by the simulator, by endpoint."""
    return {k: v for k, v in sim.stats()["by_endpoint"].items() if not k.startswith("GET") and "list" not in k
            and "authenticate" not in k}


def reads(sim, what: str = "") -> int:
    return sum(v for k, v in sim.stats()["by_endpoint"].items() if k.startswith("GET") and what in k)
