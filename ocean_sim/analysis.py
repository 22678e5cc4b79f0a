"""``analyse/preformattedPrivacy`` computed from the simulator's own steps, schedules and
declarations. All quantities are accumulated as integers (m, s, ml, Wh, euro cents) so every sum in
the emitted tree is exact; see README.md for the tree shape."""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import datetime

from . import fleetdata as fd
from . import payloads
from .dates import DateError, local_date, parse_periode
from .fleet import Fleet, Step
from .schedules import BadInput, private_intervals
from .store import Store
from .variants import applied_exceptionals

RENDER_MODES = (
    "BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS",
    "BY_DRIVER_WITH_HORAIRE_SYNTHESIS",
    "BY_VEHICLE_WITHOUT_HORAIRE_SYNTHESIS",
    "BY_VEHICLE_WITH_HORAIRE_SYNTHESIS",
    "BY_DRIVER_WITHOUT_HORAIRE_DETAIL",
    "BY_DRIVER_WITH_HORAIRE_DETAIL",
    "BY_VEHICLE_WITHOUT_HORAIRE_DETAIL",
    "BY_VEHICLE_WITH_HORAIRE_DETAIL",
    "BY_DRIVER_VEHICLE_FUNCTION_WITH_HORAIRE_SYNTHESIS",
    "BY_DRIVER_VEHICLE_FUNCTION_WITH_HORAIRE_DETAIL",
)
CRITERIA = ("GEOLOCATION", "WIHOUT_GEOLOCATION", "ALL")
FLAGS = ("VIE_PRIVEE", "VIE_PRO")
FILTER_KEYS = ("persons", "entities", "groups", "vehicleIds")
# vector slots: distance m, duration s, electric distance m, battery Wh, fuel ml, energy Wh, cost cents
ZERO = (0, 0, 0, 0, 0, 0, 0)


