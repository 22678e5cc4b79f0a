"""The weekly "vie privée" grid as an immutable value object.

Times are minutes since midnight; 1440 (24:00) is the end of the day.  A slot
that ends at 23:59 is read as "until the end of the day" everywhere (the
Océan recurring examples write 23:59, the exceptional ones 24:00), so every
schedule stores such an end as 1440 and the conversions round-trip.

Texts (summary, diff lines) live in ``privacy.week_text``; the helpers below
translate with Django when settings are available and fall back to the
English msgids otherwise, so the module also works in plain Python.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured
from django.utils import translation
from django.utils.functional import lazy

DAYS = ("LUNDI", "MARDI", "MERCREDI", "JEUDI", "VENDREDI", "SAMEDI", "DIMANCHE")
PRIVATE = "VIE_PRIVEE"
END_OF_DAY = 1440
QUARTER = 15
CELLS_PER_DAY = END_OF_DAY // QUARTER  # 96
_API_FIELDS = ("debutHeure", "debutMinute", "finHeure", "finMinute")
_HHMM = re.compile(r"([0-9]{1,2}):([0-9]{2})", re.ASCII)


# -- translation helpers (usable without configured settings) -------------------
def _i18n_ready() -> bool:
    try:
        settings.USE_I18N  # noqa: B018 - raises when settings are not configured
    except ImproperlyConfigured:
        return False
    return True


def gettext(msgid: str) -> str:
    try:
        return translation.gettext(msgid) if _i18n_ready() else msgid
    except AppRegistryNotReady:
        return msgid


def pgettext(context: str, msgid: str) -> str:
    try:
        return translation.pgettext(context, msgid) if _i18n_ready() else msgid
    except AppRegistryNotReady:
        return msgid


gettext_lazy = lazy(gettext, str)
_ = gettext_lazy  # extracted by makemessages like Django's own `_`


def format_lazy(message: Any, /, **params: Any) -> Any:
    """``message % params`` evaluated (and translated) only when shown."""
    return lazy(lambda: str(message) % {k: str(v) for k, v in params.items()}, str)()


DAY_NAMES = dict(zip(DAYS, (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
                            _("Saturday"), _("Sunday")), strict=True))


class WeekValidationError(ValueError):
    """Invalid schedule input; ``messages`` are user-presentable (lazy) strings."""

    def __init__(self, messages: Any, day: str | None = None):
        self.messages = list(messages) if isinstance(messages, (list, tuple)) else [messages]
        self.day = day
        super().__init__(*self.messages)

    def __str__(self) -> str:
        return " ".join(str(m) for m in self.messages)


def _error(day: Any, message: Any, /, **params: Any) -> WeekValidationError:
    """The error for ``message % params``, prefixed with the day's name when known."""
    message = format_lazy(message, **params) if params else message
    if day in DAY_NAMES:
        message = format_lazy(_("%(day)s: %(message)s"), day=DAY_NAMES[day], message=message)
        return WeekValidationError([message], day=day)
    return WeekValidationError([message])


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True, order=True)
class Slot:
    """[start, end) in minutes since midnight, 0 <= start < end <= 1440."""

    start: int
    end: int

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            if type(value) is not int or not 0 <= value <= END_OF_DAY:
                raise _error(None, _("The time %(value)s is not valid."), value=repr(value))
        if self.start >= self.end:
            raise _error(None, _("The end %(end)s must be after the start %(start)s."),
                         end=hhmm(self.end), start=hhmm(self.start))

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def label(self) -> str:
        return f"{hhmm(self.start)}–{hhmm(self.end)}"


def _clock(day: Any, hour: Any, minute: Any, *, is_end: bool) -> int:
    """Validate an API/JSON hour+minute pair; 24:00 and (as an end) 23:59 give 1440."""
    for value in (hour, minute):
        if type(value) is not int:
            raise _error(day, _("the time %(value)s is not valid."), value=repr(value))
    if hour == 24 and minute == 0:
        if is_end:
            return END_OF_DAY
        raise _error(day, _("24:00 can only be used as the end of the day."))
    if not 0 <= hour <= 23:
        raise _error(day, _("the hour %(value)s is not valid (0–23, or 24:00 as the end of the day)."),
                     value=hour)
    if not 0 <= minute <= 59:
        raise _error(day, _("the minute %(value)s is not valid (0–59)."), value=minute)
    return END_OF_DAY if is_end and (hour, minute) == (23, 59) else hour * 60 + minute


def _api_pair(day: str, start_hour: Any, start_minute: Any, end_hour: Any, end_minute: Any) -> Slot:
    """A slot from API hour/minute fields (24:00 or 23:59 as the end of the day)."""
    start = _clock(day, start_hour, start_minute, is_end=False)
    return _slot(day, start, _clock(day, end_hour, end_minute, is_end=True))


