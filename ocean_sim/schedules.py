"""Vie-privée schedules: body validation, response shapes, exceptional-period expansion, and the
private intervals the analysis uses. Schedules are interpreted in Europe/Paris local time."""

from __future__ import annotations

from datetime import datetime, timedelta

from . import payloads
from .dates import JOURS, PARIS, from_ms, local_at, local_date, local_midnight, to_ms
from .fleet import Driver
from .store import Exceptional, Slot, Store, Version

DEFAULT_WEEK: list[Slot] = (
    [(j, 0, 0, 8, 0) for j in JOURS[:5]]
    + [(j, 18, 0, 23, 59) for j in JOURS[:5]]
    + [(j, 0, 0, 23, 59) for j in JOURS[5:]]
)


class BadInput(ValueError):
    """Maps to HTTP 400."""


def _int(v: object, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise BadInput(f"{name} must be an integer")
    return v


def validate_slot(jour: str, typ: str, raw: object) -> Slot:
    if not isinstance(raw, dict):
        raise BadInput("slot must be an object")
    if raw.get("idJourSemaine", jour) != jour or raw.get("typeHoraires", typ) != typ:
        raise BadInput("slot idJourSemaine/typeHoraires disagree with its map keys")
    dh, dm = _int(raw.get("debutHeure"), "debutHeure"), _int(raw.get("debutMinute"), "debutMinute")
    fh, fm = _int(raw.get("finHeure"), "finHeure"), _int(raw.get("finMinute"), "finMinute")
    if not (0 <= dh <= 23 and 0 <= dm <= 59 and 0 <= fm <= 59 and (0 <= fh <= 23 or (fh == 24 and fm == 0))):
        raise BadInput("hours must be 0-23 (finHeure 24 only with finMinute 0), minutes 0-59")
    if dh * 60 + dm >= fh * 60 + fm:
        raise BadInput("slot start must be before its end")
    return (jour, dh, dm, fh, fm)


def parse_week(body: object) -> list[Slot]:
    """``{"innerMap": {"map": {DAY: {"VIE_PRIVEE": [slot, …]}}}}`` → validated slots."""
    try:
        week = body["innerMap"]["map"]  # type: ignore[index]
    except (KeyError, TypeError) as exc:
        raise BadInput('body must be {"innerMap": {"map": {...}}}') from exc
    if not isinstance(week, dict):
        raise BadInput("innerMap.map must be an object")
    slots: list[Slot] = []
    for jour, by_type in week.items():
        if jour not in JOURS:
            raise BadInput(f"unknown day {jour!r}")
        if not isinstance(by_type, dict):
            raise BadInput("each day must map typeHoraires to a list of slots")
        for typ, items in by_type.items():
            if typ != "VIE_PRIVEE" or not isinstance(items, list):
                raise BadInput("only VIE_PRIVEE slot lists are accepted")
            slots.extend(validate_slot(jour, typ, raw) for raw in items)
    return slots


def seed_defaults(store: Store, drivers: list[Driver], start: datetime) -> None:
    store.seed_versions([d.id for d in drivers if d.has_schedule], to_ms(start), DEFAULT_WEEK)


# ----- response shapes ----------------------------------------------------------------------
def horaire(hid: int, slot: Slot, typ: str = "VIE_PRIVEE") -> dict:
    jour, dh, dm, fh, fm = slot
    return {
        "id": hid,
        "idJourSemaine": jour,
        "typeHoraires": typ,
        "debutHeure": dh,
        "debutMinute": dm,
        "finHeure": fh,
        "finMinute": fm,
    }


def recurring_rows(versions: list[Version], driver: Driver) -> list[dict]:
    ind = payloads.individu(driver)
    return [
        {"id": sid, "individu": ind, "horaire": horaire(hid, slot), "debut": v.debut_ms, "fin": v.fin_ms}
        for v in versions
        for sid, hid, slot in v.slots
    ]


def expand_exceptional(e: Exceptional) -> list[tuple[int, Slot, int, int]]:
    """Per-local-day slots of an exceptional period: (index, slot, debut_ms, fin_ms)."""
    start, end = from_ms(e.debut_ms), from_ms(e.fin_ms)
    out, d, k = [], local_date(start), 0
    while local_midnight(d) < end:
        lo, hi = max(start, local_midnight(d)), min(end, local_midnight(d + timedelta(days=1)))
        if lo < hi:
            la, lb = lo.astimezone(PARIS), hi.astimezone(PARIS)
            fh, fm = (24, 0) if hi == local_midnight(d + timedelta(days=1)) else (lb.hour, lb.minute)
            out.append((k, (JOURS[d.weekday()], la.hour, la.minute, fh, fm), to_ms(lo), to_ms(hi)))
            k += 1
        d += timedelta(days=1)
    return out


def exceptional_row(e: Exceptional, driver: Driver, user: dict, *, utc_days: bool = False) -> dict:
    """One period as the GET lists it; ``utc_days`` cuts it into UTC days (variant D6)."""
    from .variants import expand_utc

    ind = payloads.individu(driver)
    slots = expand_utc(e) if utc_days else expand_exceptional(e)
    return {
        "id": e.id,
        "description": "Exception vie privée",
        "extension": {"id": e.ext_id, "description": e.description},
        "utilisateur": user,
        "individu": ind,
        "debut": e.debut_ms,
        "fin": e.fin_ms,
        "horairesIndividu": [
            {
                "id": e.id * 100 + 2 * k,
                "individu": ind,
                "horaire": horaire(e.id * 100 + 2 * k + 1, slot, "VIE_PRIVEE_EXCEPTIONNELLE"),
                "debut": lo,
                "fin": hi,
            }
            for k, slot, lo, hi in slots
        ],
    }


# ----- private intervals for the analysis ---------------------------------------------------
def private_intervals(
    versions: list[Version], exceptionals: list[Exceptional], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Merged private intervals intersecting [start, end): recurring slots of the version valid at
    each instant (local time) plus exceptional periods."""
    raw: list[tuple[datetime, datetime]] = []
    for v in versions:
        vlo = max(start, from_ms(v.debut_ms))
        vhi = min(end, from_ms(v.fin_ms)) if v.fin_ms is not None else end
        if vlo >= vhi:
            continue
        d = local_date(vlo) - timedelta(days=1)
        while d <= local_date(vhi):
            jour = JOURS[d.weekday()]
            for _, _, (sj, dh, dm, fh, fm) in v.slots:
                if sj == jour:
                    lo, hi = max(vlo, local_at(d, dh, dm)), min(vhi, local_at(d, fh, fm))
                    if lo < hi:
                        raw.append((lo, hi))
            d += timedelta(days=1)
    for e in exceptionals:
        lo, hi = max(start, from_ms(e.debut_ms)), min(end, from_ms(e.fin_ms))
        if lo < hi:
            raw.append((lo, hi))
    raw.sort()
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in raw:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged
