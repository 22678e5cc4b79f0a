"""JSON → typed results. Lenient: missing keys → None, wrong shapes → None,
never KeyError. Section numbers refer to docs/ocean-api.md.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import orjson

from .dates import parse_local_date_time, parse_ocean_time
from .errors import OceanRejected
from .types import (
    Assignment,
    Driver,
    Entity,
    ExceptionalPeriod,
    LoginInfo,
    ScheduleEntry,
    Step,
    StepPoint,
    Vehicle,
)

CIVILITES = {1: "MR", 2: "MME", 3: "MLLE"}  # ocean-api §3.1


def obj(value: Any, *keys: str) -> dict:
    """Nested dict lookup that always returns a dict."""
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


def to_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value) if not isinstance(value, float) else int(round(value))
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return None


def to_float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def to_str(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "oui")
    return bool(value)


def to_date(value: Any) -> date | None:
    if isinstance(value, str) and len(value.strip()) == 10 and value[4:5] == "-":
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    dt = parse_ocean_time(value)
    return dt.date() if dt else None


def as_list(body: Any, *keys: str) -> list[dict]:
    """A list of dict items from a bare array or from an envelope key."""
    if isinstance(body, dict):
        for key in keys:
            if isinstance(body.get(key), list):
                body = body[key]
                break
        else:
            return []
    if not isinstance(body, list):
        return []
    return [item for item in body if isinstance(item, dict)]


def read_list(body: Any, what: str, *keys: str) -> list[dict]:
    """The items of a read's answer. An empty body is an empty list; anything that is neither a list
    nor an envelope holding one (an error object sent with status 200, D13) is an error, never []."""
    if body is None or (isinstance(body, dict) and any(k in body and body[k] is None for k in keys)):
        return []
    if isinstance(body, list) or (isinstance(body, dict) and any(isinstance(body.get(k), list) for k in keys)):
        return as_list(body, *keys)
    text = describe_error(json.dumps(body, ensure_ascii=False).encode()) if body != "" else ""
    raise OceanRejected(200, f"unexpected answer to {what}: {text}".strip())


def login_info(body: Any) -> LoginInfo:
    body = body if isinstance(body, dict) else {}
    return LoginInfo(
        token_present=bool(body.get("token")),
        password_expiration_days=to_int(body.get("passwordExpirationRemainingDays")),
        additional=obj(body, "additionalAccountData"),
    )


def driver(item: dict) -> Driver:
    ind = obj(item, "individu") or item  # tolerate a flat individu
    veh = obj(item, "vehicleFieldsDTO")
    ent = obj(item, "entite")
    return Driver(
        id=to_int(ind.get("id")),
        nom=to_str(ind.get("nomInd")),
        prenom=to_str(ind.get("prenomInd")),
        matricule=to_str(ind.get("matriculeInd")),
        email=to_str(ind.get("email")),
        gsm=to_str(ind.get("gsm")),
        civilite=CIVILITES.get(to_int(ind.get("idCivilite"))),
        entity_id=to_int(ent.get("id")),
        entity_name=to_str(ent.get("nom")),
        group_id=to_int(obj(item, "groupe").get("id")),
        vehicle_id=to_int(veh.get("id")),
        vehicle_numero_embarque=to_int(veh.get("numeroEmbarque")),
        vehicle_immatriculation=to_str(veh.get("immatriculation")),
        has_user=bool(obj(item, "utilisateur").get("id") or obj(item, "utilisateur").get("loginUti")),
        deleted=to_bool(ind.get("suppressionLogique")),
        raw=item,
    )


def vehicle(item: dict) -> Vehicle:
    veh = obj(item, "vehicle") or item  # tolerate a flat vehicle
    ent = obj(item, "entite")
    return Vehicle(
        id=to_int(veh.get("id")),
        immatriculation=to_str(veh.get("immatriculation")),
        numero_embarque=to_int(veh.get("numeroEmbarque")),
        privacy_enabled=to_bool(veh.get("privacyEnabled")),
        marque=to_str(veh.get("marque")),
        modele=to_str(veh.get("modele")),
        description=to_str(veh.get("description")),
        motorisation=to_str(veh.get("typeMotorisation")),
        energy_id=to_int(veh.get("idEnergie")),
        first_registration=to_date(veh.get("date1ereMec")),
        entity_id=to_int(ent.get("id")),
        entity_name=to_str(ent.get("nom")),
        driver_id=to_int(obj(item, "chauffeur").get("id")),
        deleted=to_bool(veh.get("suppressionLogique")),
        raw=item,
    )


def entity(item: dict) -> Entity:
    return Entity(id=to_int(item.get("id")), nom=to_str(item.get("nom")), raw=item)


def assignment(item: dict) -> Assignment:
    link = obj(item, "chauffeurVehicule") or item
    return Assignment(
        id=to_int(link.get("id")),
        vehicle_id=to_int(link.get("idVehicule")) or to_int(obj(item, "vehicule").get("id")),
        driver_id=to_int(link.get("idIndividu")) or to_int(obj(item, "chauffeur").get("id")),
        start=parse_ocean_time(link.get("dateDebut")),
        end=parse_ocean_time(link.get("dateFin")),
        company_car=to_bool(link.get("isVehiculeFonction")),
        vehicle_plate=to_str(obj(item, "vehicule").get("immatriculation")),
        vehicle_numero_embarque=to_int(obj(item, "vehicule").get("numeroEmbarque")),
        raw=item,
    )


def schedule_entry(item: dict) -> ScheduleEntry:
    h = obj(item, "horaire") or item
    return ScheduleEntry(
        id=to_int(item.get("id")),
        day=to_str(h.get("idJourSemaine")),
        type=to_str(h.get("typeHoraires")),
        start_hour=to_int(h.get("debutHeure")),
        start_minute=to_int(h.get("debutMinute")),
        end_hour=to_int(h.get("finHeure")),
        end_minute=to_int(h.get("finMinute")),
        valid_from=parse_ocean_time(item.get("debut")),
        valid_until=parse_ocean_time(item.get("fin")),
        raw=item,
    )


def exceptional_period(item: dict) -> ExceptionalPeriod:
    ext = obj(item, "extension")
    user = obj(item, "utilisateur")
    if isinstance(item.get("horairesIndividu"), list):
        slots = tuple(schedule_entry(s) for s in item["horairesIndividu"] if isinstance(s, dict))
    elif "horaire" in item:  # EN doc shape: a copy of the recurring entry
        slots = (schedule_entry(item),)
    else:
        slots = ()
    author = to_str(user.get("loginUti")) or (
        " ".join(p for p in (to_str(user.get("prenomUti")), to_str(user.get("nomUti"))) if p) or None
    )
    return ExceptionalPeriod(
        id=to_int(item.get("id")),
        extension_id=to_int(ext.get("id")),
        label=to_str(ext.get("description")) or to_str(item.get("description")),
        start=parse_ocean_time(item.get("debut")),
        end=parse_ocean_time(item.get("fin")),
        slots=slots,
        author=author,
        raw=item,
    )


def step_point(pos: dict, tz_name: str) -> StepPoint:
    drv = obj(pos, "driver")
    addr = obj(pos, "fullAddress")
    name = " ".join(p for p in (to_str(drv.get("prenom")), to_str(drv.get("nom"))) if p) or None
    return StepPoint(
        when=parse_local_date_time(pos.get("date"), pos.get("heure"), tz_name),
        date_text=to_str(pos.get("date")),
        time_text=to_str(pos.get("heure")),
        latitude=to_float(pos.get("latitudeY")),
        longitude=to_float(pos.get("longitudeX")),
        address=to_str(addr.get("address")),
        postal_code=to_str(addr.get("postalCode")),
        town=to_str(addr.get("town")),
        country=to_str(addr.get("country")),
        driver_matricule=to_str(drv.get("matricule")),
        driver_name=name,
        poi=to_str(obj(pos, "poi").get("nom")),
        etat=to_str(pos.get("etat")),
    )


def step(item: dict, vehicle_id: int | None, tz_name: str) -> Step:
    ms = to_float(item.get("dureeMs"))
    return Step(
        id=to_int(item.get("id")),
        vehicle_id=vehicle_id,
        kind=to_str(item.get("type")),
        anomaly=to_str(item.get("anomalyType")),
        distance_m=to_int(item.get("distanceMeter")),
        duration_s=None if ms is None else int(round(ms / 1000)),
        start=step_point(obj(item, "posDeb"), tz_name),
        end=step_point(obj(item, "posFin"), tz_name),
        raw=item,
    )


_HUGE_NUMBER = re.compile(rb"\d{20}")


def decode(content: bytes) -> Any:
    """Body → JSON value; empty → None; non-JSON → the stripped text.

    orjson first: a week's ``ficheJour`` days are parsed ≈ 4× faster than by ``json`` (bench/steps_week.py).
    What orjson refuses and ``json`` takes (NaN, invalid UTF-8 replaced) still goes through ``json``, and so does
    a body with a 20-digit number: orjson would turn an integer beyond 64 bits into an inexact float."""
    if not content:
        return None
    if not _HUGE_NUMBER.search(content):
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    text = content.decode("utf-8", "replace").strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def is_refusal(body: Any) -> bool:
    """`false`, `[false]`, `[{"boolean": false}]`, `"False"` … on a write (ocean-api §10.6)."""
    if isinstance(body, list):
        return len(body) == 1 and is_refusal(body[0])
    if isinstance(body, bool):
        return body is False
    if isinstance(body, str):
        return body.strip().lower() == "false"
    if isinstance(body, dict) and body:
        values = list(body.values())
        return len(values) == 1 and values[0] is False
    return False


def describe_error(content: bytes) -> str:
    """Best-effort upstream error text (no schema documented, ocean-api §10.18). Not truncated
    here: secrets are scrubbed first, then OceanError truncates."""
    body = decode(content)
    if isinstance(body, dict):
        for key in ("message", "errorMessage", "error_description", "error", "detail", "title"):
            if isinstance(body.get(key), str) and body[key].strip():
                return body[key]
        return json.dumps(body, ensure_ascii=False)
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return describe_error(json.dumps(body[0]).encode())
    if body is None:
        return ""
    return re.sub(r"<[^>]*>", " ", str(body))  # HTML error pages: keep the text only
