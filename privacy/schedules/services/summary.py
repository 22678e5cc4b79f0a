"""The one-line schedule summary and next exceptional period shown per row of the drivers list.

Built from the per-driver caches of ``schedules`` and ``periods``: ``cached_row_summaries`` never
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


def cached_row_summaries(customer: Customer, driver_ids: list[int]) -> dict[int, dict | None]:
    """Each row's summary when both its reads are cached, else None (no upstream call here); a page of
    drivers in two cache round trips, not two per row."""
    schedules = weekly.schedules_cached(customer, driver_ids)
    lists = periods.periods_cached_many(customer, driver_ids)
    return {d: _summary(schedules[d], lists[d]) if d in schedules and d in lists else None for d in driver_ids}


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
