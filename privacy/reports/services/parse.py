"""Reader of a `preformattedPrivacy` answer (ocean-api §7, ocean_sim/README.md), at the speed of C.

The answer can weigh 100 MB (DETAIL modes carry per-day maps). The client streams it to a temporary
file; here that file is memory-mapped (pages stay in the page cache, never copied into Python) and
decoded by msgspec against typed structs naming only what the portal reads: ``entity``, ``nodes``,
``entityTotalCumul`` and ``entityTotalByFlagCumul``. Everything else (``content`` with its per-day maps,
``htmlTable``, ``bean``) is typed ``msgspec.Raw``: validated and skipped in C, no Python object built.
Measured by ``bench/report_ingest.py``: ≈ 0.1 s for 100 MB, against 3 s for ``orjson.loads`` (GC on).

Shape: ``[ {mode, synthesisTreeByDriver|synthesisTreeByVehicle: Tree} ]`` with
root → nodes[entity id] → nodes[driver or vehicle id]. The structs forbid unknown fields, so a
documented answer takes the fast path only. Anything else (an unknown field anywhere, a value of
another type) falls back to a tolerant walk (``dict[str, Raw]`` per level, still in C) that yields the
same rows and records every surprise in an :class:`AnalysisSurvey`: unknown fields per level, unknown
period keys, unexpected tree shapes, malformed values. Period-map keys meaning private or pro come
from settings; any other key is kept in the row's ``extra`` and logged once per answer — never a crash.
"""
from __future__ import annotations

import logging
import mmap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

import msgspec
from msgspec import Raw

from privacy.reports.services.parse_rows import (
    MAPS,
    TREES,
    AnalysisSurvey,
    Keys,
    MalformedAnalysis,
    ParsedRow,
    row_values,
)

__all__ = ["MAPS", "TREES", "AnalysisSurvey", "MalformedAnalysis", "ParsedRow", "parse_analysis", "row_values"]

logger = logging.getLogger(__name__)

RESULT_FIELDS = frozenset({"mode", "synthesisTreeByDriver", "synthesisTreeByVehicle", "htmlTable", "bean"})
NODE_FIELDS = frozenset({"entity", "nodes", "entityTotalCumul", "entityTotalByFlagCumul", "content"})
_NULL = Raw(b"null")


class Node(msgspec.Struct, forbid_unknown_fields=True):
    entity: dict | None = None
    nodes: dict[str, Node] | None = None
    entityTotalCumul: dict | None = None  # noqa: N815 - Ocean's field names
    entityTotalByFlagCumul: dict | None = None  # noqa: N815
    content: Raw = _NULL


class Result(msgspec.Struct, forbid_unknown_fields=True):
    mode: object = None
    synthesisTreeByDriver: Node | None = None  # noqa: N815
    synthesisTreeByVehicle: Node | None = None  # noqa: N815
    htmlTable: Raw = _NULL  # noqa: N815
    bean: Raw = _NULL


_STRICT = msgspec.json.Decoder(list[Result])
_RAW_LIST = msgspec.json.Decoder(list[Raw])
_RAW_MAP = msgspec.json.Decoder(dict[str, Raw])
_RAW_CHILDREN = msgspec.json.Decoder(dict[str, dict[str, Raw]])
_ANY = msgspec.json.Decoder()


class _Loose:
    """A node read by the tolerant walk: same attributes as :class:`Node`. Its children's fields are
    decoded in one pass over ``nodes`` (``dict[str, dict[str, Raw]]``), so each level is scanned once."""

    __slots__ = ("entity", "entityTotalCumul", "entityTotalByFlagCumul", "_nodes", "_path", "_survey")

    def __init__(self, fields: dict[str, Raw], path: str, survey: AnalysisSurvey):
        survey.note_fields("node", fields.keys() - NODE_FIELDS)
        self.entity = _value(fields.get("entity"), survey, path + ".entity")
        self.entityTotalCumul = _value(fields.get("entityTotalCumul"), survey, path + ".entityTotalCumul")
        self.entityTotalByFlagCumul = _value(fields.get("entityTotalByFlagCumul"), survey,
                                             path + ".entityTotalByFlagCumul")
        self._nodes, self._path, self._survey = fields.get("nodes"), path, survey

    @property
    def nodes(self) -> dict[str, _Loose] | None:
        children = _decode(_RAW_CHILDREN, self._nodes, self._survey, self._path + ".nodes")
        if children is None:
            return None
        return {key: _Loose(fields, f"{self._path}.nodes.{key}", self._survey) for key, fields in children.items()}


