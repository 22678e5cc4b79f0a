"""What one trip row shows, computed in Python once per row (``{% step_row_view %}``, _step_row.html).

A week of rows rendered with a ``{% translate %}``, a date filter or a ``{% url %}`` per cell spent most of the
page's time in the template engine (issue 16). Here the constant texts are translated once per language, the
times and numbers formatted with the very functions the filters call (``template_localtime`` + the same
format, ``floatformat``, ``localize``), the sentences with variables built like ``{% blocktranslate %}``
builds them (the translation as is, each value localized and escaped), and the URLs reversed once. The
template keeps the markup: the full page and the htmx row fragment render the same template.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone, template_localtime
from django.utils.translation import get_language, gettext, ngettext

# Texts without a variable, by the name the templates use (t.<name>): translated once per language.
TEXTS = {
    "time": "Time", "route": "Route", "distance": "Distance", "duration": "Duration", "vehicle": "Vehicle",
    "driver": "Driver", "by_schedule": "By schedule", "declared": "Declared", "action": "Action",
    "places_hidden": "Private — places hidden", "to": "to", "private": "Private", "professional": "Professional",
    "mixed": "Mixed", "unknown": "Unknown", "withdrawn": "Request withdrawn", "by_manager": "by a manager",
    "reason_colon": "Reason:", "not_declared": "Not declared", "reason_required": "Reason (required)",
    "reason_required_private": "Reason (required for private)", "reason_required_pro": "Reason (required for pro)",
    "declare_this": "Declare this trip", "pro": "Pro", "cancel_request": "Cancel my request",
    "declare_for": "Declare for the driver", "declare_as": "Declare as",
    "withdraw_private": "Withdraw the private request", "reason": "Reason", "declare": "Declare",
    "unidentified": "Unidentified",
    # _steps_table.html, once per day
    "no_trip": "No trip.", "day_checked": "Day checked",
    "day_checked_text": "You said this day is correct: no reminder for it.",
    "day_check_hint": "Stops this day's reminders; nothing is sent to Ocean.",
    "day_failed": "Ocean could not be read for this day: its trips are not shown. Try again later.",
    # _why.html
    "why": "Why?",
    "why_unknown": "Ocean could not tell the private hours when this page was built: the trip is treated as "
                   "private, its places hidden from managers, until they can be read.",
    "why_no_driver": "No driver is identified for this trip: nobody's private hours apply, so it counts as "
                     "professional.",
    "why_first_version": "Weekly private hours in force at the start: the first version (no start date).",
    "why_no_version": "No weekly private hour was in force at the start of the trip.",
    "why_period": "private: exceptional period", "why_grid": "private: weekly private hours",
    "why_outside": "professional: outside private hours",
    "why_any_private": "Any private minute hides its places from managers.",
    "private_lc": "private", "professional_lc": "professional", "reason_lc": "reason:",
    "why_overrides": "This declaration overrides the schedule.",
    "why_not_in_force": "This declaration is not in force: the schedule decides.",
    "why_every_change": "Every change, oldest first:", "why_counted": "Counted as:",
    "why_unknown_masking": "unknown for now (private for masking)", "mixed_lc": "mixed",
}


@lru_cache(maxsize=32)
def _texts(language: str | None) -> dict[str, str]:  # noqa: ARG001 - the cache key
    return {name: mark_safe(gettext(msgid)) for name, msgid in TEXTS.items()}  # noqa: S308 - our own texts


def texts() -> dict[str, str]:
    """The constant texts in the active language. Safe, as ``{% translate "literal" %}`` is: a translation of
    the portal's own text is not escaped (the values inside sentences are, see ``sentence``)."""
    return _texts(get_language())


@lru_cache(maxsize=512)
def _translation(language: str | None, msgid: str) -> str:  # noqa: ARG001 - the cache key
    return gettext(msgid)


def _value(value) -> str:
    """A value inside a sentence, as ``{% blocktranslate %}`` renders it: local time, localized, escaped."""
    return conditional_escape(localize(template_localtime(value)))


def sentence(msgid: str, **values) -> str:
    """``{% blocktranslate with k=v %}``: the translation as is, the values escaped."""
    return mark_safe(_translation(get_language(), msgid) % {k: _value(v) for k, v in values.items()})  # noqa: S308 - values escaped