def _slot(day: Any, start: int, end: int) -> Slot:
    if start >= end:
        raise _error(day, _("the end %(end)s must be after the start %(start)s."),
                     end=hhmm(end), start=hhmm(start))
    return Slot(start, end)


def _check_day(day: Any) -> str:
    if not isinstance(day, str) or day not in DAYS:
        raise _error(None, _("Unknown day %(day)s."), day=repr(day))
    return day


def _merge(slots: Iterable[Slot]) -> tuple[Slot, ...]:
    merged: list[Slot] = []
    for slot in sorted(slots):
        if slot.end == END_OF_DAY - 1:  # 23:59 as an end means the end of the day
            slot = Slot(slot.start, END_OF_DAY)
        if merged and slot.start <= merged[-1].end:  # overlapping or touching
            if slot.end > merged[-1].end:
                merged[-1] = Slot(merged[-1].start, slot.end)
        else:
            merged.append(slot)
    return tuple(merged)


def _subtract(a: tuple[Slot, ...], b: tuple[Slot, ...]) -> tuple[Slot, ...]:
    """Minutes of ``a`` not in ``b`` (both merged)."""
    out = []
    for s in a:
        cur = s.start
        for t in b:
            if t.end <= cur or t.start >= s.end:
                continue
            if t.start > cur:
                out.append(Slot(cur, t.start))
            cur = max(cur, t.end)
        if cur < s.end:
            out.append(Slot(cur, s.end))
    return tuple(out)


def _as_slot(item: Any, day: str) -> Slot:
    if isinstance(item, Slot):
        return item
    if isinstance(item, (tuple, list)) and len(item) == 2:
        start, end = item
        if type(start) is int and type(end) is int and 0 <= start < end <= END_OF_DAY:
            return Slot(start, end)
    raise _error(day, _("the slot %(value)s is not valid."), value=repr(item))


def _parse_hhmm(day: Any, text: Any, *, is_end: bool) -> int:
    match = _HHMM.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise _error(day, _("the time %(value)s is not in HH:MM format."), value=repr(text))
    return _clock(day, int(match[1]), int(match[2]), is_end=is_end)


def _instant(value: Any) -> datetime | None:
    """Epoch milliseconds or ISO-8601 (naive = UTC) or None."""
    if value is None:
        return None
    try:
        if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(value))
    except (ValueError, OverflowError):
        pass
    raise _error(None, _("The date %(value)s is not valid."), value=repr(value))


@dataclass(frozen=True)
class DayChange:
    day: str
    added: tuple[Slot, ...]
    removed: tuple[Slot, ...]


