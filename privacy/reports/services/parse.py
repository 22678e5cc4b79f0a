"""Streaming reader of a `preformattedPrivacy` answer (ocean-api §7, ocean_sim/README.md).

The answer can weigh 100 MB (DETAIL modes carry per-day maps), so it is never loaded whole: ijson
(yajl2 C backend) walks the events and only three small objects per tree node are built —
``entity``, ``entityTotalCumul`` and ``entityTotalByFlagCumul``. Everything else (per-day maps,
``htmlTable``, driver/vehicle records) is skipped as it streams by, and a leaf is handed out as soon
as its sibling starts, so memory holds one leaf plus the few entity nodes.

Shape: ``[ {mode, synthesisTreeByDriver|synthesisTreeByVehicle: Tree} ]`` with
root → nodes[entity id] → nodes[driver or vehicle id]. Period-map keys that mean private or pro come
from settings; any other key is kept in ``extra`` and logged once per answer — never a crash.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

import ijson

logger = logging.getLogger(__name__)

TREES = {"synthesisTreeByDriver": "driver", "synthesisTreeByVehicle": "vehicle"}
CAPTURED = ("entity", "entityTotalCumul", "entityTotalByFlagCumul")
_SUFFIXES = tuple("." + name for name in CAPTURED)
MAPS = {  # Ocean's map name -> (private field, pro field)
    "distanceInMeterByPeriodMap": ("private_m", "pro_m"),
    "durationInSecByPeriodMap": ("private_s", "pro_s"),
    "distanceElectriqueInMeterByPeriodMap": ("electric_private_m", "electric_pro_m"),
    "utilisationBatterieByPeriodMap": ("battery_private", "battery_pro"),
}


class MalformedAnalysis(ValueError):
    """The answer is not JSON of the documented shape (truncated, not an array…)."""


@dataclass
class ParsedRow:
    kind: str  # driver | vehicle | entity
    ocean_id: int
    name: str = ""
    entity_id: int | None = None
    entity_name: str = ""
    values: dict[str, int | Decimal] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


class _Keys:
    """Sorts period-map keys into private / pro / unknown, logging each unknown key once."""

    def __init__(self, private_keys, pro_keys):
        self.private, self.pro = frozenset(private_keys), frozenset(pro_keys)
        self.unknown: set[str] = set()

    def side(self, key: str) -> int | None:
        if key in self.private:
            return 0
        if key in self.pro:
            return 1
        if key not in self.unknown:
            self.unknown.add(key)
            logger.warning("report analysis: unknown period key %r kept in extra", key)
        return None


def _int(value, extra: dict, where: str) -> int:
    if isinstance(value, bool) or value is None:
        value = None
    elif isinstance(value, int):
        return value
    else:
        try:
            return int(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            pass
    extra.setdefault("malformed", []).append(where)
    return 0


def _dec(value, extra: dict, where: str) -> Decimal:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    if value is not None:
        extra.setdefault("malformed", []).append(where)
    return Decimal(0)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def row_values(node: dict, keys: _Keys, extra: dict) -> dict[str, int | Decimal]:
    """Normalised figures of one node from its cumulated totals and by-flag totals."""
    values: dict[str, int | Decimal] = {name: 0 for pair in MAPS.values() for name in pair}
    totals = _dict(node.get("entityTotalCumul"))
    period_maps = _dict(totals.get("total"))
    for map_name, fields_ in MAPS.items():
        for key, raw in _dict(period_maps.get(map_name)).items():
            side = keys.side(key)
            number = _int(raw, extra, f"{map_name}.{key}")
            if side is None:
                extra.setdefault("unknown", {}).setdefault(map_name, {})[key] = number
            else:
                values[fields_[side]] += number
    values["litres"] = _dec(totals.get("consoL"), extra, "consoL")
    values["kwh"] = _dec(totals.get("consoKWh"), extra, "consoKWh")
    values["cost"] = _dec(totals.get("cost"), extra, "cost")
    for name in ("litres_private", "kwh_private", "cost_private"):
        values[name] = Decimal(0)
    for flag, flag_totals in _dict(node.get("entityTotalByFlagCumul")).items():
        if keys.side(flag) != 0:
            continue
        flag_totals = _dict(flag_totals)
        values["litres_private"] += _dec(flag_totals.get("consoL"), extra, f"{flag}.consoL")
        values["kwh_private"] += _dec(flag_totals.get("consoKWh"), extra, f"{flag}.consoKWh")
        values["cost_private"] += _dec(flag_totals.get("cost"), extra, f"{flag}.cost")
    return values


def _node_key(prefix: str) -> tuple[str, tuple[str, ...]] | None:
    """"item.synthesisTreeByDriver.nodes.121.nodes.7001" -> ("synthesisTreeByDriver", ("121", "7001"))."""
    parts = prefix.split(".")
    if len(parts) < 2 or parts[0] != "item" or parts[1] not in TREES:
        return None
    path = parts[2:]
    if len(path) % 2 or len(path) > 4 or any(p != "nodes" for p in path[0::2]):
        return None
    return parts[1], tuple(path[1::2])


def _to_row(tree: str, ids: tuple[str, ...], node: dict, entities: dict, keys: _Keys) -> ParsedRow | None:
    extra: dict = {}
    ident = _dict(node.get("entity"))
    try:
        ocean_id = int(ids[-1])
    except ValueError:
        logger.warning("report analysis: node id %r is not an integer; skipped", ids[-1])
        return None
    name = str(ident.get("nom") or "")
    values = row_values(node, keys, extra)
    if len(ids) == 1:
        return ParsedRow("entity", ocean_id, name, ocean_id, name, values, extra)
    entity_name = str(_dict(entities.get((tree, ids[0]), {}).get("entity")).get("nom") or "")
    return ParsedRow(TREES[tree], ocean_id, name, int(ids[0]) if ids[0].isdigit() else None, entity_name,
                     values, extra)


def parse_analysis(fileobj: BinaryIO, *, private_keys, pro_keys) -> Iterator[ParsedRow]:
    """Yield one ParsedRow per leaf (driver/vehicle) and per entity node of every tree in the answer."""
    keys = _Keys(private_keys, pro_keys)
    entities: dict[tuple[str, str], dict] = {}  # entity nodes complete only at the end of the tree
    leaf_key: tuple[str, tuple[str, ...]] | None = None
    leaf: dict = {}
    builder, depth, target, holder = None, 0, "", leaf
    events = ijson.parse(fileobj, use_float=True)
    try:
        first = next(events, None)
        if first is None or first[1] != "start_array":
            raise MalformedAnalysis("the analysis answer is not a JSON array")
        for prefix, event, value in events:
            if builder is not None:
                builder.event(event, value)
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    if depth == 0:
                        holder[target] = builder.value
                        builder = None
                continue
            if event not in ("start_map", "start_array") or not prefix.endswith(_SUFFIXES):
                continue
            head, _dot, target = prefix.rpartition(".")
            found = _node_key(head)
            if found is None:
                continue
            if len(found[1]) == 2:
                if found != leaf_key:
                    if leaf_key is not None and (row := _to_row(*leaf_key, leaf, entities, keys)):
                        yield row
                    leaf_key, leaf = found, {}
                holder = leaf
            elif len(found[1]) == 1:
                holder = entities.setdefault((found[0], found[1][0]), {})
            else:
                continue  # the root: its totals are the sum of the entities'
            builder, depth = ijson.ObjectBuilder(), 1
            builder.event(event, value)
    except ijson.JSONError as exc:
        raise MalformedAnalysis(f"the analysis is not valid JSON ({exc})") from None
    if leaf_key is not None and (row := _to_row(*leaf_key, leaf, entities, keys)):
        yield row
    for (tree, entity_id), node in entities.items():
        if TREES[tree] == "driver" and (row := _to_row(tree, (entity_id,), node, entities, keys)):
            yield row
