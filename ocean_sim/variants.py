"""Behaviour variants: the other reading of every open point of the vendor docs (D1–D14).

The simulator's default follows the portal's first reading of the docs; each variant makes it answer
the other way, so the portal and ``manage.py ocean probe`` can be tested against both. Switch them with
``OCEAN_SIM_VARIANTS=d3,d9`` (environment), ``GET/POST /__sim__/variants`` (``{"d3": true}``) or
``SimServer.set_variants("d3")``. The views consult ``state.variants`` through the helpers below,
so the variants stay in this module.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from .dates import JOURS, PARIS, from_ms, local_at, to_ms
from .models import Place, Step

if TYPE_CHECKING:
    from .fleet import Fleet
    from .store import Exceptional

VARIANTS: dict[str, str] = {
    "d1_keys": "analysis period maps keyed PRIVE / PROFESSIONNEL instead of VIE_PRIVEE / VIE_PRO",
    "d1_tree": "analysis tree without the entity level: root → driver/vehicle",
    "d2": "etapeViePriveePosteriori privacy=false withdraws the request instead of making the trip pro",
    "d3": "ficheJour date/heure written in UTC instead of the customer's time",
    "d4": "recurring / exceptional GET answer 404 for a driver with nothing defined (instead of [])",
    "d5": "a dateDebut before the request's arrival is refused (no one-minute tolerance)",
    "d6": "exceptional periods cut into days on the UTC clock, day slots applied on the local clock",
    "d7": "exceptional POST only on the plural path (the singular answers 404)",
    "d8": "analysis answers hold both trees whatever the render mode",
    "d9": "an unknown or expired token gets 403 instead of 401",
    "d10": "a recurring POST only replaces the days it names (the others keep their slots)",
    "d11": "the zone token of dd/MM/yyyy HH:mm:ss Z must be a literal Z (+0000 refused)",
    "d12": "ficheJour also lists the stops between trips (type A)",
    "d13": "errors on reads are answered 200 with an error body",
    "d14": "ficheJour days cut on the UTC clock (times still local); night trips on Saturdays",
}
KEYS_D1 = {"VIE_PRIVEE": "PRIVE", "VIE_PRO": "PROFESSIONNEL"}
NIGHT_K = 9  # step index of the Saturday night trip (the generator uses 0..8)


class Variants:
    """The set of active variants (thread-safe)."""

    def __init__(self, initial: str | list[str] | tuple[str, ...] = ()) -> None:
        self._lock = threading.Lock()
        self._on: set[str] = set()
        if isinstance(initial, str):
            initial = [v.strip() for v in initial.split(",") if v.strip()]
        self.update(dict.fromkeys(initial, True))

    def on(self, name: str) -> bool:
        return name in self._on

    def update(self, data: dict) -> dict:
        unknown = [k for k in data if k not in VARIANTS]
        if unknown:
            raise ValueError(f"unknown variant(s) {unknown}; known: {sorted(VARIANTS)}")
        with self._lock:
            for name, value in data.items():
                (self._on.add if value else self._on.discard)(name)
        return self.snapshot()

    def clear(self) -> None:
        with self._lock:
            self._on.clear()

    def snapshot(self) -> dict:
        with self._lock:
            return {"active": sorted(self._on), "known": VARIANTS}


# -- D1, D8: analysis answers -------------------------------------------------------------------
def _rename_keys(node, renames: dict) -> object:
    if isinstance(node, dict):
        return {renames.get(k, k): _rename_keys(v, renames) for k, v in node.items()}
    if isinstance(node, list):
        return [_rename_keys(v, renames) for v in node]
    return node


def _flatten(tree: dict | None) -> dict | None:
    """root → entity → leaf becomes root → leaf (the leaves keep their totals)."""
    if not tree:
        return tree
    leaves = {k: v for entity in tree["nodes"].values() for k, v in entity["nodes"].items()}
    return {**tree, "nodes": leaves}


def other_mode(mode: str) -> str:
    """The render mode of the other axis (for the second tree of D8)."""
    if mode.startswith("BY_DRIVER_VEHICLE_FUNCTION"):
        return mode.replace("BY_DRIVER_VEHICLE_FUNCTION", "BY_VEHICLE")
    return mode.replace("BY_DRIVER", "BY_VEHICLE") if mode.startswith("BY_DRIVER") else mode.replace(
        "BY_VEHICLE", "BY_DRIVER"
    )


def analysis_answer(variants: Variants, result: list[dict], other=None) -> list[dict]:
    """Post-process a computed answer; ``other()`` computes the other axis' answer (D8)."""
    if variants.on("d8") and other is not None:
        second = other()[0]
        for name in ("synthesisTreeByDriver", "synthesisTreeByVehicle"):
            if result[0][name] is None:
                result[0][name] = second[name]
    if variants.on("d1_tree"):
        for name in ("synthesisTreeByDriver", "synthesisTreeByVehicle"):
            result[0][name] = _flatten(result[0][name])
    if variants.on("d1_keys"):
        result = _rename_keys(result, KEYS_D1)
    return result


