"""``GET positions/search`` (ocean-api §5.3): the start and end positions of every trip of the asked
vehicles in a window, with true UTC timestamps. The probe compares them with ficheJour's local
``date``/``heure`` to tell which zone ficheJour speaks (open point D3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from flask import Response, request

from .dates import iso_z, to_ms
from .params import str_list
from .responses import json_response
from .schedules import BadInput

if TYPE_CHECKING:
    from .app import SimState

MAX_BACK = timedelta(days=62)  # "not older than 2 months"


def _iso(name: str) -> datetime:
    raw = request.args.get(name)
    if not raw:
        raise BadInput(f"query parameter {name} (yyyy-MM-dd'T'HH:mm:ss.SSSXXX) is required")
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadInput(f"{name} {raw!r} is not yyyy-MM-dd'T'HH:mm:ss.SSSXXX") from exc
    if value.tzinfo is None:
        raise BadInput(f"{name} needs an offset")
    return value.astimezone(UTC)


def _position(at: datetime, place, etat: str, driver) -> dict:
    return {
        "timestamp": to_ms(at),
        "date": iso_z(at),
        "etat": etat,
        "latitudeY": place.lat,
        "longitudeX": place.lon,
        "vitesseKmh": 0,
        "chauffeur": f"{driver.prenom} {driver.nom}" if driver else None,
        "matriculeChauffeur": driver.matricule if driver else None,
        "address": {"address": place.address, "postalCode": place.postal, "town": place.town, "country": "France"},
    }


def search(state: SimState) -> Response:
    start, end, now = _iso("startDate"), _iso("endDate"), state.now()
    if end <= start:
        raise BadInput("endDate must be after startDate")
    if start < now - MAX_BACK:
        raise BadInput("startDate must not be older than 2 months")
    plates = {p.upper().replace("-", "").replace(" ", "") for p in str_list("immatriculation")}
    fleet = state.fleet
    out = []
    for v in fleet.vehicles:
        if plates and v.immat.upper().replace("-", "") not in plates:
            continue
        positions = []
        d = (start - timedelta(days=1)).date()
        while d <= end.date() + timedelta(days=1):
            for s in fleet.steps(v, d, now):
                drv = fleet.drivers[s.driver_idx] if s.driver_idx is not None else None
                for at, place, etat in ((s.start, s.frm, "START_ACTION"), (s.end, s.to, "STOP_ACTION")):
                    if start <= at < end:
                        positions.append(_position(at, place, etat, drv))
            d += timedelta(days=1)
        if positions:
            vehicle = {"idVehicule": v.id, "immatriculation": v.immat, "descriptionVehicule": f"{v.marque} {v.modele}",
                       "typeMotorisationEnergie": "ELECTRIQUE" if v.electric else "THERMIQUE"}
            out.append({"vehicle": vehicle, "positions": sorted(positions, key=lambda p: p["timestamp"])})
    return json_response({"positionsVehicles": out})
