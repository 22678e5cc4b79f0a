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
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, BinaryIO

import requests

from . import analysis, fiche, parse
from .config import OceanConfig
from .dates import format_fiche_date, format_ocean_datetime
from .errors import OceanRejected
from .http import Transport
from .ratelimit import NoRateLimit
from .tokens import MemoryTokenStore
from .types import Assignment, Driver, Entity, LoginInfo, Step, Vehicle
from .vieprivee import EXCEPTIONAL_PLURAL, EXCEPTIONAL_SINGULAR, RECURRING, VP, ViePriveeMixin

log = logging.getLogger("privacy.ocean")

__all__ = ["OceanClient", "RawAnswer", "VP", "RECURRING", "EXCEPTIONAL_PLURAL", "EXCEPTIONAL_SINGULAR"]


@dataclass(frozen=True, slots=True)
class RawAnswer:
    """One exchange as Océan answered it (the probe's evidence): status and decoded body."""

    status: int
    body: Any


class OceanClient(ViePriveeMixin):
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
        return [parse.driver(item) for item in parse.read_list(body, "individus/list")]

    def vehicles(self, *, immatriculation: str | None = None) -> list[Vehicle]:
        """`GET vehicule_engin/vehicles` (§4.1)."""
        body = self._json("GET", "vehicule_engin/vehicles", params={"immatriculation": immatriculation})
        return [parse.vehicle(item) for item in parse.read_list(body, "vehicles", "vehicles")]

    def entities(self) -> list[Entity]:
        """`GET mobility/v1/entities` (§4.2) → `{"entities": [...]}` (a bare array is accepted too)."""
        body = self._json("GET", "mobility/v1/entities")
        return [parse.entity(item) for item in parse.read_list(body, "entities", "entities")]

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
        return [parse.assignment(item) for item in parse.read_list(body, "assignments")]

    # -- §5 daily sheet ---------------------------------------------------------------
    @property
    def fiche_tz(self) -> str:
        """The zone ficheJour's date/heure are read in: the customer's, or UTC (D3)."""
        return "UTC" if self.config.fiche_jour_tz == "UTC" else self.tz

    def fiche_jour(self, *, vehicle_id: int, day: date) -> list[Step]:
        """`GET mobility/v1/ficheJour` (§5.1), date `dd/MM/yyyy`: the trips of that Océan day (stop
        rows left out, D12), times read in `fiche_tz`."""
        body = self._json(
            "GET", "mobility/v1/ficheJour", params={"vehId": vehicle_id, "date": format_fiche_date(day)}
        )
        rows = fiche.trips_only(parse.read_list(body, "ficheJour", "fjRows"), self.config.trip_types)
        return [parse.step(row, vehicle_id, self.fiche_tz) for row in rows]

    def fiche_jour_days(self, *, vehicle_id: int, first: date, last: date) -> dict[date, list[Step]]:
        """The trips of local days `first`..`last`, whichever clock Océan cuts its days on (D14):
        the straddled Océan days are read too and each trip is put on its local start day."""
        days = fiche.ocean_days(first, last, self.tz)
        steps = [s for day in days for s in self.fiche_jour(vehicle_id=vehicle_id, day=day)]
        return fiche.by_local_day(steps, first, last, self.tz)

    # -- raw exchange (the first-contact probe) ----------------------------------------------
    def raw(
        self, method: str, path: str, *, params: dict | None = None, json: Any = None, token: str | None = None
    ) -> RawAnswer:
        """One call as Océan answers it, whatever the status (no error mapping, no re-login).
        `token` replaces the session token (the probe sends a stale one on purpose)."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        if self.config.customer_id is not None:
            query["customerId"] = self.config.customer_id
        headers = {"Accept": "application/json", "X-AUTH-TOKEN": token or self._http.tokens.current()}
        resp = self._http.send(method, path, params=query, json=json, headers=headers, idempotent=method == "GET")
        try:
            return RawAnswer(resp.status_code, parse.decode(resp.content))
        finally:
            resp.close()

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
