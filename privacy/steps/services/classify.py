"""Classifying a step by the driver's private hours: private, pro, or mixed with minutes each side.

The private time of a driver is the recurring weekly grid valid at the step's start (ocean-api §6.2,
read through ``WeeklySchedule``) plus exceptional periods (§6.5, wholly private), both in the
customer's local time. When Ocean cannot tell us the schedule the class is "unknown", which the
pages treat like private for masking (privacy first).
"""
from __future__ import annotations

import logging
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from django.core.cache import cache

from privacy.models import Customer
from privacy.ocean import OceanError
from privacy.services.private_hours import private_hours_generation
from privacy.services.private_hours_reads import exceptional_between, recurring_read
from privacy.steps.services.explain import Explanation, explain, grid_at
from privacy.week import DAYS, WeeklySchedule, WeekValidationError

log = logging.getLogger(__name__)

CALENDAR_TTL = 2 * 60  # keyed on the private hours' generation: a write through the portal shows at once
OFFSET_PROBE = timedelta(hours=12)  # DST changes are months apart: one probe per half day finds each

PRIVATE, PRO, MIXED, UNKNOWN = "private", "pro", "mixed", "unknown"


@dataclass(frozen=True, slots=True)
class ScheduleClass:
    kind: str
    private_minutes: int = 0
    pro_minutes: int = 0
    # Why (pieces of the trip and what decided each): for the "Why?" of the pages, never compared.
    why: Explanation | None = field(default=None, compare=False)

    @property
    def touches_private(self) -> bool:
        return self.kind != PRO