def _add(a: tuple, b: tuple) -> tuple:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _part(dist: int, dur: int, electric: bool, rate: int) -> tuple:
    if electric:
        wh = (dist * rate + 500) // 1000
        return (dist, dur, dist, wh, 0, wh, (wh * fd.ELEC_PRICE_CENTS_PER_KWH + 500) // 1000)
    ml = (dist * rate + 5000) // 10000
    return (dist, dur, 0, 0, ml, 0, (ml * fd.FUEL_PRICE_CENTS_PER_L + 500) // 1000)


def _filters(body: dict) -> dict[str, set[int]]:
    raw = body.get("filter") or {}
    if not isinstance(raw, dict):
        raise BadInput("filter must be an object")
    out = {}
    for key in FILTER_KEYS:
        values = raw.get(key)
        if values is None or values == []:
            continue
        if not isinstance(values, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in values):
            raise BadInput(f"filter.{key} must be an array of integer ids")
        if 0 in values:
            raise BadInput(f"filter.{key} contains 0: omit the criterion or send [] instead")
        out[key] = set(values)
    return out


def compute(fleet: Fleet, store: Store, body: object, now: datetime, variants=None) -> list[dict]:
    if not isinstance(body, dict):
        raise BadInput("JSON body required")
    mode, criteria = body.get("renderMode"), body.get("criteria", "ALL")
    if mode not in RENDER_MODES:
        raise BadInput(f"unknown renderMode {mode!r}")
    if criteria not in CRITERIA:
        raise BadInput(f"unknown criteria {criteria!r}")
    periode = body.get("periode")
    if not isinstance(periode, dict):
        raise BadInput("periode {debut, fin} required")
    try:
        debut, fin = parse_periode(periode.get("debut")), parse_periode(periode.get("fin"))
    except DateError as exc:
        raise BadInput(str(exc)) from exc
    if fin <= debut:
        raise BadInput("periode.fin must be after periode.debut")
    filters = _filters(body)
    by_driver, detail = mode.startswith("BY_DRIVER"), mode.endswith("_DETAIL")
    with_horaire, fonction = "_WITH_HORAIRE" in mode, "VEHICLE_FUNCTION" in mode

    versions, excs = defaultdict(list), defaultdict(list)
    for v in store.versions():
        versions[v.individu_id].append(v)
    stored = store.exceptionals()
    for e in applied_exceptionals(variants, stored) if variants is not None else stored:
        excs[e.individu_id].append(e)
    decls = store.declarations()

    leaves: dict[
        tuple[int, int], dict
    ] = {}  # (entity id, leaf id) -> {flag: vec, "days": {day: {flag: vec}}}
    for s in fleet.steps_between(debut, fin, now):
        key = _select(fleet, s, filters, criteria, by_driver, fonction)
        if key is None:
            continue
        v = fleet.vehicles[s.vehicle_idx]
        drv = fleet.drivers[s.driver_idx] if s.driver_idx is not None else None
        declared = decls.get((v.numero_embarque, s.id))
        if declared is not None:
            priv_s = s.dur_s if declared else 0
        elif with_horaire and drv is not None and v.privacy_enabled:
            ivs = private_intervals(versions[drv.id], excs[drv.id], s.start, s.end)
            priv_s = int(sum((hi - lo).total_seconds() for lo, hi in ivs))
        else:
            priv_s = 0
        priv_d = (2 * s.distance * priv_s + s.dur_s) // (2 * s.dur_s)
        parts = {
            "VIE_PRIVEE": _part(priv_d, priv_s, v.electric, v.rate),
            "VIE_PRO": _part(s.distance - priv_d, s.dur_s - priv_s, v.electric, v.rate),
        }
        leaf = leaves.setdefault(key, {"flags": dict.fromkeys(FLAGS, ZERO), "days": {}})
        day = leaf["days"].setdefault(local_date(s.start).isoformat(), dict.fromkeys(FLAGS, ZERO))
        for f in FLAGS:
            leaf["flags"][f] = _add(leaf["flags"][f], parts[f])
            day[f] = _add(day[f], parts[f])

    tree = _tree(fleet, leaves, by_driver, detail)
    return [
        {
            "mode": mode,
            "synthesisTreeByDriver": tree if by_driver else None,
            "synthesisTreeByVehicle": None if by_driver else tree,
            "htmlTable": _html(fleet, leaves, by_driver),
            "bean": {},
        }
    ]


def _select(
    fleet: Fleet, s: Step, f: dict, criteria: str, by_driver: bool, fonction: bool
) -> tuple[int, int] | None:
    v = fleet.vehicles[s.vehicle_idx]
    drv = fleet.drivers[s.driver_idx] if s.driver_idx is not None else None
    if (criteria == "GEOLOCATION" and not v.geolocalise) or (
        criteria == "WIHOUT_GEOLOCATION" and v.geolocalise
    ):
        return None
    if (by_driver or "persons" in f or "groups" in f) and (drv is None or drv.entity_id is None):
        return None
    if "persons" in f and drv.id not in f["persons"]:
        return None
    if "groups" in f and drv.group_id not in f["groups"]:
        return None
    if "vehicleIds" in f and v.id not in f["vehicleIds"]:
        return None
    if fonction:
        a = fleet.assignment_at(v.id, s.start)
        if a is None or not a.fonction:
            return None
    entity = drv.entity_id if by_driver else v.entity_id
    if "entities" in f and entity not in f["entities"]:
        return None
    return (entity, drv.id if by_driver else v.id)


def _totals(
    entity: dict, vecs: dict[str, tuple], *, driver=None, vehicle=None, day: str | None = None
) -> dict:
    tot = ZERO
    for vec in vecs.values():
        tot = _add(tot, vec)
    return {
        "consoL": tot[4] / 1000,
        "consoKWh": tot[5] / 1000,
        "cost": tot[6] / 100,
        "dayDate": day,
        "entity": entity,
        "total": {
            "durationInSecByPeriodMap": {f: vecs[f][1] for f in FLAGS},
            "distanceInMeterByPeriodMap": {f: vecs[f][0] for f in FLAGS},
            "distanceElectriqueInMeterByPeriodMap": {f: vecs[f][2] for f in FLAGS},
            "utilisationBatterieByPeriodMap": {f: vecs[f][3] for f in FLAGS},
        },
        "driver": driver,
        "vehicle": vehicle,
    }


def _by_flag(entity: dict, vecs: dict[str, tuple], **kw) -> dict:
    return {f: _totals(entity, {g: (vecs[g] if g == f else ZERO) for g in FLAGS}, **kw) for f in FLAGS}


def _node(
    entity: dict,
    nodes: dict,
    own: dict,
    cumul: dict,
    tot_entity: dict,
    *,
    driver=None,
    vehicle=None,
    days: dict | None = None,
) -> dict:
    kw = {"driver": driver, "vehicle": vehicle}
    return {
        "entity": entity,
        "nodes": nodes,
        "entityTotalCumul": _totals(tot_entity, cumul, **kw),
        "entityTotalByFlagCumul": _by_flag(tot_entity, cumul, **kw),
        "content": {
            "entity": entity,
            "entityTotal": _totals(tot_entity, own, **kw),
            "entityTotalByFlag": _by_flag(tot_entity, own, **kw),
            "refItems": {},
            "typeMotorisationEnergyeMap": {},
            "chauffeursByIdDriverAndPeriodeBean": {
                "map": {
                    day: _totals(tot_entity, vecs, day=day, **kw)
                    for day, vecs in sorted((days or {}).items())
                }
            },
        },
    }


def _label(fleet: Fleet, leaf_id: int, by_driver: bool) -> tuple[dict, dict | None, dict | None]:
    if by_driver:
        d = fleet.driver_by_id[leaf_id]
        ident = {"id": d.id, "nom": f"{d.nom} {d.prenom}", "suppressionLogique": d.deleted}
        drv = {
            "individu": payloads.individu(d),
            "isRelevant": True,
            "isIdentEnabled": False,
            "ndidLong": None,
            "affectedEtape": None,
            "dispositif": None,
        }
        return ident, drv, None
    v = fleet.vehicle_by_id[leaf_id]
    ident = {"id": v.id, "nom": v.immat, "suppressionLogique": False}
    return ident, None, payloads.vehicle_fields(v)


def _tree(fleet: Fleet, leaves: dict, by_driver: bool, detail: bool) -> dict:
    zero = dict.fromkeys(FLAGS, ZERO)
    root_entity = {"id": fleet.customer_id, "nom": fd.CUSTOMER_NAME, "suppressionLogique": False}
    root_cumul, ent_nodes = dict(zero), {}
    for eid in sorted({e for e, _ in leaves}):
        ent = payloads.entite(fleet, eid)
        ent_cumul, leaf_nodes = dict(zero), {}
        for (e, lid), leaf in sorted(leaves.items()):
            if e != eid:
                continue
            ident, drv, veh = _label(fleet, lid, by_driver)
            leaf_nodes[str(lid)] = _node(
                ident,
                {},
                leaf["flags"],
                leaf["flags"],
                ent,
                driver=drv,
                vehicle=veh,
                days=leaf["days"] if detail else None,
            )
            ent_cumul = {f: _add(ent_cumul[f], leaf["flags"][f]) for f in FLAGS}
        ent_nodes[str(eid)] = _node(ent, leaf_nodes, zero, ent_cumul, ent)
        root_cumul = {f: _add(root_cumul[f], ent_cumul[f]) for f in FLAGS}
    return _node(root_entity, ent_nodes, zero, root_cumul, root_entity)


def _html(fleet: Fleet, leaves: dict, by_driver: bool) -> str:
    head = "Conducteur" if by_driver else "Véhicule"
    rows = []
    for (eid, lid), leaf in sorted(leaves.items()):
        ident, _, _ = _label(fleet, lid, by_driver)
        p, q = leaf["flags"]["VIE_PRIVEE"], leaf["flags"]["VIE_PRO"]
        cells = (
            fleet.entities[eid][0],
            ident["nom"],
            f"{p[0] / 1000:.1f}",
            f"{q[0] / 1000:.1f}",
            str(p[1]),
            str(q[1]),
        )
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    return (
        f'<table class="preformattedPrivacy"><thead><tr><th>Entité</th><th>{head}</th>'
        "<th>Distance vie privée (km)</th><th>Distance vie pro (km)</th>"
        "<th>Durée vie privée (s)</th><th>Durée vie pro (s)</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
