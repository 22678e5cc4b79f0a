"""`ocean schedule …` and `ocean periods …`: recurring weeks and exceptional periods (ocean-api §6).

Every write is checked locally first (file, JSON, slots, dates — nothing is sent when they are wrong),
then sent once, then read back so the printed result is what Ocean confirms, not what we asked for.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.week import PRIVATE, WeeklySchedule, WeekValidationError
from privacy.week_text import summary as week_summary

from .common import Cli, CliError

PERIOD_LIST_PAST = timedelta(days=31)  # default `periods list` window: a month back…
PERIOD_LIST_FUTURE = timedelta(days=2 * 366)  # …and two years ahead
LABEL_MAX = 200


# -- recurring week (§6.2–6.4) -------------------------------------------------------------------
def _hhmm(hour: int | None, minute: int | None) -> str:
    return f"{hour or 0:02d}:{minute or 0:02d}"


def _slot(cli: Cli, e) -> dict:
    return {
        "id": e.id,
        "day": e.day,
        "start": _hhmm(e.start_hour, e.start_minute),
        "end": _hhmm(e.end_hour, e.end_minute),
        "valid_from": cli.local(e.valid_from),
        "valid_until": cli.local(e.valid_until),
    }


def _week(entries) -> WeeklySchedule:
    """The week held by one version's entries (the API's hour fields, 23:59 and 24:00 included)."""
    by_day: dict[str, dict] = defaultdict(lambda: {PRIVATE: []})
    for e in entries:
        by_day[e.day][PRIVATE].append(
            {
                "idJourSemaine": e.day,
                "typeHoraires": e.type,
                "debutHeure": e.start_hour,
                "debutMinute": e.start_minute,
                "finHeure": e.end_hour,
                "finMinute": e.end_minute,
            }
        )
    return WeeklySchedule.from_inner_map(dict(by_day))


def _versions(cli: Cli, entries) -> list[dict]:
    """Entries grouped by validity, oldest first, each with its status at ``cli.now``."""
    groups: dict[tuple, list] = defaultdict(list)
    for e in entries:
        if e.type == PRIVATE:
            groups[(e.valid_from, e.valid_until)].append(e)
    out = []
    for (start, end), group in sorted(
        groups.items(), key=lambda kv: kv[0][0] or datetime.min.replace(tzinfo=cli.now.tzinfo)
    ):
        if end is not None and end <= cli.now:
            status = "closed"
        elif start is not None and start > cli.now:
            status = "upcoming"
        else:
            status = "active"
        out.append(
            {
                "status": status,
                "valid_from": cli.local(start),
                "valid_until": cli.local(end),
                "week": _week(group).to_json_days(),
                "slots": [_slot(cli, e) for e in group],
            }
        )
    return out


def _read_week(cli: Cli, driver_id: int, at: datetime) -> tuple[WeeklySchedule, list]:
    entries = cli.client.recurring_get(driver_id=driver_id)
    return WeeklySchedule.from_entries(entries, at=at), entries


def schedule_show(cli: Cli, *, driver: int, history: bool = False) -> dict:
    entries = cli.client.recurring_get(driver_id=driver)
    versions = _versions(cli, entries)
    active = [e for e in entries if e.type == PRIVATE and e.is_active(cli.now)]
    result = {
        "driver": driver,
        "active": WeeklySchedule.from_entries(entries, at=cli.now).to_json_days(),
        "slots": [_slot(cli, e) for e in active],
        "upcoming": [v for v in versions if v["status"] == "upcoming"],
    }
    if history:
        result["history"] = versions
    return result


def load_week_file(path: str) -> WeeklySchedule:
    """WEEK.json (`{"LUNDI": [["00:00","08:00"], …]}`) → WeeklySchedule, or a clear CliError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(
            _("Cannot read %(path)s: %(error)s.") % {"path": path, "error": exc.strerror or exc}
        ) from None
    except UnicodeDecodeError:
        raise CliError(_("%(path)s is not UTF-8 text.") % {"path": path}) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CliError(
            _("%(path)s is not valid JSON (line %(line)s, column %(column)s).")
            % {"path": path, "line": exc.lineno, "column": exc.colno}
        ) from None
    try:
        return WeeklySchedule.from_json_days(data)
    except WeekValidationError as exc:
        raise CliError(_("%(path)s: %(error)s") % {"path": path, "error": exc}) from None


def schedule_set(
    cli: Cli, *, driver: int, file: str, start: str | None = None, until: str | None = None
) -> dict:
    week = load_week_file(file)
    valid_from = cli.future_instant(start, "--from")
    valid_until = cli.instant(until, "--until") if until is not None else None
    if valid_until is not None and valid_until <= valid_from:
        raise CliError(_("--until must be after --from."))
    before, _entries = _read_week(cli, driver, valid_from)
    wanted = {"week": week.to_json_days(), "valid_from": valid_from, "valid_until": valid_until}
    with cli.audited("schedule.set", driver_id=driver, before=before.to_json_days(), after=wanted):
        cli.client.recurring_set(
            driver_id=driver, inner_map=week.to_inner_map(), start=valid_from, end=valid_until
        )
        confirmed, entries = _read_week(cli, driver, valid_from)
        warning = cli.audit(
            "schedule.set",
            after={**wanted, "week": confirmed.to_json_days()},
            upstream_result="confirmed" if confirmed == week else "not confirmed: Ocean reads back another week",
            applied=confirmed == week,
        )
    if confirmed != week:
        raise CliError(
            _(
                "Ocean accepted the schedule but reads back a different week: %(week)s. "
                "Check it with `ocean schedule show`."
            )
            % {"week": week_summary(confirmed)}
        )
    slots = [_slot(cli, e) for e in entries if e.type == PRIVATE and e.is_active(valid_from)]
    return {
        "driver": driver,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "week": confirmed.to_json_days(),
        "slots": slots,
        "warning": warning,
    }


