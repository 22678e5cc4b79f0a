"""Reading stored reports: one ``build_table`` serves the page, the CSV/XLSX exports and the e-mail,
so an export always holds the numbers the page shows.

Only the current snapshot of a period is read (``is_current``), never one being written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Paginator
from django.db.models import F, FloatField, Q, Sum
from django.db.models.functions import Cast, NullIf
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from privacy.models import Customer
from privacy.reports.models import ReportRow, ReportSnapshot, RowKind
from privacy.reports.services.cache import SUMMED, snapshot_summary, summaries
from privacy.reports.services.periods import Period

PAGE_SIZE = 25


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    places: int | None = None  # None: text
    unit: str = ""
    sort: str | None = None  # order_by expression name


COLUMNS = [
    Column("name", _("Name"), sort="name"),
    Column("entity_name", _("Entity"), sort="entity_name"),
    Column("private_km", _("Private km"), 1, "km", "private_m"),
    Column("pro_km", _("Pro km"), 1, "km", "pro_m"),
    Column("total_km", _("Total km"), 1, "km", "total_m"),
    Column("private_share", _("Private share"), 1, "%", "share"),
    # "Heures privées": time driven in private, not the private *schedule* ("Horaires privés").
    Column("private_h", pgettext_lazy("driven time", "Private hours"), 1, "h", "private_s"),
    Column("pro_h", _("Pro hours"), 1, "h", "pro_s"),
    Column("electric_km", _("Electric km"), 1, "km", "electric_m"),
    Column("litres", _("Fuel (L)"), 1, "L", "litres"),
    Column("kwh", _("Electricity (kWh)"), 1, "kWh", "kwh"),
    Column("cost", _("Cost (€)"), 2, "€", "cost"),
    Column("cost_private", _("Private cost (€)"), 2, "€", "cost_private"),
]


def columns_for(kind: str) -> list[Column]:
    return [c for c in COLUMNS if not (kind == RowKind.ENTITY and c.key == "entity_name")]


def _q(value, places: int) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def figures(row) -> dict:
    """Displayed figures of a row (a ReportRow or a dict of sums), rounded as shown."""
    get = (lambda k: row.get(k) or 0) if isinstance(row, dict) else (lambda k: getattr(row, k) or 0)
    total = get("private_m") + get("pro_m")
    return {
        "private_km": _q(Decimal(get("private_m")) / 1000, 1),
        "pro_km": _q(Decimal(get("pro_m")) / 1000, 1),
        "total_km": _q(Decimal(total) / 1000, 1),
        "private_share": _q(Decimal(get("private_m")) * 100 / total, 1) if total else None,
        "private_h": _q(Decimal(get("private_s")) / 3600, 1),
        "pro_h": _q(Decimal(get("pro_s")) / 3600, 1),
        "electric_km": _q(Decimal(get("electric_private_m") + get("electric_pro_m")) / 1000, 1),
        "litres": _q(get("litres"), 1),
        "kwh": _q(get("kwh"), 1),
        "cost": _q(get("cost"), 2),
        "cost_private": _q(get("cost_private"), 2),
    }


def fmt(value, places: int | None, unit: str = "") -> str:
    """French (or the active language's) number format: "1 234,5 km", "12,3 %"; "—" for none."""
    if value is None:
        return "—"
    if places is None:
        return str(value)
    value = _q(value, places)  # half up, as the exports round
    text = formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{unit}" if unit else text


@dataclass
class Line:
    ocean_id: int | None
    entity_id: int | None
    values: dict  # column key -> raw value (Decimal / str / None)
    cells: list[tuple[Column, str]] = field(default_factory=list)


@dataclass
class ReportTable:
    snapshot: ReportSnapshot | None
    kind: str
    columns: list[Column]
    lines: list[Line]
    totals: Line | None
    page: object | None = None  # django Page when paginated
    sort: str = "name"
    descending: bool = False
    query: str = ""
    entity_id: int | None = None


def current_snapshot(customer: Customer, period: Period) -> ReportSnapshot | None:
    return ReportSnapshot.objects.filter(
        customer=customer, period_start=period.start, period_end=period.end, is_current=True
    ).first()


def _line(row, columns: list[Column], ocean_id=None, entity_id=None, name="", entity_name="") -> Line:
    values = figures(row) | {"name": name, "entity_name": entity_name}
    return Line(ocean_id, entity_id, values, [(c, fmt(values[c.key], c.places, c.unit)) for c in columns])


def rows_queryset(snapshot: ReportSnapshot, kind: str, params) -> tuple:
    qs = ReportRow.objects.filter(snapshot=snapshot, kind=kind).annotate(
        total_m=F("private_m") + F("pro_m"),
        electric_m=F("electric_private_m") + F("electric_pro_m"),
        share=Cast(F("private_m"), FloatField()) / NullIf(Cast(F("private_m") + F("pro_m"), FloatField()), 0.0),
    )
    query = (params.get("q") or "").strip()[:100]
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(entity_name__icontains=query))
    entity = params.get("entity") or ""
    entity_id = int(entity) if entity.isdigit() else None
    if entity_id is not None:
        qs = qs.filter(entity_id=entity_id)
    return qs, query, entity_id


