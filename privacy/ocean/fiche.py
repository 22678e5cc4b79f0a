"""ficheJour rows → trips of customer-local days (ocean-api §5.1; open points D3, D12, D14).

* D12: the daily sheet may hold stops as well as trips; only rows whose ``type`` is a trip type
  (``T`` by default, rows without a type are kept) are trips.
* D14: Océan may cut its days on the UTC clock. A local day then straddles two Océan days, so the
  days asked for are the local days plus every UTC day the local range overlaps, and each row is put
  back on the local day its start falls in (rows seen twice are kept once).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .dates import to_utc_from_local
from .types import Step


def trips_only(rows: Iterable[dict], trip_types: Iterable[str]) -> list[dict]:
    """The rows that are trips (a row without a type is taken as a trip, like the documented one)."""
    kinds = set(trip_types)
    return [r for r in rows if r.get("type") in (None, "") or str(r.get("type")) in kinds]


def ocean_days(first: date, last: date, tz_name: str) -> list[date]:
    """Every Océan day that may hold a trip starting in the local days ``first``..``last``."""
    start = to_utc_from_local(datetime.combine(first, time(0, 0)), tz_name)
    end = to_utc_from_local(datetime.combine(last + timedelta(days=1), time(0, 0)), tz_name)
    end -= timedelta(microseconds=1)
    days = {first + timedelta(days=n) for n in range((last - first).days + 1)}
    utc_first, utc_last = start.date(), end.date()
    days.update(utc_first + timedelta(days=n) for n in range((utc_last - utc_first).days + 1))
    return sorted(days)


def local_day(step: Step, tz_name: str) -> date | None:
    """The customer-local day a trip belongs to: the day its start falls in."""
    return step.start.when.astimezone(ZoneInfo(tz_name)).date() if step.start.when else None


def by_local_day(steps: Iterable[Step], first: date, last: date, tz_name: str) -> dict[date, list[Step]]:
    """Trips of ``first``..``last`` grouped by local day, each trip once (by vehicle and id)."""
    out: dict[date, list[Step]] = {first + timedelta(days=n): [] for n in range((last - first).days + 1)}
    seen: set[tuple] = set()
    for step in steps:
        day = local_day(step, tz_name)
        key = (step.vehicle_id, step.id) if step.id is not None else (step.vehicle_id, id(step))
        if day in out and key not in seen:
            seen.add(key)
            out[day].append(step)
    for rows in out.values():
        rows.sort(key=lambda s: s.start.when)
    return out
