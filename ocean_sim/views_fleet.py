"""Read-only fleet endpoints and authentication."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
from flask import Response, request

from . import payloads, variants
from .dates import parse_dmy
from .params import int_param, str_list
from .responses import ApiError, json_response
from .schedules import BadInput

if TYPE_CHECKING:
    from .app import SimState

CRITERIA = ("WITHOUT_USER", "WITH_USER", "WITH_ENTITE", "WITH_GSM", "WITH_VEHICLE")


def authenticate(state: SimState) -> Response:
    try:
        body = orjson.loads(request.get_data() or b"null")
    except orjson.JSONDecodeError as exc:
        raise BadInput("JSON body {login, password} required") from exc
    if not isinstance(body, dict) or "login" not in body or "password" not in body:
        raise BadInput("JSON body {login, password} required")
    if not state.check_credentials(body["login"], body["password"]):
        raise ApiError(401, "Bad credentials")
    return json_response(
        {"additionalAccountData": {}, "passwordExpirationRemainingDays": 87, "token": state.issue_token()}
    )


def individus_list(state: SimState) -> Response:
    criteria = str_list("criteria")
    unknown = [c for c in criteria if c not in CRITERIA]
    if unknown:
        raise BadInput(f"unknown criteria {unknown}")
    now, fleet = state.now(), state.fleet
    checks = {
        "WITHOUT_USER": lambda d: d.user_id is None,
        "WITH_USER": lambda d: d.user_id is not None,
        "WITH_ENTITE": lambda d: d.entity_id is not None,
        "WITH_GSM": lambda d: d.gsm is not None,
        "WITH_VEHICLE": lambda d: fleet.current_vehicle(d.id, now) is not None,
    }
    return json_response(
        [payloads.individus_item(fleet, d, now) for d in fleet.drivers if all(checks[c](d) for c in criteria)]
    )


def _plate(p: str) -> str:
    return p.upper().replace("-", "").replace(" ", "")


def vehicles(state: SimState) -> Response:
    wanted = {_plate(p) for p in str_list("immatriculation")}
    now = state.now()
    return json_response(
        [
            payloads.vehicles_item(state.fleet, v, now)
            for v in state.fleet.vehicles
            if not wanted or _plate(v.immat) in wanted
        ]
    )


def entities(state: SimState) -> Response:
    return json_response(
        {"entities": [{"id": eid, "nom": nom} for eid, (nom, _) in state.fleet.entities.items()]}
    )


def affectations(state: SimState) -> Response:
    vid, iid = int_param("idVehicule"), int_param("idIndividu")
    if vid is None and iid is None:
        raise BadInput("idVehicule and/or idIndividu required")
    rows = [
        a
        for a in state.fleet.assignments
        if (vid is None or a.vehicle_id == vid) and (iid is None or a.driver_id == iid)
    ]
    return json_response(
        [payloads.affectation(state.fleet, a) for a in sorted(rows, key=lambda a: (a.debut, a.id))]
    )


def fiche_jour(state: SimState) -> Response:
    veh_id = int_param("vehId", required=True)
    raw = request.args.get("date")
    if raw is None:
        raise BadInput("query parameter date (dd/MM/yyyy) is required")
    day = parse_dmy(raw)
    vehicle = state.fleet.vehicle_by_id.get(veh_id)
    if vehicle is None:
        raise ApiError(404, f"unknown vehicle {veh_id}")
    steps = variants.fiche_steps(state.variants, state.fleet, vehicle, day, state.now())
    rows = variants.fiche_rows(state.variants, [payloads.fj_row(state.fleet, s) for s in steps])
    return json_response({"fjRows": rows})