def build_table(customer: Customer, period: Period, *, kind: str, params, paginate: bool = False,
                limit: int | None = None, snapshot: ReportSnapshot | None = None) -> ReportTable:
    """The rows of ``kind`` in the period's current snapshot (``snapshot`` when the caller already has it),
    filtered, sorted and paginated as ``params`` ask; the totals come from the snapshot's precomputed
    summary unless a filter narrows the rows."""
    columns = columns_for(kind)
    snapshot = snapshot if snapshot is not None else current_snapshot(customer, period)
    table = ReportTable(snapshot, kind, columns, [], None)
    if snapshot is None:
        return table
    qs, table.query, table.entity_id = rows_queryset(snapshot, kind, params)
    sortable = {c.key: c.sort for c in columns if c.sort}
    wanted = params.get("sort") or "name"
    table.descending = wanted.startswith("-")
    table.sort = wanted.lstrip("-") if wanted.lstrip("-") in sortable else "name"
    order = sortable[table.sort]
    expression = F(order).desc(nulls_last=True) if table.descending else F(order).asc(nulls_last=True)
    qs = qs.order_by(expression, "name", "ocean_id")
    if table.query or table.entity_id is not None:
        sums = qs.aggregate(**{name: Sum(name) for name in SUMMED})
    else:
        sums = snapshot_summary(snapshot)["sums"].get(kind, {})
    table.totals = _line(sums, columns, name=str(_("Total")))
    if paginate:
        table.page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
        rows = table.page.object_list
    else:
        rows = qs[:limit] if limit else qs
    table.lines = [_line(r, columns, r.ocean_id, r.entity_id, r.name, r.entity_name) for r in rows]
    return table


def row_line(row: ReportRow) -> Line:
    """The table line of one stored row (the same cells ``build_table`` shows for it)."""
    return _line(row, columns_for(row.kind), row.ocean_id, row.entity_id, row.name, row.entity_name)


def find_row(customer: Customer, period: Period, kind: str, ocean_id: int) -> ReportRow | None:
    snapshot = current_snapshot(customer, period)
    if snapshot is None:
        return None
    return ReportRow.objects.filter(snapshot=snapshot, kind=kind, ocean_id=ocean_id).first()


def monthly_trend(customer: Customer, *, kind: str | None = None, ocean_id: int | None = None,
                  limit: int = 12, period: Period | None = None) -> list[tuple[Period, dict]]:
    """(month, summed figures) for the stored calendar-month snapshots, oldest first: the months of
    ``period`` when it spans several, else the ``limit`` months up to the end of ``period`` (or all).
    Entity sums come from the precomputed summaries; one row's figures when ``ocean_id`` is given."""
    snapshots = ReportSnapshot.objects.filter(customer=customer, is_current=True, period_kind="month")
    if period is not None:
        snapshots = snapshots.filter(period_start__lte=period.end)
        if (period.end.year, period.end.month) != (period.start.year, period.start.month):
            snapshots = snapshots.filter(period_end__gte=period.start)
    snapshots = list(snapshots.order_by("-period_start")[:limit])
    if ocean_id is None:
        found = summaries(snapshots)
        return [(Period.month(s.period_start.year, s.period_start.month),
                 found[s.pk]["sums"].get(kind or RowKind.ENTITY, {})) for s in reversed(snapshots)]
    rows = ReportRow.objects.filter(snapshot__in=snapshots, kind=kind or RowKind.ENTITY)
    if ocean_id is not None:
        rows = rows.filter(ocean_id=ocean_id)
    sums = {s["snapshot"]: s for s in rows.values("snapshot").annotate(**{n: Sum(n) for n in SUMMED})}
    return [(Period.month(s.period_start.year, s.period_start.month), sums.get(s.pk, {}))
            for s in reversed(snapshots)]