@dataclass(frozen=True, slots=True)
class PrivacyCalendar:
    entries: tuple  # ScheduleEntry of every version (closed ones too)
    periods: tuple[tuple[datetime, datetime], ...]  # exceptional private periods, aware
    labels: tuple[str, ...] = ()  # their labels, in the same order

    def classify(self, start: datetime, end: datetime, tz) -> ScheduleClass:
        if end <= start:
            end = start
        total = int((end - start).total_seconds() // 60)
        private = 0
        # Exceptional periods are private as a whole; the rest of the step follows the weekly grid.
        rest = [(start, end)]
        for p_start, p_end in self.periods:
            next_rest = []
            for lo, hi in rest:
                o_lo, o_hi = max(lo, p_start), min(hi, p_end)
                if o_lo >= o_hi:
                    next_rest.append((lo, hi))
                    continue
                private += int((o_hi - o_lo).total_seconds() // 60)
                next_rest += [seg for seg in ((lo, o_lo), (o_hi, hi)) if seg[0] < seg[1]]
            rest = next_rest
        grid = grid_at(self.entries, start)
        for lo, hi in rest:
            private += _grid_minutes(grid, lo, hi, tz)
        private = min(private, total)
        pro = total - private
        if private and pro:
            return ScheduleClass(MIXED, private, pro)
        if private or (total == 0 and self._private_at(grid, start, tz)):
            return ScheduleClass(PRIVATE, private, 0)
        return ScheduleClass(PRO, 0, pro)

    def _private_at(self, grid: WeeklySchedule, at: datetime, tz) -> bool:
        """An instant (a zero-length step) is private in an exceptional period or a private slot."""
        if any(p_start <= at < p_end for p_start, p_end in self.periods):
            return True
        local = at.astimezone(tz)
        return grid.is_private(DAYS[local.weekday()], local.hour * 60 + local.minute)


def _grid_minutes(grid: WeeklySchedule, lo: datetime, hi: datetime, tz) -> int:
    """Private minutes of [lo, hi) by the weekly grid, read on the local wall clock but counted in real
    time: the span is cut where the zone's UTC offset changes (DST), and each piece's wall clock runs
    from its start like real time, so the hour repeated in autumn counts twice and the hour skipped in
    spring not at all."""
    cuts = [lo, *_offset_changes(lo, hi, tz), hi]
    minutes = 0
    for a, b in pairwise(cuts):
        if a < b:
            wall = a.astimezone(tz).replace(tzinfo=None)
            minutes += grid.private_minutes_between(wall, wall + (b - a))
    return minutes


def _offset_changes(lo: datetime, hi: datetime, tz) -> list[datetime]:
    """The instants in (lo, hi) where ``tz`` changes its UTC offset (zones change on whole seconds)."""
    def offset(second: int) -> timedelta:
        return datetime.fromtimestamp(second, UTC).astimezone(tz).utcoffset()

    changes = []
    a = lo
    while a < hi:
        b = min(hi, a + OFFSET_PROBE)
        x, y = math.floor(a.timestamp()), math.ceil(b.timestamp())
        if offset(x) != offset(y):
            while y - x > 1:
                mid = (x + y) // 2
                x, y = (mid, y) if offset(mid) == offset(x) else (x, mid)
            changes.append(datetime.fromtimestamp(y, UTC))
        a = b
    return [c for c in changes if lo < c < hi]


def calendar_key(customer: Customer, driver_id: int, first: date, last: date, generation: str | None = None) -> str:
    """The cache key of the driver's calendar around [first, last] as their private hours are now: a write to
    them (any page, the CLI) changes the generation (privacy/services/private_hours.py), so a calendar
    read before it is never used again."""
    if generation is None:
        generation = private_hours_generation(customer.pk, driver_id)
    return f"privacy:v3:calendar:{customer.pk}:{driver_id}:{generation}:{first.isoformat()}:{last.isoformat()}"


def _week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def calendar_keys(customer: Customer, driver_id: int, first: date, last: date) -> list[str]:
    """The keys that can hold the calendar of [first, last]: its own, then its week's (warmed at login, or
    read by an earlier day of that week) when the range lies within one week."""
    generation = private_hours_generation(customer.pk, driver_id)
    monday, sunday = _week_of(first)
    keys = [calendar_key(customer, driver_id, first, last, generation)]
    if last <= sunday:
        keys.append(calendar_key(customer, driver_id, monday, sunday, generation))
    return keys


def calendar_start(customer: Customer, driver_id: int, first: date, last: date,
                   submit: Callable) -> Callable[[], PrivacyCalendar | None]:
    """Start the driver's two private-hours reads side by side on ``submit`` (a pool's submit) and return
    the function that waits for them: the calendar, cached briefly, or None when Ocean could not be read."""
    keys = calendar_keys(customer, driver_id, first, last)
    key = keys[0]
    found = cache.get_many(keys)
    # A day inside a cached (warmed) week: its calendar holds it.
    cached = next((found[k] for k in keys if found.get(k) is not None), None)
    if cached is not None:
        return lambda: cached
    if len(keys) > 1:
        # Within one week: read the whole week (the same two requests, a wider window) and keep it under the
        # week's key, so the driver's next day of that week needs no read — a day's own key made each day
        # its own pair of reads, all on Océan's shared rate limit.
        key = keys[1]
        first, last = _week_of(first)
    tz = customer.tz
    window_start = datetime.combine(first, time.min, tzinfo=tz) - timedelta(days=1)
    window_end = datetime.combine(last, time.min, tzinfo=tz) + timedelta(days=2)
    # The same two lists the private-hours pages show, read once for all of them (private_hours_reads).
    recurring = submit(lambda: recurring_read(customer, driver_id))
    exceptional = submit(lambda: tuple(
        (p.start, p.end, p.label or "")
        for p in exceptional_between(customer, driver_id, window_start, window_end)
        if p.start is not None and p.end is not None
    ))

    def finish() -> PrivacyCalendar | None:
        try:
            periods = exceptional.result()
            calendar = PrivacyCalendar(entries=recurring.result(), periods=tuple((a, b) for a, b, _l in periods),
                                       labels=tuple(label for _a, _b, label in periods))
        except OceanError as exc:
            log.warning("private hours of driver %s unavailable: %s", driver_id, exc.message)
            return None
        cache.set(key, calendar, CALENDAR_TTL)
        return calendar

    return finish


def privacy_calendar(customer: Customer, driver_id: int, first: date, last: date) -> PrivacyCalendar | None:
    """The driver's private time around [first, last] (two upstream calls at once, cached briefly);
    None when Ocean could not be read."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="calendar") as pool:
        return calendar_start(customer, driver_id, first, last, pool.submit)()


def classify(calendar: PrivacyCalendar | None, start: datetime, end: datetime, tz) -> ScheduleClass:
    if calendar is None:
        return ScheduleClass(UNKNOWN)
    try:
        found = calendar.classify(start, end, tz)
        return replace(found, why=explain(calendar.entries, calendar.periods, calendar.labels, start, end, tz))
    except WeekValidationError as exc:  # a slot Ocean sent that the grid cannot read
        log.warning("schedule not readable: %s", exc)
        return ScheduleClass(UNKNOWN)
