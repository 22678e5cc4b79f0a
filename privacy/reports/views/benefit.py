"""Benefit in kind (HR, admin): per driver and year, flat rate and actual expenses side by side;
vehicle costs entered by HR; export with the reports."""
from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from privacy.access import current_customer, is_admin, role_required
from privacy.models import Role
from privacy.reports import exports
from privacy.reports.benefit_words import actual_rates, regime_rates
from privacy.reports.forms import VehicleCostForm
from privacy.reports.models import VehicleCost
from privacy.reports.services.benefit import benefit_lines, benefit_page, pending_count, regimes_used
from privacy.reports.services.benefit_data import stored_months
from privacy.reports.services.benefit_history import histories_version
from privacy.reports.services.cache import cached_page, costs_version, page_key, page_state, store_page, viewer_key
from privacy.reports.services.fragments import Filling, Unfinished, cached_html
from privacy.reports.services.ingest import request_refresh
from privacy.reports.services.periods import Period
from privacy.services.audit import audit_record
from privacy.services.fleet import fleet_get, fleet_version
from privacy.services.ocean import OceanError

hr_only = role_required(Role.HR)
ELECTRIC_MOTORISATIONS = {"ELECTRIQUE", "ELECTRIC", "EV", "BEV"}  # Ocean's typeMotorisation (ocean-api §4.1)


def _year(request, customer) -> int:
    today = timezone.localtime(timezone.now(), customer.tz).date()
    wanted = request.GET.get("year", "")
    return int(wanted) if wanted.isdigit() and 2000 <= int(wanted) <= today.year + 1 else today.year


def _customer_query(request, customer) -> dict[str, str]:
    return {"customer": str(customer.pk)} if is_admin(request.user) else {}


@require_GET
@hr_only
def benefit(request):
    customer = current_customer(request)
    year = _year(request, customer)
    today = timezone.localtime(timezone.now(), customer.tz).date()
    # Cached body (perf16): keyed on the year's snapshot and the customer's snapshot generation (the month
    # snapshots), the vehicle costs, the fleet, the assignment histories read (a body still waiting for
    # some is kept only FILLING_TTL seconds) and the day (coverage).
    state = page_state(customer, Period.year(year))
    fleet = fleet_version(customer)
    inputs = ("benefit", state, request, customer, costs_version(customer), fleet)
    key = page_key(*inputs, histories_version(customer), today, any_snapshot=True) if fleet else None
    latest = page_key(*inputs, "latest-filling", today, any_snapshot=True) if fleet else None
    whole = viewer_key(key, request, state)
    if (html := cached_page(whole)) is not None:  # this viewer saw this very page, complete, already
        return HttpResponse(html)
    # The months stored follow the snapshot generation in the key: read only when the page is made.
    stored = stored_months(customer, year)
    ctx = {"customer": customer, "year": year, "today": today, "years": range(today.year, 2019, -1),
           "customer_query": _customer_query(request, customer), "months_stored": stored,
           "months_missing": _months_to_load(stored, year, today)}

    def body() -> str:  # only on a cache miss
        page, data, warning = benefit_page(customer, year, today=today, number=request.GET.get("page"))
        regimes = regimes_used(page.object_list) or ["from-2025-02"]
        pending = pending_count(page.object_list)
        html = render_to_string("privacy/partials/_benefit_body.html", {
            **ctx, "lines": page.object_list, "page": page, "data": data, "warning": warning, "pending": pending,
            "rates": [regime_rates(r) for r in regimes] + [actual_rates()]}, request=request)
        return Filling(html) if pending else html

    ctx["benefit_body"] = cached_html(key, body, latest=latest)
    response = render(request, "privacy/reports/benefit.html", ctx)
    if not isinstance(ctx["benefit_body"], Unfinished):  # a page filling in is rendered again as it fills
        store_page(whole, response)
    return response


def _months_to_load(stored: list[int], year: int, today) -> list[Period]:
    return [Period.month(year, m) for m in range(1, 13)
            if m not in stored and Period.month(year, m).start <= today]


