"""Human texts for ``WeeklySchedule``: one-line summary and diff lines.

Translated in the active language when Django settings are available (day
names come from Django's own catalog: "Tuesday" -> "mardi", "Mon" -> "lun"),
English msgids otherwise.  Project msgids needing a French entry in locale/:
"no private hours", "all the time", "weekend", "%(days)s all day",
"%(day)s: + %(slot)s", "%(day)s: − %(slot)s" and, with context
"abbreviated weekday", "%(abbr)s.".
"""
from __future__ import annotations

from privacy.week import DAY_NAMES, DAYS, END_OF_DAY, Slot, WeeklySchedule, gettext, hhmm, pgettext

_ABBR = dict(zip(DAYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))
_FULL_DAY = (Slot(0, END_OF_DAY),)


def day_name(day: str) -> str:
    """Full name in the active language ("mardi" in French, "Tuesday" in English)."""
    return str(DAY_NAMES[day])


def day_abbr(day: str) -> str:
    """Abbreviation with a dot: "lun." in French, "Mon." in English."""
    return pgettext("abbreviated weekday", "%(abbr)s.") % {"abbr": gettext(_ABBR[day])}


def _day_hours(slots: tuple[Slot, ...], *, nights: bool) -> str:
    """A day's slots. Over a run of days (``nights``), the early-morning and late-evening slots read
    as one overnight range ("lun.–ven. 18:00–08:00"); for a single day that would suggest the wrong
    morning, so its slots are listed as they are."""
    pairs = [(s.start, s.end) for s in slots]
    if nights and len(pairs) >= 2 and pairs[0][0] == 0 and pairs[-1][1] == END_OF_DAY:
        pairs = pairs[1:-1] + [(pairs[-1][0], pairs[0][1])]
    return " + ".join(f"{hhmm(a)}–{hhmm(b)}" for a, b in pairs)


def summary(schedule: WeeklySchedule) -> str:
    """E.g. "Mon.–Fri. 18:00–08:00, weekend" ("lun.–ven. 18:00–08:00, week-end" in French).

    Consecutive days with the same slots are grouped (Monday first, no wrap
    from Sunday to Monday); days without private hours are left out.
    """
    if schedule.is_empty():
        return gettext("no private hours")
    if schedule.is_full():
        return gettext("all the time")
    groups: list[list[str]] = []
    for day in DAYS:
        slots = schedule.day(day)
        if not slots:
            continue
        previous = groups[-1][-1] if groups else None
        if previous is not None and DAYS.index(previous) == DAYS.index(day) - 1 \
                and schedule.day(previous) == slots:
            groups[-1].append(day)
        else:
            groups.append([day])
    parts = []
    for group in groups:
        days = day_abbr(group[0]) if len(group) == 1 else f"{day_abbr(group[0])}–{day_abbr(group[-1])}"
        slots = schedule.day(group[0])
        if slots == _FULL_DAY and group == ["SAMEDI", "DIMANCHE"]:
            parts.append(gettext("weekend"))
        elif slots == _FULL_DAY:
            parts.append(gettext("%(days)s all day") % {"days": days})
        else:
            parts.append(f"{days} {_day_hours(slots, nights=len(group) > 1)}")
    return ", ".join(parts)


def describe_diff(old: WeeklySchedule, new: WeeklySchedule) -> list[str]:
    """One line per added/removed slot, e.g. "Tuesday: + 12:00–13:30" ("mardi : + …" in French)."""
    lines = []
    for change in old.diff(new):
        name = day_name(change.day)
        lines += [gettext("%(day)s: + %(slot)s") % {"day": name, "slot": s.label()} for s in change.added]
        lines += [gettext("%(day)s: − %(slot)s") % {"day": name, "slot": s.label()} for s in change.removed]
    return lines
