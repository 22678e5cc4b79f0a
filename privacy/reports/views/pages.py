"""HR report pages: tables by driver / vehicle / entity with drill-down, charts, exports, refresh.

Thin views: periods, tables and charts come from services; access from ``privacy.access``
(HR of the customer and administrators; any other role 403; another customer's ids 404).
No position or address is ever read here: reports hold aggregates only.
"""
from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from privacy.access import role_required
from privacy.models import Role
from privacy.reports import exports
from privacy.reports.models import ReportRefresh, RowKind
from privacy.reports.services.cache import (
    cached_page,
    cached_value,
    page_key,
    page_state,
    store_page,
    viewer_key,
)
from privacy.reports.services.fragments import cached_fragments
from privacy.reports.services.ingest import request_refresh
from privacy.reports.services.periods import PeriodError, period_from_params
from privacy.reports.services.queries import build_table, find_row, monthly_trend, row_line
from privacy.reports.views.common import chart_context, report_context
from privacy.services.audit import audit_record

KINDS = {"driver": RowKind.DRIVER, "vehicle": RowKind.VEHICLE, "entity": RowKind.ENTITY}
hr_only = role_required(Role.HR)


@require_GET
@hr_only
def reports(request):
    ctx = report_context(request)
    key = page_key("reports", ctx["state"], request, ctx["customer"], ctx["today"])
    whole = viewer_key(key, request, ctx["state"])
    if (html := cached_page(whole)) is not None:  # this viewer saw this very page of this snapshot
        return HttpResponse(html)
    kind = KINDS.get(request.GET.get("view", ""), RowKind.DRIVER)
    ctx.update(view=kind, views=_views())

    def top() -> str:  # title and period picker (the picker's defaults follow today)
        return render_to_string("privacy/partials/_report_top.html", ctx, request=request)

    def body() -> str:  # only on a cache miss: the first view of this page of this snapshot
        table = build_table(ctx["customer"], ctx["period"], kind=kind, params=request.GET, paginate=True,
                            snapshot=ctx["snapshot"])
        body_ctx = {**ctx, "table": table, "headers": _headers(request, table),
                    **chart_context(ctx["customer"], ctx["period"], table.snapshot)}
        return render_to_string("privacy/partials/_report_body.html", body_ctx, request=request)

    parts = cached_fragments(key, {"top": top, "body": body})
    ctx.update(report_top=parts["top"], report_body=parts["body"])
    response = render(request, "privacy/reports/index.html", ctx)
    store_page(whole, response)
    return response


def _views():
    return [("driver", _("By driver")), ("vehicle", _("By vehicle")), ("entity", _("By entity"))]


def _headers(request, table) -> list[tuple]:
    """(column, sort link or None): the URL that sorts by the column (toggling) and its aria-sort value."""
    links = []
    for column in table.columns:
        if not column.sort:
            links.append((column, None))
            continue
        current = table.sort == column.key
        descending = not table.descending if current else column.places is not None
        params = request.GET.copy()
        params["sort"] = ("-" if descending else "") + column.key
        params.pop("page", None)
        links.append((column, {
            "url": "?" + params.urlencode(),
            "aria": ("descending" if table.descending else "ascending") if current else "none",
        }))
    return links


@require_GET
@hr_only
def report_detail(request, kind: str, ocean_id: int):
    if kind not in KINDS:
        raise Http404
    ctx = report_context(request)
    customer, period = ctx["customer"], ctx["period"]
    whole = viewer_key(page_key("detail", ctx["state"], request, customer, ctx["today"], kind, ocean_id),
                       request, ctx["state"])
    if (html := cached_page(whole)) is not None:
        return HttpResponse(html)
    row = find_row(customer, period, KINDS[kind], ocean_id)
    if row is None:
        raise Http404
    ctx.update(row=row, kind=kind, summary_line=row_line(row))
    if kind == "entity":
        scoped = {"entity": str(ocean_id), "sort": request.GET.get("sort", "")}
        ctx["children"] = [(_("Drivers"), build_table(customer, period, kind=RowKind.DRIVER, params=scoped)),
                           (_("Vehicles"), build_table(customer, period, kind=RowKind.VEHICLE, params=scoped))]
    else:
        months = monthly_trend(customer, kind=KINDS[kind], ocean_id=ocean_id, period=period)
        charts = chart_context(customer, period, None, months=months)
        ctx["trend"], ctx["trend_range"] = charts.get("trend"), charts.get("trend_range")
    response = render(request, "privacy/reports/detail.html", ctx)
    store_page(whole, response)
    return response


@require_GET
@hr_only
def report_export(request):
    fmt = request.GET.get("format", "")
    if fmt not in exports.FORMATS:
        return HttpResponseBadRequest(_("Unknown export format."))
    customer = report_context(request)["customer"]
    try:
        period = period_from_params(request.GET, timezone.localtime(timezone.now(), customer.tz).date())
    except PeriodError as exc:
        return HttpResponseBadRequest(str(exc))
    kind = KINDS.get(request.GET.get("view", ""), RowKind.DRIVER)

    def build() -> tuple[str | bytes, int]:  # once per snapshot, viewer scope, language and query (perf16)
        table = build_table(customer, period, kind=kind, params=request.GET)
        title = {"driver": _("By driver"), "vehicle": _("By vehicle"), "entity": _("By entity")}[kind]
        return exports.file_body(exports.table_dataset(table, customer, period, title), fmt), len(table.lines)

    body, rows = cached_value(page_key("export", page_state(customer, period), request, customer), build)
    audit_record(actor=request.user, action="report.export", customer=customer,
                 target=f"{kind} {period.start}/{period.end} {fmt}", after={"rows": rows})
    return exports.download(body, fmt, f"report-{kind}-{period.start}-{period.end}")


@require_POST
@hr_only
def report_refresh(request):
    ctx = report_context(request, source=request.POST)
    if ctx["period_error"]:
        return HttpResponseBadRequest(ctx["period_error"])
    refresh, created = request_refresh(ctx["customer"], ctx["period"], user=request.user)
    if not request.htmx:
        return redirect(reverse("privacy:reports") + "?" + urlencode(ctx["base_query"]))
    return render(request, "privacy/partials/_report_progress.html",
                  {**ctx, "refresh": refresh, "already": not created})


@require_GET
@hr_only
def report_progress(request, pk: int):
    customer = report_context(request)["customer"]
    refresh = get_object_or_404(ReportRefresh, pk=pk, customer=customer)
    response = render(request, "privacy/partials/_report_progress.html", {"refresh": refresh})
    if refresh.is_active:
        return response
    stop = HttpResponseStopPolling(response.content)
    if refresh.status == ReportRefresh.Status.DONE:
        stop["HX-Refresh"] = "true"  # show the new snapshot
    return stop
