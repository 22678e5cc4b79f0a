"""`ocean ping | drivers | vehicles | steps | declare` (ocean-api §1, §3–§5, §6.8)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from .common import Cli, CliError, day_range, parse_day

MAX_STEP_DAYS = 62  # one ficheJour request per vehicle and day: keep a script from flooding Ocean


def ping(cli: Cli) -> dict:
    info = cli.client.authenticate()  # a real login, shared with every process through the cache
    return {
        "ok": True,
        "base_url": settings.OCEAN_BASE_URL,
        "customer_id": cli.client.config.customer_id,
        "password_expiration_days": info.password_expiration_days,
    }


def drivers(cli: Cli, *, include_deleted: bool = False) -> dict:
    found = [d for d in cli.client.individus_list() if include_deleted or not d.deleted]
    return {"drivers": sorted(found, key=lambda d: d.id or 0)}


def vehicles(cli: Cli) -> dict:
    return {"vehicles": sorted(cli.client.vehicles(), key=lambda v: v.id or 0)}


# -- steps (§5.1, §5.2) ---------------------------------------------------------------------------
def _dates(date_: str | None, first: str | None, last: str | None) -> tuple[date, date]:
    if date_ is not None:
        if first or last:
            raise CliError(_("Give either --date or --from/--to, not both."))
        day = parse_day(date_, "--date")
        return day, day
    if not (first and last):
        raise CliError(_("Give --date YYYY-MM-DD, or --from and --to."))
    return day_range(first, last, max_days=MAX_STEP_DAYS)


def _vehicle_steps(cli: Cli, vehicle: int, days: list[date]) -> list:
    """The trips of these local days, whichever clock Ocean cuts its days on (D14)."""
    if not days:
        return []
    by_day = cli.client.fiche_jour_days(vehicle_id=vehicle, first=min(days), last=max(days))
    return [s for day in sorted(set(days)) for s in by_day.get(day, [])]


def _within(moment: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    return moment is not None and (start is None or start <= moment) and (end is None or moment < end)


def _driver_steps(cli: Cli, driver_id: int, start: datetime, end: datetime) -> tuple[dict, list]:
    """ocean-api §5.2: the vehicles of the driver's assignments in the window, each (vehicle, day)
    ficheJour, kept when the row names the driver's matricule or, unidentified, falls in one of the
    driver's assignment periods on that vehicle."""
    driver = next((d for d in cli.client.individus_list() if d.id == driver_id), None)
    if driver is None:
        raise CliError(_("Unknown driver %(driver)s.") % {"driver": driver_id})
    periods: dict[int, list[tuple]] = {}
    for a in cli.client.assignment_history(driver_id=driver_id):
        if a.vehicle_id and (a.start is None or a.start < end) and (a.end is None or a.end > start):
            periods.setdefault(a.vehicle_id, []).append((a.start, a.end))
    if not periods and driver.vehicle_id:  # no history published: the current vehicle, whole window
        periods[driver.vehicle_id] = [(None, None)]
    steps, seen = [], set()
    for vehicle_id in sorted(periods):
        days = sorted(
            {
                day
                for s, e in periods[vehicle_id]
                for day in cli.local_days(max(s or start, start), min(e or end, end))
            }
        )
        for step in _vehicle_steps(cli, vehicle_id, days):
            mine = (
                step.start.driver_matricule == driver.matricule
                if step.start.driver_matricule
                else any(_within(step.start.when, s, e) for s, e in periods[vehicle_id])
            )
            if mine and (vehicle_id, step.id) not in seen:
                seen.add((vehicle_id, step.id))
                steps.append(step)
    steps.sort(key=lambda s: (s.start.when or start, s.vehicle_id or 0))
    return {"id": driver.id, "matricule": driver.matricule, "name": driver.full_name}, steps


def steps(
    cli: Cli,
    *,
    vehicle: int | None = None,
    driver: int | None = None,
    date_: str | None = None,
    first: str | None = None,
    last: str | None = None,
) -> dict:
    day_from, day_to = _dates(date_, first, last)
    start, end = cli.local_midnight(day_from), cli.local_midnight(day_to + timedelta(days=1))
    result: dict = {"from": day_from, "to": day_to}
    if vehicle is not None:
        result["vehicle"] = vehicle
        result["steps"] = _vehicle_steps(cli, vehicle, cli.local_days(start, end))
    else:
        result["driver"], result["steps"] = _driver_steps(cli, driver, start, end)
    return result


# -- a-posteriori declaration (§6.8) ---------------------------------------------------------------
def declare(cli: Cli, *, vehicle: int, step: int, private: bool) -> dict:
    found = next((v for v in cli.client.vehicles() if v.id == vehicle), None)
    if found is None:
        raise CliError(_("Unknown vehicle %(vehicle)s. Nothing was sent.") % {"vehicle": vehicle})
    if found.numero_embarque is None:
        raise CliError(
            _("Vehicle %(vehicle)s has no on-board unit number (numeroEmbarque) in Ocean. Nothing was sent.")
            % {"vehicle": vehicle}
        )
    declared = "private" if private else "pro"
    # The step's driver is not known here (the vehicle's current driver may differ): none recorded.
    wanted = {"vehicle": vehicle, "numero_embarque": found.numero_embarque, "step": step, "declared": declared}
    with cli.audited("step.declare", after=wanted):
        cli.client.declare_step(
            code_exploitant=cli.code_exploitant,
            numero_embarque=found.numero_embarque,
            step_id=step,
            private=private,
        )
        warning = cli.audit("step.declare")
    return {
        "ok": True,
        "vehicle": vehicle,
        "plate": found.immatriculation,
        "numero_embarque": found.numero_embarque,
        "step": step,
        "declared": declared,
        "warning": warning,
    }
