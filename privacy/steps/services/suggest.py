"""Suggested private hours for a driver, from professional-time data and totals only.

The evidence is what a manager already sees: the driver's trips of the last four weeks *as the manager's
page builds them* (``driver_steps_page`` with the manager as viewer). Only trips that are professional by
schedule and were never made private are used — their start and end times and distances; a masked trip
(private, mixed, unknown, declared private at any time) contributes nothing, not even its times, and no
place is ever read. Per weekday, the working window runs from the first quartile of the days' first starts
to the third quartile of their last ends (days with professional driving), widened by a margin and rounded
to the quarter hour; the rest of the day is suggested private. A weekday with too little professional
driving is suggested private all day. The result is a starting grid for the manager, never saved by itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from privacy.models import Customer, User
from privacy.services.fleet import FleetDriver
from privacy.steps.services.classify import PRO
from privacy.steps.services.trips import driver_steps_page
from privacy.week import DAYS, END_OF_DAY, QUARTER, WeeklySchedule

WEEKS = 4
MARGIN = 30  # minutes added before the first and after the last professional trip
MIN_ACTIVE_DAYS = 2  # of the WEEKS same weekdays


@dataclass(frozen=True)
class DayEvidence:
    day: str  # LUNDI..DIMANCHE
    days_seen: int
    active_days: int
    trips: int
    km: float
    first_start: int | None  # minutes, first quartile of the active days' first starts
    last_end: int | None  # third quartile of their last ends
    private: tuple[tuple[int, int], ...]  # suggested private slots (minutes)


@dataclass(frozen=True)
class Suggestion:
    first: date
    last: date
    week: WeeklySchedule
    days: tuple[DayEvidence, ...]
    used_trips: int
    left_out: int  # trips whose data was not used (masked for the manager, or not wholly professional)
    failed_days: int


def _floor(minute: int) -> int:
    return max(0, minute // QUARTER * QUARTER)


def _ceil(minute: int) -> int:
    return min(END_OF_DAY, -(-minute // QUARTER) * QUARTER)


def suggest_private_hours(*, viewer: User, customer: Customer, driver: FleetDriver, today: date) -> Suggestion:
    last = today - timedelta(days=1)
    first = last - timedelta(days=7 * WEEKS - 1)
    page = driver_steps_page(viewer=viewer, customer=customer, driver=driver, first=first, last=last)
    per_day: dict[date, list] = {}
    used = left_out = 0
    for group in page.days:
        for row in group.rows:
            if row.masked or row.schedule.kind != PRO or row.effective_private is not False:
                left_out += 1
                continue
            used += 1
            per_day.setdefault(group.day, []).append(row)
    evidence, slots = [], {}
    for index, name in enumerate(DAYS):
        days = [d for d in (first + timedelta(days=i) for i in range(7 * WEEKS)) if d.weekday() == index]
        active = [d for d in days if d in per_day]
        rows = [r for d in active for r in per_day[d]]
        starts = [min(r.start.hour * 60 + r.start.minute for r in per_day[d]) for d in active]
        ends = [max(_end_minute(r, d) for r in per_day[d]) for d in active]
        if len(active) >= MIN_ACTIVE_DAYS:
            lo, hi = _floor(_quartile(starts, 1) - MARGIN), _ceil(_quartile(ends, 3) + MARGIN)
            private = tuple(s for s in ((0, lo), (hi, END_OF_DAY)) if s[0] < s[1])
        else:
            private = ((0, END_OF_DAY),)
        slots[name] = private
        evidence.append(DayEvidence(
            day=name, days_seen=len(days), active_days=len(active), trips=len(rows),
            km=round(sum(r.distance_m for r in rows) / 1000, 1),
            first_start=_quartile(starts, 1) if starts else None, last_end=_quartile(ends, 3) if ends else None,
            private=private))
    return Suggestion(first=first, last=last, week=WeeklySchedule(slots), days=tuple(evidence), used_trips=used,
                      left_out=left_out, failed_days=len(page.failed_days))


def _quartile(values: list[int], q: int) -> int:
    """The q-th quartile (nearest rank) of a non-empty list: 1 → an early start, 3 → a late end."""
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1) / 4)]


def _end_minute(row, day: date) -> int:
    """The trip's end in minutes of ``day`` (a trip ending after midnight ends at 24:00 for that day)."""
    return END_OF_DAY if row.end.date() != day else row.end.hour * 60 + row.end.minute


def cells(week: WeeklySchedule) -> str:
    """The grid page's hidden ``cells`` format: 672 '0'/'1', day-major (quarter hours)."""
    on = week.to_cells()
    return "".join("1" if (day, i) in on else "0" for day in DAYS for i in range(END_OF_DAY // QUARTER))
