"""Rows of a parsed analysis: the normalised figures of one tree node, and the survey of what an answer
held beyond the documented shape (read by the "incomplete" detection, see the issue on the real Océan)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

logger = logging.getLogger("privacy.reports.services.parse")

TREES = {"synthesisTreeByDriver": "driver", "synthesisTreeByVehicle": "vehicle"}
MAPS = {  # Ocean's map name -> (private field, pro field)
    "distanceInMeterByPeriodMap": ("private_m", "pro_m"),
    "durationInSecByPeriodMap": ("private_s", "pro_s"),
    "distanceElectriqueInMeterByPeriodMap": ("electric_private_m", "electric_pro_m"),
    "utilisationBatterieByPeriodMap": ("battery_private", "battery_pro"),
}
TOTALS_FIELDS = frozenset({"consoL", "consoKWh", "cost", "dayDate", "entity", "total", "driver", "vehicle"})


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


@dataclass
class AnalysisSurvey:
    """Everything one answer held beyond the documented shape.

    ``unknown_fields``: level (``result``, ``node``, ``totals``, ``total``) -> field names not documented;
    ``unknown_period_keys``: map name -> period keys neither private nor pro (figures left out of both);
    ``shapes``: unexpected tree shapes (nodes below the leaves, non-integer ids, values of another type);
    ``trees``: the trees present, in order (both in one answer is a surprise the caller may judge);
    ``malformed``: values that were not numbers (counted as 0); ``fallback``: why the fast path was left.
    """

    unknown_fields: dict[str, set[str]] = field(default_factory=dict)
    unknown_period_keys: dict[str, set[str]] = field(default_factory=dict)
    shapes: list[str] = field(default_factory=list)
    trees: list[str] = field(default_factory=list)
    malformed: int = 0
    fallback: str = ""

    def note_fields(self, level: str, names) -> None:
        new = set(names) - self.unknown_fields.get(level, set())
        if new:
            self.unknown_fields.setdefault(level, set()).update(new)
            logger.warning("report analysis: undocumented field(s) %s at the %s level", sorted(new), level)

    def note_period_key(self, map_name: str, key: str) -> None:
        self.unknown_period_keys.setdefault(map_name, set()).add(key)

    def note_shape(self, text: str) -> None:
        if text not in self.shapes and len(self.shapes) < 100:
            self.shapes.append(text)
            logger.warning("report analysis: %s", text)

    @property
    def incomplete(self) -> bool:
        """Some figures may be missing or wrong: unknown period keys, odd shapes, malformed values."""
        return bool(self.unknown_period_keys or self.shapes or self.malformed)


class Keys:
    """Sorts period-map keys into private / pro / unknown, logging each unknown key once."""

    def __init__(self, private_keys, pro_keys, survey: AnalysisSurvey | None = None):
        self.private, self.pro = frozenset(private_keys), frozenset(pro_keys)
        self.unknown: set[str] = set()
        self.survey = survey if survey is not None else AnalysisSurvey()

    def side(self, key: str, map_name: str = "") -> int | None:
        if key in self.private:
            return 0
        if key in self.pro:
            return 1
        if map_name:
            self.survey.note_period_key(map_name, key)
        if key not in self.unknown:
            self.unknown.add(key)
            logger.warning("report analysis: unknown period key %r kept in extra", key)
        return None


def _int(value, extra: dict, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, (float, str)):
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


def row_values(node, keys: Keys, extra: dict) -> dict[str, int | Decimal]:
    """Normalised figures of one node (anything with ``entityTotalCumul`` / ``entityTotalByFlagCumul``)."""
    survey = keys.survey
    values: dict[str, int | Decimal] = {name: 0 for pair in MAPS.values() for name in pair}
    totals = _dict(node.entityTotalCumul)
    survey.note_fields("totals", totals.keys() - TOTALS_FIELDS)
    period_maps = _dict(totals.get("total"))
    survey.note_fields("total", period_maps.keys() - MAPS.keys())
    for map_name, fields_ in MAPS.items():
        raw_map = period_maps.get(map_name)
        if raw_map is not None and not isinstance(raw_map, dict):
            extra.setdefault("malformed", []).append(map_name)
        for key, raw in _dict(raw_map).items():
            side = keys.side(key, map_name)
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
    for flag, flag_totals in _dict(node.entityTotalByFlagCumul).items():
        if keys.side(flag, "entityTotalByFlagCumul") != 0:
            continue
        flag_totals = _dict(flag_totals)
        values["litres_private"] += _dec(flag_totals.get("consoL"), extra, f"{flag}.consoL")
        values["kwh_private"] += _dec(flag_totals.get("consoKWh"), extra, f"{flag}.consoKWh")
        values["cost_private"] += _dec(flag_totals.get("cost"), extra, f"{flag}.cost")
    return values
