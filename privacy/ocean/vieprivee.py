"""Vie-privée calls of OceanClient (ocean-api §6), as a mixin so client.py stays readable.

What is no longer assumed (see docs/ocean-api.md, open points):
* D4  — 404 on the recurring / exceptional GETs (the only GETs documented with 404) means "nothing
  defined": an empty list.
* D7  — the exceptional POST is documented on the singular path and linked on the plural one: the
  singular is tried first; a 404/405 there is retried once on the plural, and the path that works is
  remembered.
* D10 — a recurring POST names every day (an empty list for a day without private hours), so a day
  cleared in the grid is cleared in Océan whether it replaces the week or merges day by day.
* D6  — with ``period_day_cut="UTC"`` a period is sent and read as local wall-clock time labelled
  UTC, so Océan's day slots fall on the customer's days.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from . import parse
from .dates import parse_ocean_time, utc_as_wall_clock, wall_clock_as_utc
from .errors import OceanRejected
from .types import ExceptionalPeriod, ScheduleEntry

log = logging.getLogger("privacy.ocean")

VP = "vieprivee/v1/"
RECURRING = VP + "horairesViePriveeRecurrentesIndividu"
EXCEPTIONAL_PLURAL = VP + "horairesViePriveeExceptionnellesIndividu"  # GET, DELETE
EXCEPTIONAL_SINGULAR = VP + "horaireViePriveeExceptionnelleIndividu"  # POST (§6.6)
DAYS = ("LUNDI", "MARDI", "MERCREDI", "JEUDI", "VENDREDI", "SAMEDI", "DIMANCHE")
PRIVATE = "VIE_PRIVEE"


def full_week(inner_map: dict) -> dict:
    """``inner_map`` with every day present: a day it leaves out gets an empty slot list (D10)."""
    week = {day: inner_map[day] for day in DAYS if day in inner_map}
    for day in DAYS:
        week.setdefault(day, {PRIVATE: []})
    week.update({k: v for k, v in inner_map.items() if k not in week})  # unknown keys: Océan decides
    return week


def observed_day_cut(period: ExceptionalPeriod, tz_name: str) -> str | None:
    """On which clock Océan cut this period into day slots (D6): "local", "UTC", or None when the
    slots cannot tell (no slot, or the zone is UTC at that instant)."""
    stored = parse_ocean_time(period.raw.get("debut")) if period.raw else None
    first = period.slots[0] if period.slots else None
    if stored is None or first is None or first.start_hour is None:
        return None
    local = stored.astimezone(ZoneInfo(tz_name))
    if local.utcoffset() == timedelta(0):
        return None
    slot = (first.start_hour, first.start_minute or 0)
    if slot == (local.hour, local.minute):
        return "local"
    return "UTC" if slot == (stored.hour, stored.minute) else None


class ViePriveeMixin:
    """Needs ``self._json``, ``self._write``, ``self._dt``, ``self._now``, ``self.config``, ``self.tz``."""

    _exceptional_post_path: str | None = None

    def _read_or_nothing(self, path: str, params: dict):
        """A GET where 404 means "nothing defined for this driver" (D4)."""
        try:
            return self._json("GET", path, params=params)
        except OceanRejected as exc:
            if exc.status == 404:
                log.info("ocean GET %s: 404, read as nothing defined", path)
                return []
            raise

    # -- recurring (§6.2–6.4) ---------------------------------------------------------------
    def recurring_get(self, *, driver_id: int) -> list[ScheduleEntry]:
        """`GET …/horairesViePriveeRecurrentesIndividu` (§6.2): flat list incl. closed versions."""
        body = self._read_or_nothing(RECURRING, {"individuId": driver_id})
        return [parse.schedule_entry(item) for item in parse.read_list(body, "recurring schedule")]

    def recurring_set(
        self, *, driver_id: int, inner_map: dict, start: datetime, end: datetime | None = None
    ) -> None:
        """`POST …/horairesViePriveeRecurrentesIndividu` (§6.3): the WHOLE week, every day named,
        in `{"innerMap": {"map": …}}` — idempotent, hence retried."""
        params = {
            "individuId": driver_id,
            "dateDebut": self._dt(start),
            "dateFin": self._dt(end) if end is not None else None,
        }
        body = {"innerMap": {"map": full_week(inner_map)}}
        self._write("POST", RECURRING, idempotent=True, params=params, json=body)

    def recurring_delete(self, *, driver_id: int, slot_ids: list[int]) -> None:
        """`DELETE …/horairesViePriveeRecurrentesIndividu` (§6.4, §10.8): one call per id.

        Each delete re-issues the ids of the remaining slots (§6.4), so between calls
        the schedule is re-read and the remaining ids are re-mapped by slot meaning
        (day, type, hours). Not retried (a replay could delete a re-issued slot)."""
        pending = [int(i) for i in slot_ids]
        meaning: dict[int, tuple] = {}
        if len(pending) > 1:
            meaning = {e.id: e.signature for e in self.recurring_get(driver_id=driver_id) if e.id is not None}
        while pending:
            current = pending.pop(0)
            self._write(
                "DELETE", RECURRING, idempotent=False,
                params={"individuId": driver_id, "horaireIndividuIds": current},
            )
            if not pending:
                return
            now = self._now()  # current or future versions (a future week may hold the slots too)
            active = [
                e for e in self.recurring_get(driver_id=driver_id) if e.valid_until is None or e.valid_until > now
            ]
            # newest version first: an older version may still hold the same slot until it closes
            active.sort(key=lambda e: e.valid_from or datetime.min.replace(tzinfo=UTC), reverse=True)
            active_ids = {e.id for e in active}
            remapped: list[int] = []
            for old in pending:
                if old in active_ids:
                    remapped.append(old)
                    continue
                match = next(
                    (e for e in active
                     if e.signature == meaning.get(old) and e.id not in remapped and e.id not in pending),
                    None,
                )
                if match is None:
                    log.info("ocean recurring slot already gone after re-issue; skipping")
                    continue
                meaning[match.id] = meaning[old]
                remapped.append(match.id)
            pending = remapped

    # -- exceptional (§6.5–6.7) -------------------------------------------------------------
    def _out(self, value: datetime) -> str:
        if self.config.period_day_cut == "UTC":
            value = wall_clock_as_utc(value, self.tz)
        return self._dt(value)

    def _in(self, period: ExceptionalPeriod) -> ExceptionalPeriod:
        if self.config.period_day_cut != "UTC":
            return period
        shift = lambda v: utc_as_wall_clock(v, self.tz)  # noqa: E731
        slots = tuple(replace(s, valid_from=shift(s.valid_from), valid_until=shift(s.valid_until))
                      for s in period.slots)
        return replace(period, start=shift(period.start), end=shift(period.end), slots=slots)

    def exceptional_list(self, *, driver_id: int, start: datetime, end: datetime) -> list[ExceptionalPeriod]:
        """`GET …/horairesViePriveeExceptionnellesIndividu` (§6.5, plural); sends both the FR
        (`dateDebut`/`dateFin`) and EN (`startDate`/`endDate`) window names (§10.7)."""
        s, e = self._out(start), self._out(end)
        body = self._read_or_nothing(
            EXCEPTIONAL_PLURAL, {"individuId": driver_id, "dateDebut": s, "dateFin": e, "startDate": s, "endDate": e}
        )
        items = parse.read_list(body, "exceptional periods")
        return [self._in(parse.exceptional_period(item)) for item in items]

    def exceptional_add(
        self, *, driver_id: int, start: datetime, end: datetime, label: str, update_id: int | None = None
    ) -> None:
        """`POST …/horaireViePriveeExceptionnelleIndividu` (§6.6, singular path, no body);
        `extensionIdToUpdate` only when updating. NOT retried on 5xx/timeouts; a 404/405 on the
        singular path is sent once to the plural one (D7), which is then remembered."""
        params = {
            "individuId": driver_id,
            "dateDebut": self._out(start),
            "dateFin": self._out(end),
            "description": label,
            "extensionIdToUpdate": update_id,
        }
        path = self._exceptional_post_path or EXCEPTIONAL_SINGULAR
        try:
            self._write("POST", path, idempotent=False, params=params)
        except OceanRejected as exc:
            if self._exceptional_post_path is not None or exc.status not in (404, 405):
                raise
            log.warning("ocean POST %s answered %s; trying the plural path once", path, exc.status)
            try:
                self._write("POST", EXCEPTIONAL_PLURAL, idempotent=False, params=params)
            except OceanRejected as second:
                if second.status in (404, 405):
                    raise exc from None
                raise
            self._exceptional_post_path = EXCEPTIONAL_PLURAL
            return
        self._exceptional_post_path = path

    def exceptional_delete(self, *, extension_id: int) -> None:
        """`DELETE …/horairesViePriveeExceptionnellesIndividu` (§6.7); id = `ExceptionalPeriod.delete_id`."""
        self._write("DELETE", EXCEPTIONAL_PLURAL, idempotent=False, params={"horaireExtensionIds": extension_id})

    # -- §6.8 a-posteriori declaration --------------------------------------------------------
    def declare_step(self, *, code_exploitant: str, numero_embarque: int, step_id: int, private: bool) -> None:
        """`POST vieprivee/v1/etapeViePriveePosteriori` (§6.8), query params only; idempotent.
        What `privacy=false` means (pro, or withdraw the request: D2) is the caller's setting."""
        self._write(
            "POST", VP + "etapeViePriveePosteriori", idempotent=True,
            params={
                "idEtape": step_id,
                "numeroEmbarque": numero_embarque,
                "codeExploitant": code_exploitant,
                "privacy": "true" if private else "false",
            },
        )
