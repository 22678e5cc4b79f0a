"""`ocean report`: a compact private/pro summary of `analyse/preformattedPrivacy` (ocean-api §7).

The answer is streamed to a temporary file and read with the reports' parser
(``privacy.reports.services.parse``: the file memory-mapped, decoded in C by msgspec, per-day maps skipped
without building them), so a 100 MB DETAIL answer never sits in Python memory and the period
keys that mean private / pro are the same settings as the HR reports (REPORT_PRIVATE_KEYS / _PRO_KEYS).
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from privacy.ocean.analysis import RENDER_MODES
from privacy.reports.services.ingest import tree_of
from privacy.reports.services.parse import MalformedAnalysis, ParsedRow, parse_analysis

from .common import Cli, CliError, day_range

DEFAULT_MODE = "BY_DRIVER_WITH_HORAIRE_SYNTHESIS"
MAX_REPORT_DAYS = 366
FIGURES = ("private_m", "pro_m", "private_s", "pro_s", "litres", "kwh", "cost", "cost_private")


def _summary(values: dict) -> dict:
    private, pro = int(values.get("private_m", 0)), int(values.get("pro_m", 0))
    total = private + pro
    return {
        "distance_m": {"private": private, "pro": pro, "total": total},
        "duration_s": {"private": int(values.get("private_s", 0)), "pro": int(values.get("pro_s", 0))},
        "private_share": round(100 * private / total, 1) if total else None,
        "fuel_l": float(values.get("litres", 0)),
        "energy_kwh": float(values.get("kwh", 0)),
        "cost": float(values.get("cost", 0)),
        "cost_private": float(values.get("cost_private", 0)),
    }


def _row(row: ParsedRow) -> dict:
    out = {
        "id": row.ocean_id,
        "name": row.name,
        "entity": {"id": row.entity_id, "name": row.entity_name},
        **_summary(row.values),
    }
    if row.extra.get("unknown"):  # period keys that are neither private nor pro (see the settings)
        out["unknown_period_keys"] = row.extra["unknown"]
    return out


def _fetch_rows(cli: Cli, **analysis) -> list[ParsedRow]:
    with tempfile.TemporaryFile() as fh:
        cli.client.preformatted_privacy_to_file(fileobj=fh, read_timeout=settings.REPORT_READ_TIMEOUT, **analysis)
        fh.seek(0)
        try:
            return [
                r
                for r in parse_analysis(
                    fh, private_keys=settings.REPORT_PRIVATE_KEYS, pro_keys=settings.REPORT_PRO_KEYS,
                    shape=settings.OCEAN_ANALYSIS_TREE, only=tree_of(analysis["render_mode"]),  # D1, D8
                )
                if r.kind != "entity"
            ]
        except MalformedAnalysis as exc:
            raise CliError(_("Ocean’s analysis answer could not be read (%(error)s).") % {"error": exc}) from None


def report(cli: Cli, *, first: str, last: str, mode: str = DEFAULT_MODE, drivers=()) -> dict:
    if mode not in RENDER_MODES:
        raise CliError(_("Unknown render mode %(mode)s.") % {"mode": mode})
    day_from, day_to = day_range(first, last, max_days=MAX_REPORT_DAYS)
    start, end = cli.local_midnight(day_from), cli.local_midnight(day_to + timedelta(days=1))
    drivers = list(drivers or ())
    rows = _fetch_rows(cli, start=start, end=end, render_mode=mode, persons=drivers)
    totals = {name: sum((Decimal(r.values.get(name, 0)) for r in rows), Decimal(0)) for name in FIGURES}
    axis = "vehicle" if mode.startswith("BY_VEHICLE") else "driver"
    leaves = sorted((_row(r) for r in rows), key=lambda r: (-r["distance_m"]["total"], r["id"]))
    return {
        "mode": mode,
        "axis": axis,
        "from": day_from,
        "to": day_to,
        "period_start": start,
        "period_end": end,
        "drivers_filter": drivers,
        "totals": _summary(totals),
        axis + "s": leaves,
    }
