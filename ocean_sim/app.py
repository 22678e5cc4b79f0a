"""Flask app factory: routing under the Océan base paths, token auth, ``customerId`` check,
fault injection, request counters and the ``/__sim__/`` control endpoints."""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import orjson
from flask import Flask, Response, g, request

from . import views_fleet, views_positions, views_privacy
from .dates import DateError, local_date
from .faults import Faults, Stats
from .fleet import N_DRIVERS, N_VEHICLES, Fleet
from .responses import ApiError, json_response
from .schedules import BadInput, seed_defaults
from .store import Store
from .variants import Variants, install_night_trips

log = logging.getLogger("ocean_sim")
TOKEN_TTL = timedelta(hours=12)
PREFIXES = ("/ocean/restapi/", "/ocean-3.0.0/restapi/")
SHORT_PREFIXES = ("/ocean/", "/ocean-3.0.0/")  # assignment endpoints are documented without /restapi
ROUTES: dict[tuple[str, str], Callable] = {
    ("POST", "auth/authenticate2"): views_fleet.authenticate,
    ("POST", "individus/list"): views_fleet.individus_list,
    ("GET", "vehicule_engin/vehicles"): views_fleet.vehicles,
    ("GET", "mobility/v1/entities"): views_fleet.entities,
    ("GET", "affectations_chauffeurs/historique"): views_fleet.affectations,
    ("GET", "mobility/v1/ficheJour"): views_fleet.fiche_jour,
    ("GET", "vieprivee/v1/horairesViePriveeRecurrentesIndividu"): views_privacy.recurring_get,
    ("POST", "vieprivee/v1/horairesViePriveeRecurrentesIndividu"): views_privacy.recurring_post,
    ("DELETE", "vieprivee/v1/horairesViePriveeRecurrentesIndividu"): views_privacy.recurring_delete,
    ("GET", "vieprivee/v1/horairesViePriveeExceptionnellesIndividu"): views_privacy.exceptional_get,
    ("POST", "vieprivee/v1/horaireViePriveeExceptionnelleIndividu"): views_privacy.exceptional_post,
    ("POST", "vieprivee/v1/horairesViePriveeExceptionnellesIndividu"): views_privacy.exceptional_post_plural,
    ("DELETE", "vieprivee/v1/horairesViePriveeExceptionnellesIndividu"): views_privacy.exceptional_delete,
    ("POST", "vieprivee/v1/etapeViePriveePosteriori"): views_privacy.declaration,
    ("POST", "analyse/preformattedPrivacy"): views_privacy.analysis_view,
    ("GET", "positions/search"): views_positions.search,
}
KNOWN_PATHS = {p for _, p in ROUTES}
# A second customer the account may read, with an empty fleet: the portal's multi-customer tests see
# "no such driver here" from a well-behaved upstream instead of a 403 for an unknown customerId.
EMPTY_CUSTOMER_ID = 2220000000
EMPTY_LISTS = {
    "individus/list": [],
    "vehicule_engin/vehicles": [],
    "mobility/v1/entities": {"entities": []},
    "affectations_chauffeurs/historique": [],
}


def _empty_customer_answer(ep: str) -> Response:
    """Lists are empty; anything about a driver or vehicle is unknown (404), like an unknown id."""
    if ep in EMPTY_LISTS:
        return json_response(EMPTY_LISTS[ep])
    raise ApiError(404, "Not Found: no such individu or vehicle for this customer")