def day_view(group) -> dict:
    """What _steps_table.html shows of a day (``DayGroup``) besides its rows."""
    day, n = group.day, len(group.rows)
    view = {"ymd": f"{day:%Y%m%d}", "iso": day.isoformat(), "title": date_format(day, "l j F Y")}
    if n:
        view["summary"] = mark_safe(ngettext(  # noqa: S308 - values escaped
            "%(n)s trip, %(km)s km (%(pkm)s km private)", "%(n)s trips, %(km)s km (%(pkm)s km private)", n,
        ) % {"n": _value(n), "km": _value(floatformat(group.distance_km, "1")),
             "pkm": _value(floatformat(group.private_km, "1"))})
        view["caption"] = sentence("Trips of %(day)s", day=date_format(day, "l j F"))
        view["check"] = sentence('This day is correct<span class="visually-hidden"> (%(day)s)</span>',
                                 day=date_format(day, "l j"))
    return view


def _local(value: datetime | None, tz) -> datetime | None:
    """``template_localtime``, the current time zone looked up once per row."""
    if value is None or tz is None or value.utcoffset() is None or not getattr(value, "convert_to_local_time", True):
        return value
    return value.astimezone(tz)


def _hm(t: datetime) -> str:  # |time:"H:i"
    return f"{t.hour:02d}:{t.minute:02d}"


def _dmyhm(t: datetime | None) -> str:  # |date:"d/m/Y H:i" ("" for None, as the filter)
    return "" if t is None else f"{t.day:02d}/{t.month:02d}/{t.year:04d} {t.hour:02d}:{t.minute:02d}"


def _why(row, tz) -> dict:
    why = row.schedule.why
    out = {"summary": sentence("(trip at %(start)s)", start=_hm(_local(row.start, tz)))}
    t = texts()
    if why is not None and why.has_version:
        since, until = _dmyhm(_local(why.version_from, tz)), _dmyhm(_local(why.version_until, tz))
        if why.version_from and why.version_until:
            out["version"] = sentence("Weekly private hours in force at the start: the version valid from "
                                      "%(since)s until %(until)s.", since=since, until=until)
        elif why.version_from:
            out["version"] = sentence("Weekly private hours in force at the start: the version valid since "
                                      "%(since)s.", since=since)
        else:
            out["version"] = t["why_first_version"]
    elif why is not None:
        out["version"] = t["why_no_version"]
    if why is not None:
        out["segments"] = [{
            "span": mark_safe(f"{_hm(_local(seg.start, tz))}–{_hm(_local(seg.end, tz))}"),  # noqa: S308 - digits
            "minutes": mark_safe(ngettext("%(n)s min", "%(n)s min", seg.minutes) % {"n": _value(seg.minutes)}),  # noqa: S308
            "source": (sentence("private: exceptional period “%(label)s”", label=seg.label) if seg.label else
                       t["why_period"]) if seg.source == "period" else
            t["why_grid"] if seg.source == "grid" else t["why_outside"],
        } for seg in why.segments]
    if row.schedule.kind == "mixed":
        p, q = row.schedule.private_minutes, row.schedule.pro_minutes
        out["mixed"] = sentence("Mixed trip: %(p)s of its %(t)s minutes are private.", p=p, t=p + q)
        if not (row.declaration and row.declaration.in_force):
            out["mixed_km"] = sentence("Until it is declared, it counts private in proportion to those minutes "
                                       "(%(km)s km private).", km=row.private_distance_km)
    private = row.effective_private
    out["counted"] = t["private_lc"] if private is True else t["professional_lc"] if private is False else \
        t["why_unknown_masking"] if row.schedule.kind == "unknown" else t["mixed_lc"]
    if (d := row.declaration) is not None:
        when = _dmyhm(_local(d.requested_at, tz))
        out["declared_by"] = sentence("Declared by the manager %(who)s on %(when)s" if d.on_behalf else
                                      "Declared by %(who)s on %(when)s", who=d.requested_by, when=when)
        if d.decided_by:
            out["decided_by"] = sentence("Rejected by %(who)s on %(when)s." if d.status == "rejected" else
                                         "Approved by %(who)s on %(when)s.", who=d.decided_by,
                                         when=_dmyhm(_local(d.decided_at, tz)))
        if len(d.history) > 1:
            out["history"] = [{"at": _dmyhm(_local(e.at, tz)), "kind": e.get_kind_display(), "private": e.private,
                               "actor": e.actor_label, "reason": e.reason} for e in d.history]
    return out


