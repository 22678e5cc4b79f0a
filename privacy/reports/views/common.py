"""What every report page needs: the customer, the chosen period, the refresh state, the charts."""
from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.access import current_customer, is_admin
from privacy.reports import charts
from privacy.reports.models import ReportRefresh, RowKind
from privacy.reports.services.periods import Period, PeriodError, period_from_params
from privacy.reports.services.queries import (
    build_table,
    current_snapshot,
    figures,
    monthly_trend,
)

TOP_BARS = 15


def report_context(request, source=None) -> dict:
    """Customer, period (the picker's error shown beside it, falling back to this month), the query
    string that keeps both, and the latest refresh of that period."""
    customer = current_customer(request)
    params = source if source is not None else request.GET
    today = timezone.localtime(timezone.now(), customer.tz).date()
    error = ""
    try:
        period = period_from_params(params, today)
    except PeriodError as exc:
        error, period = str(exc), Period.containing_month(today)
    base_query = dict(period.query())
    if is_admin(request.user):
        base_query["customer"] = str(customer.pk)
    snapshot = current_snapshot(customer, period)
    latest = (ReportRefresh.objects.filter(customer=customer, period_start=period.start, period_end=period.end)
              .order_by("-created_at", "-id").first())
    return {
        "customer": customer, "period": period, "period_error": error, "base_query": base_query,
        "snapshot": snapshot, "refresh": latest if latest and latest.is_active else None,
        "failed": latest if latest and latest.status == ReportRefresh.Status.FAILED else None,
        "today": today, "picker": _picker(params, today),
    }


def _picker(params, today) -> dict:
    return {
        "kind": params.get("period") or "month",
        "month": params.get("month") or f"{today:%Y-%m}",
        "quarter": params.get("quarter") or f"{today.year}-Q{(today.month - 1) // 3 + 1}",
        "year": params.get("year") or str(today.year),
        "start": params.get("start") or "", "end": params.get("end") or "",
        "quarters": [f"{y}-Q{q}" for y in (today.year, today.year - 1) for q in (4, 3, 2, 1)
                     if (y, q) <= (today.year, (today.month - 1) // 3 + 1)],
    }


def chart_context(customer, period, snapshot, months=None) -> dict:
    """Stacked private/pro bars of the top drivers, the monthly private-share trend, the energy mix."""
    out: dict = {}
    if snapshot is not None:
        top = build_table(customer, period, kind=RowKind.DRIVER, params={"sort": "-total_km"}, limit=TOP_BARS)
        items = [(line.values["name"], line.values["private_km"], line.values["pro_km"]) for line in top.lines]
        out["bars"] = charts.stacked_bars(items, _("private"), _("pro"))
        out["bars_total"] = snapshot.rows.filter(kind=RowKind.DRIVER).count()
        totals = top.totals.values if top.totals else None
        if totals:
            electric = totals["electric_km"]
            out["mix"] = charts.energy_mix(
                thermal_km=max(Decimal(0), totals["total_km"] - electric), electric_km=electric,
                litres=totals["litres"], kwh=totals["kwh"], thermal_word=_("Fuel"), electric_word=_("Electric"))
    months = months if months is not None else monthly_trend(customer, period=period)
    if months:
        out["trend"] = charts.trend([(p.label, figures(sums)["private_share"]) for p, sums in months])
        out["trend_range"] = (months[0][0].label, months[-1][0].label)
    return out