class SimState:
    """Everything one simulator instance holds; reachable as ``app.extensions["ocean_sim"]``."""

    def __init__(
        self,
        *,
        db_path: str | None,
        seed: int,
        login: str,
        password: str,
        customer_id: int,
        code_exploitant: str,
        clock: Callable[[], datetime] | None,
        drivers: int = N_DRIVERS,
        vehicles: int = N_VEHICLES,
        variants: str | tuple[str, ...] = (),
    ):
        self.variants = Variants(variants)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.login, self._password = login, password
        self.customer_id, self.code_exploitant, self.seed = customer_id, code_exploitant, seed
        self.store = Store(db_path)
        anchor = self.store.meta("anchor")
        if anchor is None:
            anchor = local_date(self.now()).isoformat()
            self.store.set_meta("anchor", anchor)
        self.fleet = Fleet(seed, date.fromisoformat(anchor), customer_id, code_exploitant,
                           drivers=drivers, vehicles=vehicles)
        install_night_trips(self.fleet, self.variants)
        seeded = self.store.meta("seeded")  # how many drivers got the default schedule ("1": the demo's)
        seeded_n = 0 if seeded is None else N_DRIVERS if seeded == "1" else int(seeded)
        if seeded_n < len(self.fleet.drivers):  # a first start, or a bigger fleet on the same database
            seed_defaults(self.store, self.fleet.drivers[seeded_n:], self.fleet.schedule_from)
            self.store.set_meta("seeded", str(len(self.fleet.drivers)))
        self.faults, self.stats = Faults(), Stats()
        self._tokens: dict[str, datetime] = {}
        self._tokens_lock = threading.Lock()

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def check_credentials(self, login: object, password: object) -> bool:
        ok_login = hmac.compare_digest(str(login).encode(), self.login.encode())
        ok_password = hmac.compare_digest(str(password).encode(), self._password.encode())
        return ok_login and ok_password and isinstance(login, str) and isinstance(password, str)

    def issue_token(self) -> str:
        token = secrets.token_hex(64)
        with self._tokens_lock:
            self._tokens[token] = self.now()
        return token

    def token_valid(self, token: str | None) -> bool:
        with self._tokens_lock:
            issued = self._tokens.get(token or "")
            if issued is not None and self.now() - issued >= TOKEN_TTL:
                del self._tokens[token]
                issued = None
        return issued is not None

    def expire_tokens(self) -> None:
        with self._tokens_lock:
            self._tokens.clear()

    def reset(self) -> None:
        """Wipe every write and restore the seeded schedules (tokens stay valid)."""
        self.store.wipe()
        seed_defaults(self.store, self.fleet.drivers, self.fleet.schedule_from)


def _endpoint(path: str) -> str | None:
    for p in PREFIXES:
        if path.startswith(p):
            return path[len(p) :].rstrip("/")
    for p in SHORT_PREFIXES:
        if path.startswith(p + "affectations_chauffeurs/"):
            return path[len(p) :].rstrip("/")
    return None


