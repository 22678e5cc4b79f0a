"""Vie-privée endpoints (recurring, exceptional, a-posteriori declarations) and the analysis."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import orjson
from flask import Response, request

from . import analysis, payloads, schedules, variants
from .dates import to_ms
from .params import date_param, int_list, int_param
from .responses import ApiError, empty_response, json_response
from .schedules import BadInput

if TYPE_CHECKING:
    from .app import SimState
    from .fleet import Driver

PAST_TOLERANCE = timedelta(minutes=1)


def _tolerance(state: SimState) -> timedelta:
    return timedelta(0) if state.variants.on("d5") else PAST_TOLERANCE


def _nothing(state: SimState, rows: list) -> None:
    if not rows and state.variants.on("d4"):
        raise ApiError(404, "Not Found: nothing defined for this individu")


def _body() -> object:
    raw = request.get_data()
    try:
        return orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError as exc:
        raise BadInput("body is not valid JSON") from exc


def _driver(state: SimState, *, status_if_unknown: int) -> Driver:
    iid = int_param("individuId", required=True)
    drv = state.fleet.driver_by_id.get(iid)
    if drv is None:
        raise ApiError(status_if_unknown, f"unknown individu {iid}")
    return drv


# ----- recurring ----------------------------------------------------------------------------
def recurring_get(state: SimState) -> Response:
    drv = _driver(state, status_if_unknown=404)
    rows = schedules.recurring_rows(state.store.versions(drv.id), drv)
    _nothing(state, rows)
    return json_response(rows)


def recurring_post(state: SimState) -> Response:
    drv = _driver(state, status_if_unknown=400)
    now = state.now()
    debut = date_param("dateDebut") or now
    fin = date_param("dateFin")
    if debut < now - _tolerance(state):
        raise BadInput("dateDebut is in the past: changes never impact the past")
    if fin is not None and fin <= debut:
        raise BadInput("dateFin must be after dateDebut")
    body = _body()
    slots = schedules.parse_week(body)
    if state.variants.on("d10"):  # only the days named in the body are replaced
        named = set(body["innerMap"]["map"])
        running = [v for v in state.store.versions(drv.id)
                   if v.debut_ms <= to_ms(debut) and (v.fin_ms is None or v.fin_ms > to_ms(debut))]
        slots += [slot for v in running for _sid, _hid, slot in v.slots if slot[0] not in named]
    state.store.replace_week(drv.id, to_ms(debut), to_ms(fin) if fin else None, slots)
    return json_response(True)


def recurring_delete(state: SimState) -> Response:
    drv = _driver(state, status_if_unknown=400)
    ids = set(int_list("horaireIndividuIds"))
    if not ids:
        raise BadInput("horaireIndividuIds is required")
    if not state.store.remove_slots(drv.id, ids, to_ms(state.now())):
        raise BadInput(
            "unknown horaireIndividuIds (or slot of a closed schedule: the past is never modified)"
        )
    return empty_response(204)


# ----- exceptional --------------------------------------------------------------------------
def exceptional_get(state: SimState) -> Response:
    drv = _driver(state, status_if_unknown=404)
    lo, hi = date_param("dateDebut", "startDate"), date_param("dateFin", "endDate")
    rows = [
        e
        for e in state.store.exceptionals(drv.id)
        if (lo is None or e.fin_ms > to_ms(lo)) and (hi is None or e.debut_ms < to_ms(hi))
    ]
    user = payloads.api_user(state.login)
    _nothing(state, rows)
    utc_days = state.variants.on("d6")
    return json_response([schedules.exceptional_row(e, drv, user, utc_days=utc_days) for e in rows])


def exceptional_post_plural(state: SimState) -> Response:
    """D7: the plural path takes the POST only when the variant is on (else: known path, 405)."""
    if not state.variants.on("d7"):
        raise ApiError(405, "Method Not Allowed")
    return _exceptional_post(state)


def exceptional_post(state: SimState) -> Response:
    if state.variants.on("d7"):
        raise ApiError(404, "Not Found")
    return _exceptional_post(state)


def _exceptional_post(state: SimState) -> Response:
    drv = _driver(state, status_if_unknown=400)
    debut, fin = date_param("dateDebut"), date_param("dateFin")
    if debut is None or fin is None:
        raise BadInput("dateDebut and dateFin are required")
    if fin <= debut:
        raise BadInput("dateFin must be after dateDebut")
    now = state.now()
    if debut < now - _tolerance(state):
        raise BadInput("dateDebut is in the past: changes never impact the past")
    description = request.args.get("description", "")
    ext_id = int_param("extensionIdToUpdate")
    if ext_id is None:
        state.store.add_exceptional(drv.id, description, to_ms(debut), to_ms(fin))
        return json_response(True)
    existing = state.store.exceptional_by_ext(ext_id)
    if existing is None or existing.individu_id != drv.id:
        raise BadInput(f"unknown extensionIdToUpdate {ext_id} for this individu")
    if existing.debut_ms <= to_ms(now):
        raise BadInput("this exceptional period has already started: the past is never modified")
    state.store.update_exceptional(ext_id, description, to_ms(debut), to_ms(fin))
    return json_response(True)


def exceptional_delete(state: SimState) -> Response:
    ids = set(int_list("horaireExtensionIds"))
    if not ids:
        raise BadInput("horaireExtensionIds is required")
    now_ms = to_ms(state.now())
    for ext_id in ids:
        e = state.store.exceptional_by_ext(ext_id)
        if e is None:
            raise BadInput(f"unknown horaireExtensionIds {ext_id}")
        if e.debut_ms <= now_ms:
            raise BadInput(f"period {ext_id} is not entirely in the future: the past is never modified")
    state.store.delete_exceptionals(ids)
    return empty_response(204)


# ----- declarations and analysis ------------------------------------------------------------
def declaration(state: SimState) -> Response:
    id_etape = int_param("idEtape", required=True)
    numero = int_param("numeroEmbarque", required=True)
    privacy = (request.args.get("privacy") or "").lower()
    if privacy not in ("true", "false"):
        raise BadInput("privacy must be true or false")
    code = request.args.get("codeExploitant")
    if code is not None and code != state.code_exploitant:
        raise BadInput("unknown codeExploitant")
    now = state.now()
    if state.fleet.find_step(numero, id_etape, now) is None:
        raise BadInput(f"unknown step {id_etape} for numeroEmbarque {numero}")
    if privacy == "false" and state.variants.on("d2"):
        state.store.undeclare(numero, id_etape)  # D2: false withdraws the request
    else:
        state.store.declare(numero, id_etape, privacy == "true", to_ms(now))
    return json_response([True])


def analysis_view(state: SimState) -> Response:
    body, now, on = _body(), state.now(), state.variants
    result = analysis.compute(state.fleet, state.store, body, now, on)

    def other() -> list[dict]:
        swapped = {**body, "renderMode": variants.other_mode(body["renderMode"])}
        return analysis.compute(state.fleet, state.store, swapped, now, on)

    return json_response(variants.analysis_answer(on, result, other))
