"""Fixtures of the reports tests: stored snapshots built directly, and refreshes run against the simulator."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from privacy.reports.models import ReportRow, ReportSnapshot
from privacy.reports.services.ingest import request_refresh
from privacy.reports.services.periods import Period


def previous_month(customer) -> Period:
    """A month entirely in the past and inside the simulator's 90-day window."""
    today = timezone.localtime(timezone.now(), customer.tz).date()
    return Period.containing_month(today).previous_month()


def make_snapshot(customer, period: Period, rows: list[dict], *, as_of=None, current=True) -> ReportSnapshot:
    snapshot = ReportSnapshot.objects.create(
        customer=customer, period_kind=period.kind, period_start=period.start, period_end=period.end,
        as_of=as_of or datetime(2026, 1, 5, 3, 30, tzinfo=UTC), is_current=current,
        status=ReportSnapshot.Status.COMPLETE if current else ReportSnapshot.Status.BUILDING,
    )
    for row in rows:
        ReportRow.objects.create(snapshot=snapshot, **row)
    return snapshot


def row(kind="driver", ocean_id=7001, name="DUPONT Jean", entity_id=121, entity_name="Agence Lyon", **values):
    defaults = {"private_m": 12_345, "pro_m": 100_000, "private_s": 3600, "pro_s": 7200,
                "litres": Decimal("8.5"), "litres_private": Decimal("1.2"), "kwh": Decimal(0),
                "cost": Decimal("15.73"), "cost_private": Decimal("2.22")}
    return {"kind": kind, "ocean_id": ocean_id, "name": name, "entity_id": entity_id,
            "entity_name": entity_name, **(defaults | values)}


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    return settings


@pytest.fixture
def refresh_now(sim, eager, django_capture_on_commit_callbacks):
    """``refresh_now(customer, period)`` → the finished ReportRefresh (task run eagerly on commit)."""

    def run(customer, period, user=None):
        with django_capture_on_commit_callbacks(execute=True):
            refresh, created = request_refresh(customer, period, user=user)
        assert created
        refresh.refresh_from_db()
        return refresh

    return run


def sim_steps(sim, customer, period: Period, *, identified_only: bool):
    start, end = period.bounds_utc(customer.tz)
    now = sim.state.now()
    steps = sim.state.fleet.steps_between(start, end, now)
    return [s for s in steps if s.driver_idx is not None or not identified_only]


def later(minutes: int = 1):
    return timezone.now() + timedelta(minutes=minutes)
