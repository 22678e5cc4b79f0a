"""Shared inputs of the benefit-in-kind tests: month snapshots of 2026 and a fixed assignment history
(so nothing depends on today's date, nor on the simulator's date-anchored assignments)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from privacy.reports.models import VehicleCost
from privacy.reports.services.periods import Period
from privacy.services.fleet import fleet_get

from .conftest import make_snapshot, row

YEAR = 2026
END_OF_YEAR = date(2026, 12, 31)


def month_snapshot(customer, month: int, rows: list[dict], as_of=None):
    """A stored month, read from Ocean the night after it ended unless ``as_of`` says otherwise."""
    period = Period.month(YEAR, month)
    read = as_of or datetime.combine(period.end + timedelta(days=1), time(3, 30), tzinfo=UTC)
    return make_snapshot(customer, period, rows, as_of=read)


def history(monkeypatch, assignments: dict[int, list[tuple]]):
    """``{driver_id: [(vehicle_id, "2026-01-01" | None, "2026-03-15" | None, company_car), ...]}``."""
    from privacy.reports.services import benefit_history

    monkeypatch.setattr(benefit_history, "_history",
                        lambda customer, driver_id, background=False: assignments.get(driver_id, []))


def cost(customer, vehicle_id, **fields):
    defaults = {"acquisition": "purchase", "purchase_price_ttc": Decimal(32000),
                "annual_insurance": Decimal(900), "annual_maintenance": Decimal(700),
                "made_available": date(2025, 3, 1), "first_registration": date(2025, 2, 15)}
    return VehicleCost.objects.create(customer=customer, vehicle_id=vehicle_id, **(defaults | fields))


@pytest.fixture
def vehicles(customer, sim):
    """Two vehicle ids of the simulator's fleet (labels and matricules come from it)."""
    fleet = fleet_get(customer)
    return sorted(fleet.vehicles)[:2]


def driver_row(ocean_id=7001, name="DUPONT Jean", **values):
    return row(ocean_id=ocean_id, name=name, **values)