def _is_null(raw: Raw | None) -> bool:
    return raw is None or (len(raw) == 4 and bytes(raw) == b"null")


def _decode(decoder, raw: Raw | None, survey: AnalysisSurvey, path: str):
    """``raw`` decoded as the decoder's type; None (and a shape note) when it is null or another type."""
    if _is_null(raw):
        return None
    try:
        return decoder.decode(raw)
    except msgspec.ValidationError:
        survey.note_shape(f"{path}: not of the documented type")
        return None


def _value(raw: Raw | None, survey: AnalysisSurvey, path: str) -> dict | None:
    value = None if raw is None else _ANY.decode(raw)
    if value is not None and not isinstance(value, dict):
        survey.note_shape(f"{path}: not an object")
        return None
    return value


@contextmanager
def _buffer(fileobj: BinaryIO):
    """The whole answer as a buffer: the file memory-mapped, or the bytes of an in-memory stream."""
    try:
        fileno = fileobj.fileno()
    except (AttributeError, OSError, ValueError):
        fileno = None
    if fileno is None:
        yield fileobj.read()
        return
    try:
        mapped = mmap.mmap(fileno, 0, access=mmap.ACCESS_READ)
    except ValueError:  # an empty file cannot be mapped
        raise MalformedAnalysis("the analysis answer is empty") from None
    try:
        yield mapped
    finally:
        mapped.close()


def _results(buffer, survey: AnalysisSurvey) -> list:
    """The answer's result objects: strict structs when documented, else tolerant views."""
    try:
        return _STRICT.decode(buffer)
    except msgspec.ValidationError as exc:  # valid JSON, not the documented shape
        survey.fallback = str(exc)
    except msgspec.DecodeError as exc:
        raise MalformedAnalysis(f"the analysis is not valid JSON ({exc})") from None
    try:
        items = _RAW_LIST.decode(buffer)
    except msgspec.ValidationError:
        raise MalformedAnalysis("the analysis answer is not a JSON array") from None
    out = []
    for index, raw in enumerate(items):
        fields = _decode(_RAW_MAP, raw, survey, f"$[{index}]")
        if fields is None:
            continue
        survey.note_fields("result", set(fields) - RESULT_FIELDS)
        trees = {}
        for tree in TREES:
            root = _decode(_RAW_MAP, fields.get(tree), survey, f"$[{index}].{tree}")
            if root is not None:
                trees[tree] = _Loose(root, f"$[{index}].{tree}", survey)
        out.append(trees)
    return out


def _trees(result) -> dict:
    if isinstance(result, dict):
        return result
    return {name: tree for name in TREES if (tree := getattr(result, name)) is not None}


def _rows(results: list, keys: Keys, survey: AnalysisSurvey, shape: str = "root-entity-leaf",
          only: str | None = None) -> list[ParsedRow]:
    """Rows of every tree (or of the tree ``only``, D8), read as ``shape`` (D1, OCEAN_ANALYSIS_TREE)."""
    leaves: list[ParsedRow] = []
    entities: list[ParsedRow] = []
    for result in results:
        for tree, root in _trees(result).items():
            survey.trees.append(tree)
            if only is not None and tree != only:
                continue
            if shape == "root-leaf":
                found = _flat_rows(tree, root, keys, survey)
                leaves += found
                entities += _entity_sums(found) if TREES[tree] == "driver" else []
                continue
            for entity_key, entity in (root.nodes or {}).items():
                children = entity.nodes or {}
                if not children:
                    survey.note_shape(f"{tree}: node {entity_key!r} under the root has no children")
                for leaf_key, leaf in children.items():
                    if leaf.nodes:
                        survey.note_shape(f"{tree}: nodes below the leaf level (under {leaf_key!r})")
                    row = _to_row(tree, (entity_key, leaf_key), leaf, entity, keys, survey)
                    if row is not None:
                        leaves.append(row)
                if TREES[tree] == "driver":
                    row = _to_row(tree, (entity_key,), entity, entity, keys, survey)
                    if row is not None:
                        entities.append(row)
    return leaves + entities