def _declaration(d, cancel_mode: bool) -> dict | None:
    if d is None:
        return None
    return {"withdrawn": cancel_mode and not d.private, "private": d.private, "status": conditional_escape(d.status),
            "status_label": conditional_escape(d.status_label), "on_behalf": d.on_behalf,
            "reason": conditional_escape(d.reason), "in_force": d.in_force, "decided_by": d.decided_by,
            "rejection_reason": conditional_escape(d.rejection_reason)
            if d.status == "rejected" and d.rejection_reason else ""}


def _reason_label(row, t: dict) -> str:
    if row.reason_private and row.reason_pro:
        return t["reason_required"]
    if row.reason_private:
        return t["reason_required_private"]
    return t["reason_required_pro"] if row.reason_pro else ""


def _place(place) -> str:  # {{ place.label|default:"—" }}
    return conditional_escape(getattr(place, "label", "") or "—")


def row_view(row, mode: str, layout: str) -> dict:
    """Everything _step_row.html and _why.html show of ``row``, escaped once: the template only looks keys up
    in dictionaries (an attribute of a dataclass costs the template engine a failed ``row[...]`` first)."""
    tz = get_current_timezone() if settings.USE_TZ else None
    start, end = _local(row.start, tz), _local(row.end, tz)
    t, d, cancel_mode, declared = texts(), row.declaration, row.cancel_mode, row.declared_private
    day = row.day.isoformat()
    view = {
        "t": t, "dom_id": mark_safe(row.dom_id), "day": mark_safe(day), "kind": row.schedule.kind,  # noqa: S308 - ids, digits
        "masked": row.masked, "start": mark_safe(_hm(start)), "end": mark_safe(_hm(end)),  # noqa: S308 - digits
        "end_day": mark_safe(f"{end.day:02d}/{end.month:02d}") if row.end.date() != row.start.date() else "",  # noqa: S308
        "distance": floatformat(row.distance_km, "1"), "duration": conditional_escape(row.duration_label),
        "vehicle": conditional_escape(row.vehicle_label), "cancel_mode": cancel_mode, "declared_private": declared,
        "pressed_private": "true" if declared is True else "false",
        "pressed_pro": "true" if declared is False else "false",
        "decl": _declaration(d, cancel_mode), "why": _why(row, tz),
    }
    if not row.masked:
        view["start_place"], view["end_place"] = _place(row.start_place), _place(row.end_place)
    if layout == "vehicle":
        view["driver_label"] = conditional_escape(row.driver_label) if row.driver_label else t["unidentified"]
    if row.schedule.kind == "mixed":
        view["mixed_minutes"] = sentence("%(p)s min private · %(q)s min pro", p=row.schedule.private_minutes,
                                         q=row.schedule.pro_minutes)
    if d is not None and d.status == "sent" and row.driver_id and mode != "preview":
        url = reverse("privacy:my_trip_row", args=(row.vehicle_id, row.step_id)) if mode == "own" else reverse(
            "privacy:driver_trip_row", args=(row.driver_id, row.vehicle_id, row.step_id))
        view["poll_url"] = format_html("{}?day={}&amp;layout={}", url, day, layout)
    if mode == "own" and row.can_declare:
        deadline = _local(row.deadline, tz)
        view["declare_url"] = conditional_escape(reverse("privacy:my_trip_declare", args=(row.vehicle_id, row.step_id)))
        view["until"] = sentence("Until %(when)s", when=f"{deadline.day:02d}/{deadline.month:02d} {_hm(deadline)}")
        view["reason_label"] = _reason_label(row, t)
        view["can_withdraw"] = row.can_withdraw
    elif mode == "own":
        view["deadline_passed"] = sentence("Deadline passed: declaring was possible until %(when)s.",
                                           when=date_format(_local(row.deadline, tz), "DATETIME_FORMAT"))
    elif mode == "manager" and row.can_declare and row.driver_id:
        view["declare_url"] = conditional_escape(reverse("privacy:driver_trip_declare",
                                                         args=(row.driver_id, row.vehicle_id, row.step_id)))
    return view