# -- D6: periods cut into UTC days, slots applied on the local clock ------------------------------
def expand_utc(e: Exceptional) -> list[tuple[int, tuple, int, int]]:
    """Per-UTC-day slots of a period: (index, (jour, dh, dm, fh, fm), debut_ms, fin_ms)."""
    start, end = from_ms(e.debut_ms), from_ms(e.fin_ms)
    out, d, k = [], start.date(), 0
    while datetime(d.year, d.month, d.day, tzinfo=UTC) < end:
        midnight = datetime(d.year, d.month, d.day, tzinfo=UTC)
        lo, hi = max(start, midnight), min(end, midnight + timedelta(days=1))
        if lo < hi:
            fh, fm = (24, 0) if hi == midnight + timedelta(days=1) else (hi.hour, hi.minute)
            out.append((k, (JOURS[d.weekday()], lo.hour, lo.minute, fh, fm), to_ms(lo), to_ms(hi)))
            k += 1
        d += timedelta(days=1)
    return out


def applied_exceptionals(variants: Variants, excs: list[Exceptional]) -> list[Exceptional]:
    """What the analysis makes private: the period itself, or (D6) its UTC day slots read as local."""
    if not variants.on("d6"):
        return excs
    out = []
    for e in excs:
        for _k, (_jour, dh, dm, fh, fm), lo_ms, _hi_ms in expand_utc(e):
            day = from_ms(lo_ms).date()
            out.append(replace(e, debut_ms=to_ms(local_at(day, dh, dm)), fin_ms=to_ms(local_at(day, fh, fm))))
    return out


# -- D3, D12, D14: ficheJour ----------------------------------------------------------------------
def _utc_strings(pos: dict) -> None:
    local = datetime.strptime(f"{pos['date']} {pos['heure']}", "%d/%m/%Y %H:%M:%S").replace(tzinfo=PARIS)
    moment = local.astimezone(UTC)
    pos["date"], pos["heure"] = moment.strftime("%d/%m/%Y"), moment.strftime("%H:%M:%S")


def fiche_steps(variants: Variants, fleet: Fleet, vehicle, day: date, now: datetime) -> list[Step]:
    """The steps ficheJour lists for ``day``: a local day, or (D14) a UTC day."""
    if not variants.on("d14"):
        return fleet.steps(vehicle, day, now)
    lo = datetime(day.year, day.month, day.day, tzinfo=UTC)
    around = [s for d in (day - timedelta(days=1), day, day + timedelta(days=1)) for s in fleet.steps(vehicle, d, now)]
    return sorted((s for s in around if lo <= s.start < lo + timedelta(days=1)), key=lambda s: s.start)


def fiche_rows(variants: Variants, rows: list[dict]) -> list[dict]:
    """Rows as sent: with stops between trips (D12), times in UTC (D3)."""
    if variants.on("d12") and rows:
        with_stops = []
        for row, nxt in zip(rows, [*rows[1:], None], strict=True):
            with_stops.append(row)
            if nxt is not None:
                with_stops.append({**row, "id": row["id"] + 500_000_000, "type": "A", "distanceMeter": 0,
                                   "posDeb": dict(row["posFin"]), "posFin": dict(nxt["posDeb"])})
        rows = with_stops
    if variants.on("d3"):
        for row in rows:
            row["posDeb"], row["posFin"] = dict(row["posDeb"]), dict(row["posFin"])
            _utc_strings(row["posDeb"])
            _utc_strings(row["posFin"])
    return rows


def install_night_trips(fleet: Fleet, variants: Variants) -> None:
    """With D14 on, every assigned vehicle also drives from 00:20 to 00:50 on Saturday nights, so a
    day cut on the UTC clock shows (those trips belong to the previous UTC day)."""
    base = fleet.steps

    def steps(vehicle, d: date, now: datetime) -> list[Step]:
        out = base(vehicle, d, now)
        if not variants.on("d14") or d.weekday() != 5:
            return out
        first, last = fleet.window(now)
        a = fleet.assignment_at(vehicle.id, local_at(d, 0, 30))
        if a is None or not first <= d <= last:
            return out
        start = local_at(d, 0, 20)
        place = Place("1 rue de l'Industrie", "00000", "Dépôt", 45.0, 4.0)
        trip = Step(fleet.step_id(d, vehicle.idx, NIGHT_K), vehicle.idx, start, start + timedelta(minutes=30),
                    12_000, 1800, place, place, fleet.driver_by_id[a.driver_id].idx, 0, 0)
        return sorted([*out, trip], key=lambda s: s.start) if trip.end <= now else out

    fleet.steps = steps