class WeeklySchedule:
    """Private slots per day (every day present, sorted, merged); immutable."""

    __slots__ = ("_days",)

    def __init__(self, slots: Mapping[str, Iterable[Slot | tuple[int, int]]] | None = None):
        if slots is not None and not isinstance(slots, Mapping):
            raise _error(None, _("The schedule is not valid."))
        days: dict[str, tuple[Slot, ...]] = dict.fromkeys(DAYS, ())
        for day, items in (slots or {}).items():
            day = _check_day(day)
            if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
                raise _error(day, _("the slots are not valid."))
            days[day] = _merge(_as_slot(item, day) for item in items)
        object.__setattr__(self, "_days", tuple(days[d] for d in DAYS))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("WeeklySchedule is immutable")

    @property
    def slots(self) -> Mapping[str, tuple[Slot, ...]]:
        return MappingProxyType(dict(self._items()))

    def day(self, day: str) -> tuple[Slot, ...]:
        return self._days[DAYS.index(_check_day(day))]

    def _items(self) -> Iterable[tuple[str, tuple[Slot, ...]]]:
        return zip(DAYS, self._days, strict=True)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WeeklySchedule) and self._days == other._days

    def __hash__(self) -> int:
        return hash(self._days)

    def __repr__(self) -> str:
        parts = [f"{d}=[{', '.join(s.label() for s in ss)}]" for d, ss in self._items() if ss]
        return f"WeeklySchedule({'; '.join(parts)})"

    def is_empty(self) -> bool:
        return not any(self._days)

    def is_full(self) -> bool:
        return all(ss == (Slot(0, END_OF_DAY),) for ss in self._days)

    def total_minutes(self) -> int:
        return sum(s.minutes for ss in self._days for s in ss)

    # -- builders and presets --------------------------------------------------
    @classmethod
    def empty(cls) -> WeeklySchedule:
        return cls()

    def with_day(self, day: str, slots: Iterable[Slot | tuple[int, int]]) -> WeeklySchedule:
        return WeeklySchedule({**self.slots, _check_day(day): slots})

    def copy_day(self, src: str, targets: Iterable[str]) -> WeeklySchedule:
        source = self.day(src)
        if isinstance(targets, (str, bytes)) or not isinstance(targets, Iterable):
            raise _error(None, _("Unknown day %(day)s."), day=repr(targets))
        return WeeklySchedule({**self.slots, **{_check_day(t): source for t in targets}})

    @classmethod
    def preset_evenings_weekends(cls) -> WeeklySchedule:
        """Mon–Fri 00:00–08:00 and 18:00–24:00, Saturday and Sunday all day."""
        weekday = (Slot(0, 8 * 60), Slot(18 * 60, END_OF_DAY))
        return cls({**dict.fromkeys(DAYS[:5], weekday), **dict.fromkeys(DAYS[5:], (Slot(0, END_OF_DAY),))})

    @classmethod
    def preset_all_professional(cls) -> WeeklySchedule:
        return cls()

    def add_lunch_break(self, start: int = 12 * 60, end: int = 13 * 60 + 30) -> WeeklySchedule:
        """A copy with Mon–Fri ``start``–``end`` (default 12:00–13:30) added."""
        return WeeklySchedule({d: self.day(d) + ((Slot(start, end),) if d in DAYS[:5] else ()) for d in DAYS})

    # -- queries ---------------------------------------------------------------
    def is_private(self, day: str, minute: int) -> bool:
        if type(minute) is not int:
            raise _error(day, _("the time %(value)s is not valid."), value=repr(minute))
        return any(s.start <= minute < s.end for s in self.day(day))

    def private_minutes_between(self, start_local: datetime, end_local: datetime) -> int:
        """Whole minutes of [start, end) inside private slots, by wall-clock time.

        Both naive or both aware (an aware end is converted to the start's zone);
        the walk goes day by day so a trip may cross midnight or several days.
        """
        for moment in (start_local, end_local):
            if not isinstance(moment, datetime):
                raise _error(None, _("The date %(value)s is not valid."), value=repr(moment))
        if (start_local.tzinfo is None) != (end_local.tzinfo is None):
            raise _error(None, _("The start and the end must both have a time zone or neither."))
        if end_local.tzinfo is not None:
            end_local = end_local.astimezone(start_local.tzinfo)
        if end_local < start_local:
            raise _error(None, _("The end must not be before the start."))
        seconds, date = 0, start_local.date()
        while date <= end_local.date():
            lo = _seconds(start_local) if date == start_local.date() else 0
            hi = _seconds(end_local) if date == end_local.date() else END_OF_DAY * 60
            for s in self._days[date.weekday()]:
                seconds += max(0, min(hi, s.end * 60) - max(lo, s.start * 60))
            date += timedelta(days=1)
        return seconds // 60

    # -- diff ------------------------------------------------------------------
    def diff(self, other: WeeklySchedule) -> list[DayChange]:
        changes = []
        for day, mine, theirs in zip(DAYS, self._days, other._days, strict=True):
            added, removed = _subtract(theirs, mine), _subtract(mine, theirs)
            if added or removed:
                changes.append(DayChange(day, added, removed))
        return changes

    def apply_diff(self, changes: Iterable[DayChange]) -> WeeklySchedule:
        days = dict(self.slots)
        for change in changes:
            kept = _subtract(days[change.day], tuple(sorted(change.removed)))
            days[change.day] = kept + change.added
        return WeeklySchedule(days)

    # -- conversions -----------------------------------------------------------
    @classmethod
    def from_inner_map(cls, inner_map: Any) -> WeeklySchedule:
        """From the recurring POST body's ``innerMap.map`` (the full body is accepted too)."""
        if isinstance(inner_map, Mapping) and isinstance(inner_map.get("innerMap"), Mapping):
            inner_map = inner_map["innerMap"].get("map")
        if not isinstance(inner_map, Mapping):
            raise _error(None, _("The schedule is not valid."))
        days: dict[str, list[Slot]] = {}
        for day, by_type in inner_map.items():
            day = _check_day(day)
            items = by_type.get(PRIVATE, []) if isinstance(by_type, Mapping) else None
            if not isinstance(items, list):
                raise _error(day, _("the slots are not valid."))
            for item in items:
                if not isinstance(item, Mapping):
                    raise _error(day, _("the slot %(value)s is not valid."), value=repr(item))
                if item.get("typeHoraires", PRIVATE) != PRIVATE:
                    continue
                days.setdefault(day, []).append(_api_pair(day, *map(item.get, _API_FIELDS)))
        return cls(days)

    def to_inner_map(self, end_of_day: str = "23:59") -> dict[str, Any]:
        """The ``innerMap.map`` body; end of day sent as 23:59 (default) or 24:00."""
        if end_of_day not in ("23:59", "24:00"):
            raise ValueError("end_of_day must be '23:59' or '24:00'")
        out: dict[str, Any] = {}
        for day, slots in self._items():
            if slots:
                out[day] = {PRIVATE: [_api_slot(day, s, end_of_day) for s in slots]}
        return out

    @classmethod
    def from_entries(cls, entries: Iterable[Any], *, at: datetime) -> WeeklySchedule:
        """From the API client's ``ScheduleEntry`` objects: VIE_PRIVEE entries active at ``at``."""
        days: dict[str, list[Slot]] = {}
        for e in entries:
            if e.type != PRIVATE or not e.is_active(at):
                continue
            day = _check_day(e.day)
            slot = _api_pair(day, e.start_hour, e.start_minute, e.end_hour, e.end_minute)
            days.setdefault(day, []).append(slot)
        return cls(days)

    @classmethod
    def from_api_items(cls, items: Any, at: datetime) -> WeeklySchedule:
        """From the raw recurring GET JSON (flat list, ``debut``/``fin`` epoch ms, ISO or null)."""
        if not isinstance(items, list):
            raise _error(None, _("The schedule is not valid."))
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        days: dict[str, list[Slot]] = {}
        for item in items:
            slot = item.get("horaire") if isinstance(item, Mapping) else None
            if not isinstance(slot, Mapping):
                raise _error(None, _("The slot %(value)s is not valid."), value=repr(item))
            if slot.get("typeHoraires") != PRIVATE:
                continue
            begin, finish = _instant(item.get("debut")), _instant(item.get("fin"))
            if (begin is not None and at < begin) or (finish is not None and at >= finish):
                continue
            day = _check_day(slot.get("idJourSemaine"))
            days.setdefault(day, []).append(_api_pair(day, *map(slot.get, _API_FIELDS)))
        return cls(days)

    @classmethod
    def from_json_days(cls, data: Any) -> WeeklySchedule:
        """From ``{"LUNDI": [["00:00", "08:00"], ["18:00", "23:59"]]}`` (24:00 accepted too)."""
        if not isinstance(data, Mapping):
            raise _error(None, _("The schedule is not valid."))
        days: dict[str, list[Slot]] = {}
        for day, pairs in data.items():
            day = _check_day(day)
            if not isinstance(pairs, list):
                raise _error(day, _("the slots are not valid."))
            for pair in pairs:
                if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                    raise _error(day, _("the slot %(value)s is not valid."), value=repr(pair))
                start = _parse_hhmm(day, pair[0], is_end=False)
                days.setdefault(day, []).append(_slot(day, start, _parse_hhmm(day, pair[1], is_end=True)))
        return cls(days)

    def to_json_days(self, end_of_day: str = "23:59") -> dict[str, list[list[str]]]:
        """All seven days, ``HH:MM`` pairs; the end of day is written 23:59 like the API examples."""
        return {d: [[hhmm(s.start), _end_text(s, end_of_day)] for s in ss] for d, ss in self._items()}

    @classmethod
    def from_cells(cls, cells: Iterable[Any]) -> WeeklySchedule:
        """From 15-minute cells ``(day, index)``, index 0..95."""
        if isinstance(cells, (str, bytes, Mapping)) or not isinstance(cells, Iterable):
            raise _error(None, _("The schedule is not valid."))
        days: dict[str, list[Slot]] = {}
        for cell in cells:
            if not isinstance(cell, (tuple, list)) or len(cell) != 2:
                raise _error(None, _("The cell %(value)s is not valid."), value=repr(cell))
            day, index = _check_day(cell[0]), cell[1]
            if type(index) is not int or not 0 <= index < CELLS_PER_DAY:
                raise _error(day, _("the cell %(value)s is not valid (0–95)."), value=repr(index))
            days.setdefault(day, []).append(Slot(index * QUARTER, (index + 1) * QUARTER))
        return cls(days)

    def to_cells(self) -> frozenset[tuple[str, int]]:
        """Cells touched by a slot: starts rounded down, ends up to the quarter hour."""
        return frozenset((d, i) for d, ss in self._items() for s in ss
                         for i in range(s.start // QUARTER, -(-s.end // QUARTER)))

    def is_quarter_aligned(self) -> bool:
        return all(s.start % QUARTER == 0 and s.end % QUARTER == 0 for ss in self._days for s in ss)


def _seconds(moment: datetime) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _end_text(slot: Slot, end_of_day: str) -> str:
    if slot.end != END_OF_DAY:
        return hhmm(slot.end)
    return "24:00" if end_of_day == "24:00" or slot.start == END_OF_DAY - 1 else "23:59"


def _api_slot(day: str, slot: Slot, end_of_day: str) -> dict[str, Any]:
    end_h, end_m = map(int, _end_text(slot, end_of_day).split(":"))
    return {"idJourSemaine": day, "typeHoraires": PRIVATE, "debutHeure": slot.start // 60,
            "debutMinute": slot.start % 60, "finHeure": end_h, "finMinute": end_m}

