"""Why a trip is private, pro or mixed: the pieces of the trip and what decided each of them.

The explanation walks the trip exactly like ``PrivacyCalendar.classify`` counts it: exceptional periods
first (private as a whole), then the weekly grid version in force at the trip's start, by wall-clock
time in the customer's zone. It holds times and minutes only — never a place — so the manager's page
can show it too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from privacy.week import DAYS, WeeklySchedule
from privacy.week import PRIVATE as PRIVATE_SLOT

PERIOD, GRID, OUTSIDE = "period", "grid", "outside"


@dataclass(frozen=True, slots=True)
class Segment:
    start: datetime  # local
    end: datetime  # local
    private: bool
    source: str  # PERIOD, GRID (a private slot of the weekly grid) or OUTSIDE (no private hour)
    label: str = ""  # the exceptional period's label

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class Explanation:
    segments: tuple[Segment, ...]
    version_from: datetime | None  # the weekly grid version in force at the start (None bound = open)
    version_until: datetime | None
    has_version: bool  # False: no private hour at all in force at the start


_GRIDS: dict[tuple, WeeklySchedule] = {}  # by the active slots' signatures: a week's trips share one or two
_GRIDS_MAX = 256


def grid_at(entries, at: datetime) -> WeeklySchedule:
    """``WeeklySchedule.from_entries(entries, at=at)``, built once per set of slots in force (the grid is
    immutable and depends on nothing else): a week of trips classified and explained built it twice a trip."""
    active = tuple(e for e in entries if e.type == PRIVATE_SLOT and e.is_active(at))
    key = tuple(e.signature for e in active)
    grid = _GRIDS.get(key)
    if grid is None:
        grid = WeeklySchedule.from_entries(active, at=at)
        if len(_GRIDS) >= _GRIDS_MAX:
            _GRIDS.clear()
        _GRIDS[key] = grid
    return grid


def grid_pieces(grid: WeeklySchedule, lo: datetime, hi: datetime) -> list[tuple[datetime, datetime, bool]]:
    """[lo, hi) (local, aware) cut where the grid's private slots begin and end: (start, end, private)."""
    cuts = {lo, hi}
    day = lo.date()
    while day <= hi.date():
        midnight = datetime.combine(day, time.min, tzinfo=lo.tzinfo)
        for slot in grid.day(DAYS[day.weekday()]):
            for minute in (slot.start, slot.end):
                at = midnight + timedelta(minutes=minute)
                if lo < at < hi:
                    cuts.add(at)
        day += timedelta(days=1)
    points = sorted(cuts)
    pieces = []
    for a, b in zip(points, points[1:], strict=False):
        local = a.astimezone(lo.tzinfo)
        private = grid.is_private(DAYS[local.weekday()], local.hour * 60 + local.minute)
        pieces.append((a, b, private))
    return pieces


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    merged: list[Segment] = []
    for seg in sorted(segments, key=lambda s: s.start):
        last = merged[-1] if merged else None
        if last and last.end == seg.start and (last.private, last.source, last.label) == (
                seg.private, seg.source, seg.label):
            merged[-1] = Segment(last.start, seg.end, seg.private, seg.source, seg.label)
        else:
            merged.append(seg)
    return tuple(merged)


def explain(entries, periods, labels, start: datetime, end: datetime, tz) -> Explanation:
    """``entries``: every recurring ScheduleEntry (all versions); ``periods``/``labels``: exceptional ones."""
    end = max(end, start)
    segments: list[Segment] = []
    rest = [(start, end)]
    for (p_start, p_end), label in zip(periods, labels, strict=False):
        next_rest = []
        for lo, hi in rest:
            o_lo, o_hi = max(lo, p_start), min(hi, p_end)
            if o_lo >= o_hi:
                next_rest.append((lo, hi))
                continue
            segments.append(Segment(o_lo.astimezone(tz), o_hi.astimezone(tz), True, PERIOD, label))
            next_rest += [seg for seg in ((lo, o_lo), (o_hi, hi)) if seg[0] < seg[1]]
        rest = next_rest
    grid = grid_at(entries, start)
    for lo, hi in rest:
        for a, b, private in grid_pieces(grid, lo.astimezone(tz), hi.astimezone(tz)):
            segments.append(Segment(a, b, private, GRID if private else OUTSIDE))
    active = [e for e in entries if e.type == PRIVATE_SLOT and e.is_active(start)]
    return Explanation(
        segments=_merge(segments),
        version_from=min((e.valid_from for e in active if e.valid_from), default=None),
        version_until=min((e.valid_until for e in active if e.valid_until), default=None),
        has_version=bool(active),
    )