def create_app(
    *,
    db_path: str | None = None,
    seed: int = 42,
    login: str = "demo",
    password: str = "demo",
    customer_id: int = 1110000000,
    code_exploitant: str = "1110000001",
    clock: Callable[[], datetime] | None = None,
    drivers: int = N_DRIVERS,
    vehicles: int = N_VEHICLES,
    variants: str | tuple[str, ...] = (),
) -> Flask:
    app = Flask("ocean_sim")
    state = SimState(
        db_path=db_path,
        seed=seed,
        login=login,
        password=password,
        customer_id=customer_id,
        code_exploitant=code_exploitant,
        clock=clock,
        drivers=drivers,
        vehicles=vehicles,
        variants=variants,
    )
    app.extensions["ocean_sim"] = state

    @app.before_request
    def _count() -> None:
        g.sim_counted = not request.path.startswith("/__sim__")
        if g.sim_counted:
            ep = _endpoint(request.path)
            state.stats.enter(f"{request.method} {ep if ep is not None else request.path}")

    @app.after_request
    def _status(resp: Response) -> Response:
        if g.get("sim_counted"):
            login_ok = resp.status_code == 200 and _endpoint(request.path) == "auth/authenticate2"
            state.stats.status(resp.status_code, login_ok)
        return resp

    @app.teardown_request
    def _leave(_exc: BaseException | None) -> None:
        if g.get("sim_counted"):
            state.stats.leave()

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError) -> Response:
        body = {"status": err.status, "error": err.message, "path": request.path}
        if state.variants.on("d13") and request.method == "GET" and err.status in (400, 404):
            return json_response(body, 200)  # D13: the error travels in a 200 body
        resp = json_response(body, err.status)
        resp.headers.update(err.headers)
        return resp

    @app.errorhandler(404)
    def _not_found(_err: Exception) -> Response:
        return json_response({"status": 404, "error": "Not Found", "path": request.path}, 404)

    @app.route("/<path:_path>", methods=["GET", "POST", "DELETE", "PUT", "PATCH"])
    def dispatch(_path: str) -> Response:
        ep = _endpoint(request.path)
        if request.path.startswith("/__sim__"):
            raise ApiError(404, "Not Found")
        latency, fault, sleep = state.faults.draw()
        if latency:
            time.sleep(latency)
        if fault == "429":
            raise ApiError(429, "Too Many Requests", {"Retry-After": "1"})
        if fault == "500":
            raise ApiError(500, "Internal Server Error (injected)")
        if sleep:
            time.sleep(sleep)
        handler = ROUTES.get((request.method, ep or ""))
        if handler is None:
            raise ApiError(
                405 if ep in KNOWN_PATHS else 404, "Method Not Allowed" if ep in KNOWN_PATHS else "Not Found"
            )
        if ep != "auth/authenticate2":
            token = request.headers.get("X-AUTH-TOKEN")  # werkzeug headers are case-insensitive
            if not state.token_valid(token):
                status = 403 if state.variants.on("d9") else 401
                raise ApiError(status, "Unauthorized: missing, unknown or expired X-AUTH-TOKEN")
            cid = request.args.get("customerId")
            if cid is not None:
                if not cid.strip().isdigit():
                    raise ApiError(400, "customerId must be an integer")
                if int(cid) == EMPTY_CUSTOMER_ID and int(cid) != state.customer_id:
                    return _empty_customer_answer(ep or "")
                if int(cid) != state.customer_id:
                    raise ApiError(403, "Forbidden: customerId not accessible with this account")
        try:
            return handler(state)
        except (BadInput, DateError) as exc:
            raise ApiError(400, f"Bad Request: {exc}") from exc

    _register_sim_routes(app, state)
    return app


def _register_sim_routes(app: Flask, state: SimState) -> None:
    @app.get("/__sim__/faults")
    def faults_get() -> Response:
        return json_response(state.faults.snapshot())

    @app.post("/__sim__/faults")
    def faults_set() -> Response:
        try:
            data = orjson.loads(request.get_data() or b"{}")
            if not isinstance(data, dict):
                raise ValueError("JSON object expected")
            cfg = state.faults.update(data)
        except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
            return json_response({"status": 400, "error": str(exc)}, 400)
        if data.get("expire_tokens"):
            state.expire_tokens()
        return json_response(cfg)

    @app.get("/__sim__/stats")
    def stats_get() -> Response:
        return json_response(state.stats.snapshot())

    @app.post("/__sim__/stats/reset")
    def stats_reset() -> Response:
        state.stats.reset()
        return json_response(state.stats.snapshot())

    @app.get("/__sim__/variants")
    def variants_get() -> Response:
        return json_response(state.variants.snapshot())

    @app.post("/__sim__/variants")
    def variants_set() -> Response:
        try:
            data = orjson.loads(request.get_data() or b"{}")
            if not isinstance(data, dict):
                raise ValueError("JSON object expected, e.g. {\"d3\": true}")
            return json_response(state.variants.update(data))
        except (ValueError, orjson.JSONDecodeError) as exc:
            return json_response({"status": 400, "error": str(exc)}, 400)

    @app.post("/__sim__/reset")
    def reset() -> Response:
        state.reset()
        return json_response({"reset": True})