@require_POST
@hr_only
def benefit_load(request):
    """Queue the analysis of every month of the year not stored yet (the page then shows their figures)."""
    customer = current_customer(request)
    year = _year(request, customer)
    today = timezone.localtime(timezone.now(), customer.tz).date()
    queued = 0
    for period in _months_to_load(stored_months(customer, year), year, today):
        _refresh, created = request_refresh(customer, period, user=request.user)
        queued += int(created)
    messages.success(request, ngettext("%(count)s month of %(year)s queued for loading.",
                                       "%(count)s months of %(year)s queued for loading.",
                                       queued) % {"count": queued, "year": year})
    month = request.POST.get("month", "")
    if re.fullmatch(r"\d{4}-\d{2}", month):  # asked from the payroll month: back there
        query = {"month": month} | _customer_query(request, customer)
        return redirect(reverse("privacy:payroll") + "?" + urlencode(query))
    query = {"year": year} | _customer_query(request, customer)
    return redirect(reverse("privacy:benefit") + "?" + urlencode(query))


@require_GET
@hr_only
def benefit_export(request):
    fmt = request.GET.get("format", "")
    if fmt not in exports.FORMATS:
        return HttpResponseBadRequest(_("Unknown export format."))
    customer = current_customer(request)
    year = _year(request, customer)
    today = timezone.localtime(timezone.now(), customer.tz).date()
    lines, data, _warning = benefit_lines(customer, year, today=today)
    if waiting := pending_count(lines):  # a file missing drivers would be wrong: wait for the worker
        messages.info(request, ngettext(
            "The vehicle assignments of %(count)s driver are still being read from Ocean: the export will be "
            "ready in a moment.",
            "The vehicle assignments of %(count)s drivers are still being read from Ocean: the export will be "
            "ready in a moment.", waiting) % {"count": waiting})
        query = {"year": year} | _customer_query(request, customer)
        return redirect(reverse("privacy:benefit") + "?" + urlencode(query))
    audit_record(actor=request.user, action="report.export", customer=customer,
                 target=f"benefit {year} {fmt}", after={"rows": len(lines)})
    dataset = exports.benefit_dataset(lines, customer, year, data.read_at, data)
    return exports.respond(dataset, fmt, f"benefit-in-kind-{year}")


@require_GET
@hr_only
def vehicle_costs(request):
    customer = current_customer(request)
    costs = {c.vehicle_id: c for c in VehicleCost.objects.filter(customer=customer)}
    try:
        vehicles = sorted(fleet_get(customer).vehicles.values(), key=lambda v: (v.plate, v.id))
        error = ""
    except OceanError:
        vehicles, error = [], _("Ocean could not be reached: the vehicle list is unavailable for now.")
    rows = [(v, costs.get(v.id)) for v in vehicles]
    return render(request, "privacy/reports/vehicle_costs.html", {
        "customer": customer, "rows": rows, "error": error,
        "customer_query": urlencode(_customer_query(request, customer)),
    })


@require_http_methods(["GET", "POST"])
@hr_only
def vehicle_cost_edit(request, vehicle_id: int):
    customer = current_customer(request)
    try:
        vehicle = fleet_get(customer).vehicles.get(vehicle_id)
    except OceanError:
        vehicle = None
        if not VehicleCost.objects.filter(customer=customer, vehicle_id=vehicle_id).exists():
            messages.error(request, _("Ocean could not be reached: try again in a moment."))
            return redirect(reverse("privacy:vehicle_costs") + "?" + urlencode(_customer_query(request, customer)))
    else:
        if vehicle is None:
            raise Http404  # not a vehicle of this customer
    instance = VehicleCost.objects.filter(customer=customer, vehicle_id=vehicle_id).first()
    before = _snapshot(instance)
    initial = {}
    if instance is None and vehicle is not None:  # prefilled from what Ocean knows of the vehicle
        initial["electric"] = vehicle.motorisation.upper() in ELECTRIC_MOTORISATIONS
    form = VehicleCostForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        cost = form.save(commit=False)
        cost.customer, cost.vehicle_id = customer, vehicle_id
        cost.save()
        audit_record(actor=request.user, action="report.vehicle_cost", customer=customer,
                     target=f"vehicle {vehicle_id}", before=before, after=_snapshot(cost))
        messages.success(request, _("Vehicle costs saved."))
        return redirect(reverse("privacy:vehicle_costs") + "?" + urlencode(_customer_query(request, customer)))
    return render(request, "privacy/reports/vehicle_cost_form.html", {
        "customer": customer, "vehicle": vehicle, "vehicle_id": vehicle_id, "form": form,
        "customer_query": urlencode(_customer_query(request, customer)),
    })


def _snapshot(cost: VehicleCost | None) -> dict | None:
    if cost is None:
        return None
    return {f: str(getattr(cost, f)) for f in VehicleCostForm.Meta.fields}
