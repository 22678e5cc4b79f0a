"""What every report page needs: the customer, the chosen period, the refresh state, the charts."""
from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.access import current_customer, is_admin
from privacy.reports import charts
from privacy.reports.models import ReportRefresh, RowKind
from privacy.reports.services.cache import page_state, snapshot_summary
from privacy.reports.services.periods import Period, PeriodError, period_from_params
from privacy.reports.services.queries import figures, monthly_trend


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
    state = page_state(customer, period)  # snapshot, generation and refresh state: one small query
    latest = state.refresh
    return {
        "customer": customer, "period": period, "period_error": error, "base_query": base_query,
        "snapshot": state.snapshot, "state": state, "refresh": latest if latest and latest.is_active else None,
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
        summary = snapshot_summary(snapshot)  # precomputed at ingestion: no query over the rows
        items = []
        for name, private_m, pro_m in summary["top"]:
            shown = figures({"private_m": private_m, "pro_m": pro_m})
            items.append((name, shown["private_km"], shown["pro_km"]))
        out["bars"] = charts.stacked_bars(items, _("private"), _("pro"))
        out["bars_total"] = summary["counts"].get(RowKind.DRIVER, 0)
        totals = figures(summary["sums"][RowKind.DRIVER]) if RowKind.DRIVER in summary["sums"] else None
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

