"""OceanClient — the only code in the portal that talks HTTP to Océan.

Section numbers (§) refer to docs/ocean-api.md. All methods take
keyword-only arguments and return typed results (types.py) or raise an
OceanError subclass (errors.py). Retry safety per method is declared here with
`idempotent=`; http.py does the rest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, BinaryIO

import requests

from . import analysis, parse
from .config import OceanConfig
from .dates import format_fiche_date, format_ocean_datetime
from .errors import OceanRejected
from .http import Transport
from .ratelimit import NoRateLimit
from .tokens import MemoryTokenStore
from .types import Assignment, Driver, Entity, ExceptionalPeriod, LoginInfo, ScheduleEntry, Step, Vehicle

log = logging.getLogger("privacy.ocean")

VP = "vieprivee/v1/"
RECURRING = VP + "horairesViePriveeRecurrentesIndividu"
EXCEPTIONAL_PLURAL = VP + "horairesViePriveeExceptionnellesIndividu"  # GET, DELETE
EXCEPTIONAL_SINGULAR = VP + "horaireViePriveeExceptionnelleIndividu"  # POST (§6.6)


class OceanClient:
    def __init__(
        self,
        config: OceanConfig,
        *,
        token_store=None,
        rate_limiter=None,
        session: requests.Session | None = None,
        clock: Callable[[], float] | None = None,
        tz: str = "Europe/Paris",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`clock` returns epoch seconds (default time.time); `tz` is the customer zone used to
        read ficheJour local times; `sleep` is injectable for tests (retries, login waits)."""
        self.config = config
        self.tz = tz
        self._clock = clock or time.time
        store = token_store if token_store is not None else MemoryTokenStore()
        self._http = Transport(
            config,
            token_store=store,
            rate_limiter=rate_limiter or NoRateLimit(),
            session=session,
            clock=self._clock,
            sleep=sleep,
        )

    def __repr__(self) -> str:
        return f"OceanClient(base_url={self.config.base_url!r}, customer_id={self.config.customer_id!r})"

    # -- small helpers ------------------------------------------------------------
    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), tz=UTC)

    def _dt(self, value: datetime) -> str:
        return format_ocean_datetime(value, self.config.zone_token)

    def _json(self, method: str, path: str, *, idempotent: bool = True, **kw) -> Any:
        resp = self._http.call(method, path, idempotent=idempotent, **kw)
        return parse.decode(resp.content)

    def _write(self, method: str, path: str, *, idempotent: bool, **kw) -> None:
        body = self._json(method, path, idempotent=idempotent, **kw)
        if parse.is_refusal(body):  # §10.6: 2xx with a false body
            raise OceanRejected(200, "refused by Ocean")

    # -- §1 authentication ----------------------------------------------------------
    def authenticate(self) -> LoginInfo:
        """Force a login (`POST auth/authenticate2`, §1.1) and store the token for every process."""
        return self._http.login()

    def ensure_token(self) -> None:
        """Make sure a valid token exists (shared store first, a single-flight login otherwise)."""
        self._http.tokens.current()

    # -- §3 / §4 reference data -----------------------------------------------------
    def individus_list(self, *, criteria: list[str] | None = None) -> list[Driver]:
        """`POST individus/list` (§3.1); criteria (WITH_VEHICLE, …) as repeated query params."""
        body = self._json("POST", "individus/list", params={"criteria": list(criteria) if criteria else None})
        return [parse.driver(item) for item in parse.as_list(body)]

    def vehicles(self, *, immatriculation: str | None = None) -> list[Vehicle]:
        """`GET vehicule_engin/vehicles` (§4.1)."""
        body = self._json("GET", "vehicule_engin/vehicles", params={"immatriculation": immatriculation})
        return [parse.vehicle(item) for item in parse.as_list(body, "vehicles")]

    def entities(self) -> list[Entity]:
        """`GET mobility/v1/entities` (§4.2) → `{"entities": [...]}` (a bare array is accepted too)."""
        body = self._json("GET", "mobility/v1/entities")
        return [parse.entity(item) for item in parse.as_list(body, "entities")]

    def assignment_history(
        self, *, vehicle_id: int | None = None, driver_id: int | None = None
    ) -> list[Assignment]:
        """`GET affectations_chauffeurs/historique` (§4.2, §10.15): under the restapi root;
        on 404 retried once without the `/restapi` segment."""
        params = {"idVehicule": vehicle_id, "idIndividu": driver_id}
        path = "affectations_chauffeurs/historique"
        try:
            body = self._json("GET", path, params=params)
        except OceanRejected as exc:
            alt = self.config.base_url.removesuffix("/restapi")
            if exc.status != 404 or alt == self.config.base_url:
                raise
            log.info("ocean %s: 404 under /restapi, trying the documented path without it", path)
            body = self._json("GET", path, params=params, base_url=alt)
        return [parse.assignment(item) for item in parse.as_list(body)]

    # -- §5 daily sheet ---------------------------------------------------------------
    def fiche_jour(self, *, vehicle_id: int, day: date) -> list[Step]:
        """`GET mobility/v1/ficheJour` (§5.1), date `dd/MM/yyyy`; local times read in `self.tz`."""
        body = self._json(
            "GET", "mobility/v1/ficheJour", params={"vehId": vehicle_id, "date": format_fiche_date(day)}
        )
        return [parse.step(row, vehicle_id, self.tz) for row in parse.as_list(body, "fjRows")]

    # -- §6 vie privée: recurring ---------------------------------------------------------
    def recurring_get(self, *, driver_id: int) -> list[ScheduleEntry]:
        """`GET …/horairesViePriveeRecurrentesIndividu` (§6.2): flat list incl. closed versions."""
        body = self._json("GET", RECURRING, params={"individuId": driver_id})
        return [parse.schedule_entry(item) for item in parse.as_list(body)]

    def recurring_set(
        self, *, driver_id: int, inner_map: dict, start: datetime, end: datetime | None = None
    ) -> None:
        """`POST …/horairesViePriveeRecurrentesIndividu` (§6.3): the WHOLE week in
        `{"innerMap": {"map": inner_map}}` — idempotent, hence retried."""
        params = {
            "individuId": driver_id,
            "dateDebut": self._dt(start),
            "dateFin": self._dt(end) if end is not None else None,
        }
        self._write("POST", RECURRING, idempotent=True, params=params, json={"innerMap": {"map": inner_map}})

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
                "DELETE",
                RECURRING,
                idempotent=False,
                params={"individuId": driver_id, "horaireIndividuIds": current},
            )
            if not pending:
                return
            now = self._now()  # current or future versions (a future week may hold the slots too)
            active = [
                e
                for e in self.recurring_get(driver_id=driver_id)
                if e.valid_until is None or e.valid_until > now
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
                    (
                        e
                        for e in active
                        if e.signature == meaning.get(old) and e.id not in remapped and e.id not in pending
                    ),
                    None,
                )
                if match is None:
                    log.info("ocean recurring slot already gone after re-issue; skipping")
                    continue
                meaning[match.id] = meaning[old]
                remapped.append(match.id)
            pending = remapped

    # -- §6 vie privée: exceptional ---------------------------------------------------------
    def exceptional_list(self, *, driver_id: int, start: datetime, end: datetime) -> list[ExceptionalPeriod]:
        """`GET …/horairesViePriveeExceptionnellesIndividu` (§6.5, plural); sends both the FR
        (`dateDebut`/`dateFin`) and EN (`startDate`/`endDate`) window names (§10.7)."""
        s, e = self._dt(start), self._dt(end)
        body = self._json(
            "GET",
            EXCEPTIONAL_PLURAL,
            params={"individuId": driver_id, "dateDebut": s, "dateFin": e, "startDate": s, "endDate": e},
        )
        return [parse.exceptional_period(item) for item in parse.as_list(body)]

    def exceptional_add(
        self, *, driver_id: int, start: datetime, end: datetime, label: str, update_id: int | None = None
    ) -> None:
        """`POST …/horaireViePriveeExceptionnelleIndividu` (§6.6, singular path, no body);
        `extensionIdToUpdate` only when updating. NOT retried on 5xx/timeouts."""
        self._write(
            "POST",
            EXCEPTIONAL_SINGULAR,
            idempotent=False,
            params={
                "individuId": driver_id,
                "dateDebut": self._dt(start),
                "dateFin": self._dt(end),
                "description": label,
                "extensionIdToUpdate": update_id,
            },
        )

    def exceptional_delete(self, *, extension_id: int) -> None:
        """`DELETE …/horairesViePriveeExceptionnellesIndividu` (§6.7); id = `ExceptionalPeriod.delete_id`."""
        self._write(
            "DELETE", EXCEPTIONAL_PLURAL, idempotent=False, params={"horaireExtensionIds": extension_id}
        )

    # -- §6.8 a-posteriori declaration ------------------------------------------------------------
    def declare_step(
        self, *, code_exploitant: str, numero_embarque: int, step_id: int, private: bool
    ) -> None:
        """`POST vieprivee/v1/etapeViePriveePosteriori` (§6.8), query params only; idempotent."""
        self._write(
            "POST",
            VP + "etapeViePriveePosteriori",
            idempotent=True,
            params={
                "idEtape": step_id,
                "numeroEmbarque": numero_embarque,
                "codeExploitant": code_exploitant,
                "privacy": "true" if private else "false",
            },
        )

    # -- §7 analysis ------------------------------------------------------------------------------
    def preformatted_privacy(
        self,
        *,
        start: datetime,
        end: datetime,
        render_mode: str,
        criteria: str = "ALL",
        persons=(),
        entities=(),
        groups=(),
        vehicle_ids=(),
        read_timeout: float | None = None,
    ) -> bytes:
        """`POST analyse/preformattedPrivacy` (§7): returns the raw JSON bytes (a read → retried)."""
        body = analysis.body(start, end, render_mode, criteria, persons, entities, groups, vehicle_ids)
        resp = self._http.call("POST", analysis.PATH, json=body, idempotent=True, read_timeout=read_timeout)
        return resp.content

    def preformatted_privacy_to_file(
        self,
        *,
        fileobj: BinaryIO,
        start: datetime,
        end: datetime,
        render_mode: str,
        criteria: str = "ALL",
        persons=(),
        entities=(),
        groups=(),
        vehicle_ids=(),
        read_timeout: float | None = None,
    ) -> int:
        """Same as `preformatted_privacy` but streams the body into `fileobj` in 64 KiB chunks
        (bounded memory); returns the number of bytes written. A cut mid-stream raises
        OceanUnavailable (the file then holds a partial body)."""
        body = analysis.body(start, end, render_mode, criteria, persons, entities, groups, vehicle_ids)
        resp = self._http.call(
            "POST", analysis.PATH, json=body, idempotent=True, stream=True, read_timeout=read_timeout
        )
        return analysis.copy_stream(resp, fileobj)
