"""`ocean report`: a compact private/pro summary of `analyse/preformattedPrivacy` (ocean-api §7).

The tree is root (customer) → entity → leaf (driver or vehicle); every node carries
``entityTotalCumul.total.*ByPeriodMap`` keyed by usage class. ``VIE_PRIVEE`` is private, ``VIE_PRO``
professional; any other key the real API may send is counted in the total only (and logged).
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.utils.translation import gettext as _

from privacy.ocean.analysis import RENDER_MODES

from .common import Cli, CliError, day_range

log = logging.getLogger("privacy.cli")

DEFAULT_MODE = "BY_DRIVER_WITH_HORAIRE_SYNTHESIS"
MAX_REPORT_DAYS = 366
PRIVATE, PRO = "VIE_PRIVEE", "VIE_PRO"


def _ints(mapping) -> dict[str, int]:
    if not isinstance(mapping, dict):
        return {}
    return {
        str(k): int(v) for k, v in mapping.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
    }


def _totals(node: dict) -> dict:
    cumul = node.get("entityTotalCumul") if isinstance(node.get("entityTotalCumul"), dict) else {}
    total = cumul.get("total") if isinstance(cumul.get("total"), dict) else {}
    distance = _ints(total.get("distanceInMeterByPeriodMap"))
    duration = _ints(total.get("durationInSecByPeriodMap"))
    unknown = (set(distance) | set(duration)) - {PRIVATE, PRO}
    if unknown:
        log.info("ocean analysis: unseen period keys %s", sorted(unknown))
    dist_total = sum(distance.values())
    return {
        "distance_m": {"private": distance.get(PRIVATE, 0), "pro": distance.get(PRO, 0), "total": dist_total},
        "duration_s": {
            "private": duration.get(PRIVATE, 0),
            "pro": duration.get(PRO, 0),
            "total": sum(duration.values()),
        },
        "private_share": round(100 * distance.get(PRIVATE, 0) / dist_total, 1) if dist_total else None,
        "fuel_l": cumul.get("consoL"),
        "energy_kwh": cumul.get("consoKWh"),
        "cost": cumul.get("cost"),
    }


def _children(node: dict) -> list[dict]:
    nodes = node.get("nodes")
    return [child for child in nodes.values() if isinstance(child, dict)] if isinstance(nodes, dict) else []


def _entity(node: dict) -> dict:
    entity = node.get("entity") if isinstance(node.get("entity"), dict) else {}
    return {"id": entity.get("id"), "name": entity.get("nom")}


def _leaves(node: dict, parent: dict | None = None, depth: int = 0):
    children = _children(node)
    if not children and depth > 0:
        yield node, parent
    for child in children:
        yield from _leaves(child, node, depth + 1)


def summarise(tree: dict) -> tuple[list[dict], dict]:
    rows = []
    for leaf, parent in _leaves(tree):
        entity = _entity(parent) if parent is not None and parent is not tree else {"id": None, "name": None}
        rows.append({**_entity(leaf), "entity": entity, **_totals(leaf)})
    rows.sort(key=lambda r: (-r["distance_m"]["total"], str(r["id"])))
    return rows, _totals(tree)


def report(cli: Cli, *, first: str, last: str, mode: str = DEFAULT_MODE, drivers=()) -> dict:
    if mode not in RENDER_MODES:
        raise CliError(_("Unknown render mode %(mode)s.") % {"mode": mode})
    day_from, day_to = day_range(first, last, max_days=MAX_REPORT_DAYS)
    start, end = cli.local_midnight(day_from), cli.local_midnight(day_to + timedelta(days=1))
    body = cli.client.preformatted_privacy(
        start=start, end=end, render_mode=mode, persons=list(drivers or ())
    )
    try:
        data = json.loads(body)
    except ValueError:
        raise CliError(_("Ocean answered the analysis with something that is not JSON.")) from None
    result = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    axis = "vehicle" if "VEHICLE" in mode and "FUNCTION" not in mode else "driver"
    tree = result.get("synthesisTreeByVehicle" if axis == "vehicle" else "synthesisTreeByDriver")
    rows, totals = summarise(tree) if isinstance(tree, dict) else ([], _totals({}))
    return {
        "mode": mode,
        "axis": axis,
        "from": day_from,
        "to": day_to,
        "period_start": start,
        "period_end": end,
        "drivers_filter": list(drivers or ()),
        "totals": totals,
        axis + "s": rows,
    }