@dataclass(frozen=True)
class _Named:
    entity: dict


def _flat_rows(tree: str, root, keys: Keys, survey: AnalysisSurvey) -> list[ParsedRow]:
    """root → driver/vehicle: each leaf names its entity in its totals."""
    rows = []
    for leaf_key, leaf in (root.nodes or {}).items():
        if leaf.nodes:
            survey.note_shape(f"{tree}: nodes below the leaf level (under {leaf_key!r})")
        entity = (leaf.entityTotalCumul or {}).get("entity") if isinstance(leaf.entityTotalCumul, dict) else None
        entity = entity if isinstance(entity, dict) else {}
        row = _to_row(tree, (str(entity.get("id", "")), leaf_key), leaf, _Named(entity), keys, survey)
        if row is not None:
            rows.append(row)
    return rows


def _entity_sums(rows: list[ParsedRow]) -> list[ParsedRow]:
    """Entity rows as the sums of their drivers (a root → driver tree has no entity nodes)."""
    sums: dict[int, ParsedRow] = {}
    for row in rows:
        if row.entity_id is None:
            continue
        total = sums.setdefault(row.entity_id, ParsedRow("entity", row.entity_id, row.entity_name, row.entity_id,
                                                         row.entity_name, dict.fromkeys(row.values, 0)))
        for name, value in row.values.items():
            total.values[name] += value
    return list(sums.values())


def _to_row(tree: str, ids: tuple[str, ...], node, entity, keys: Keys, survey: AnalysisSurvey):
    try:
        ocean_id = int(ids[-1])
    except ValueError:
        survey.note_shape(f"{tree}: node id {ids[-1]!r} is not an integer")
        logger.warning("report analysis: node id %r is not an integer; skipped", ids[-1])
        return None
    extra: dict = {}
    values = row_values(node, keys, extra)
    if extra.get("malformed"):
        survey.malformed += len(extra["malformed"])
    name = str((node.entity or {}).get("nom") or "")
    if len(ids) == 1:
        return ParsedRow("entity", ocean_id, name, ocean_id, name, values, extra)
    entity_name = str((entity.entity or {}).get("nom") or "")
    entity_id = int(ids[0]) if ids[0].isdigit() else None
    return ParsedRow(TREES[tree], ocean_id, name, entity_id, entity_name, values, extra)


def parse_analysis(fileobj: BinaryIO, *, private_keys, pro_keys, survey: AnalysisSurvey | None = None,
                   shape: str = "root-entity-leaf", only: str | None = None) -> Iterator[ParsedRow]:
    """Yield one ParsedRow per leaf (driver/vehicle) and per entity node of every tree in the answer
    (of the tree ``only``, e.g. "synthesisTreeByDriver", when given), read as ``shape``: root → entity →
    leaf (default) or root → leaf (OCEAN_ANALYSIS_TREE, D1).

    ``fileobj`` is read whole from its start (a real file is memory-mapped, not copied). Pass a
    ``survey`` to collect what the answer held beyond the documented shape."""
    survey = survey if survey is not None else AnalysisSurvey()
    keys = Keys(private_keys, pro_keys, survey)
    with _buffer(fileobj) as buffer:
        results = _results(buffer, survey)
        rows = _rows(results, keys, survey, shape, only)
        del results  # drops every Raw view of the buffer before the file is unmapped
    yield from rows