def schedule_delete(cli: Cli, *, driver: int, slot: int) -> dict:
    entries = cli.client.recurring_get(driver_id=driver)
    target = next((e for e in entries if e.id == slot), None)
    if target is None or (target.valid_until is not None and target.valid_until <= cli.now):
        raise CliError(
            _(
                "Slot %(slot)s is not in driver %(driver)s’s current or upcoming schedule "
                "(slot ids change after every change: see `ocean schedule show`). Nothing was sent."
            )
            % {"slot": slot, "driver": driver}
        )
    before = WeeklySchedule.from_entries(entries, at=cli.now)
    with cli.audited("schedule.delete_slot", driver_id=driver, before=before.to_json_days(),
                     after={"slot": _slot(cli, target)}):
        cli.client.recurring_delete(driver_id=driver, slot_ids=[slot])
        cli.now = timezone.now()  # Ocean starts the remaining slots' version at the moment of the DELETE
        after, entries = _read_week(cli, driver, cli.now)
        warning = cli.audit("schedule.delete_slot", after=after.to_json_days())
    return {
        "driver": driver,
        "deleted": _slot(cli, target),
        "active": after.to_json_days(),
        "slots": [_slot(cli, e) for e in entries if e.type == PRIVATE and e.is_active(cli.now)],
        "warning": warning,
    }


# -- exceptional periods (§6.5–6.7) ---------------------------------------------------------------
def _period(cli: Cli, p) -> dict:
    return {
        "id": p.delete_id,
        "record_id": p.id,
        "label": p.label,
        "start": cli.local(p.start),
        "end": cli.local(p.end),
        "author": p.author,
        "deletable": p.entirely_future(cli.now),
        "days": [
            {
                "day": s.day,
                "start": _hhmm(s.start_hour, s.start_minute),
                "end": _hhmm(s.end_hour, s.end_minute),
            }
            for s in p.slots
        ],
    }


def periods_list(cli: Cli, *, driver: int, start: str | None = None, end: str | None = None) -> dict:
    window_start = cli.instant(start, "--from") if start else cli.now - PERIOD_LIST_PAST
    window_end = cli.instant(end, "--to") if end else cli.now + PERIOD_LIST_FUTURE
    if window_end <= window_start:
        raise CliError(_("--to must be after --from."))
    periods = cli.client.exceptional_list(driver_id=driver, start=window_start, end=window_end)
    periods = sorted(periods, key=lambda p: (p.start or cli.now, p.delete_id or 0))
    return {
        "driver": driver,
        "from": window_start,
        "to": window_end,
        "periods": [_period(cli, p) for p in periods],
    }


def periods_add(
    cli: Cli, *, driver: int, label: str, start: str, end: str, update: int | None = None
) -> dict:
    label = " ".join(label.split())
    if not label:
        raise CliError(_("--label must not be empty."))
    if len(label) > LABEL_MAX:
        raise CliError(_("--label is limited to %(max)s characters.") % {"max": LABEL_MAX})
    period_start = cli.future_instant(start, "--from")
    period_end = cli.instant(end, "--to")
    if period_end <= period_start:
        raise CliError(_("--to must be after --from."))
    action = "period.update" if update else "period.add"
    with cli.audited(action, driver_id=driver, after={"label": label, "start": period_start, "end": period_end}):
        cli.client.exceptional_add(
            driver_id=driver, start=period_start, end=period_end, label=label, update_id=update
        )
        stored, warning = _period_stored(cli, driver, label, period_start, period_end, update)
    if stored is None:
        raise CliError(
            _("Ocean accepted the period but does not list it yet; check with `ocean periods list`.")
        )
    return {"driver": driver, "period": _period(cli, stored), "warning": warning}


def _period_stored(cli: Cli, driver: int, label: str, period_start, period_end, update: int | None):
    # Read back the window to print what Ocean stored (the id is needed to update or delete it).
    found = cli.client.exceptional_list(driver_id=driver, start=period_start, end=period_end)
    second = timedelta(seconds=1)  # Ocean keeps whole seconds
    matches = [
        p
        for p in found
        if p.label == label
        and p.start is not None
        and p.end is not None
        and abs(p.start - period_start) < second
        and abs(p.end - period_end) < second
    ]
    if update is not None:
        matches = [p for p in matches if p.delete_id == update] or matches
    stored = max(matches, key=lambda p: p.delete_id or 0) if matches else None
    warning = cli.audit(
        "period.update" if update else "period.add",
        after={
            "label": label,
            "start": period_start,
            "end": period_end,
            "id": stored.delete_id if stored else update,
        },
        upstream_result="confirmed" if stored else "not listed yet",
        applied=stored is not None,
    )
    return stored, warning


def periods_delete(cli: Cli, *, period: int) -> dict:
    with cli.audited("period.delete", before={"id": period}):
        cli.client.exceptional_delete(extension_id=period)
        warning = cli.audit("period.delete")
    return {"deleted": period, "warning": warning}
