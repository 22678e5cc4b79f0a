"""The one-line schedule summary and next exceptional period shown per row of the drivers list.

Built from the per-driver caches of ``schedules`` and ``periods``: ``cached_row_summary`` never
calls Ocean (the list page renders rows it has and lazy-loads the others), ``row_summary`` reads
what is missing (at most one recurring and one exceptional GET for that driver).
"""

from __future__ import annotations

from django.utils import timezone

from privacy.models import Customer
from privacy.schedules.services import periods, weekly
from privacy.week_text import summary as week_summary


def _summary(schedule: weekly.DriverSchedule, driver_periods: list[periods.Period]) -> dict:
    now = timezone.now()
    return {
        "summary": week_summary(schedule.current),
        "next": periods.next_period(driver_periods, now),
        "now": now,
    }


def cached_row_summary(customer: Customer, driver_id: int) -> dict | None:
    """The row's summary when both reads are cached, else None (no upstream call here)."""
    schedule = weekly.schedule_cached(customer, driver_id)
    driver_periods = periods.periods_cached(customer, driver_id)
    if schedule is None or driver_periods is None:
        return None
    return _summary(schedule, driver_periods)


def row_summary(customer: Customer, driver_id: int) -> dict:
    """Reads what is not cached: at most one recurring and one exceptional GET for this driver."""
    return _summary(weekly.schedule_read(customer, driver_id), periods.periods_list(customer, driver_id))


def apply_preview(customer: Customer, week, drivers) -> list[dict]:
    """What applying ``week`` would change, per driver, from the cached schedules only (no Ocean call):
    ``{"driver", "now"}`` with now = the current summary, None when not loaded yet, and ``same`` when the
    driver already has this week (left untouched)."""
    out = []
    for driver in drivers:
        schedule = weekly.schedule_cached(customer, driver.ocean_id)
        current = schedule.current if schedule is not None else None
        out.append({"driver": driver, "now": week_summary(current) if current is not None else None,
                    "same": current == week})
    return out
