"""Benefit in kind (HR, admin): per driver and year, flat rate and actual expenses side by side;
vehicle costs entered by HR; export with the reports."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from privacy.access import current_customer, is_admin, role_required
from privacy.models import Role
from privacy.reports import exports
from privacy.reports.forms import VehicleCostForm
from privacy.reports.models import VehicleCost
from privacy.reports.services.benefit import benefit_lines, benefit_page
from privacy.reports.services.cache import (
    cached_html,
    cached_page,
    costs_version,
    page_key,
    store_page,
    viewer_key,
)
from privacy.reports.services.periods import Period
from privacy.reports.views.common import report_context
from privacy.services.audit import audit_record
from privacy.services.fleet import fleet_get, fleet_version
from privacy.services.ocean import OceanError

hr_only = role_required(Role.HR)


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
    ctx = report_context(request, source=Period.year(year).query())  # snapshot and refresh state of the year
    ctx.update({"year": year, "years": range(ctx["today"].year, 2019, -1),
                "customer_query": _customer_query(request, customer)})
    fleet = fleet_version(customer)  # which vehicle each driver has comes from the fleet directory
    key = (page_key("benefit", ctx["state"], request, customer, ctx["today"], costs_version(customer), fleet)
           if fleet else None)
    whole = viewer_key(key, request, ctx["state"])
    if (html := cached_page(whole)) is not None:
        return HttpResponse(html)

    def body() -> str:  # only on a cache miss
        page, warning = benefit_page(customer, year, ctx["snapshot"], request.GET.get("page"))
        lines = page.object_list if page is not None else []
        return render_to_string("privacy/partials/_benefit_body.html",
                                {**ctx, "lines": lines, "page": page, "warning": warning}, request=request)

    ctx["benefit_body"] = cached_html(key, body)
    response = render(request, "privacy/reports/benefit.html", ctx)
    store_page(whole, response)
    return response


@require_GET
@hr_only
def benefit_export(request):
    fmt = request.GET.get("format", "")
    if fmt not in exports.FORMATS:
        return HttpResponseBadRequest(_("Unknown export format."))
    customer = current_customer(request)
    year = _year(request, customer)
    lines, snapshot, _warning = benefit_lines(customer, year)
    audit_record(actor=request.user, action="report.export", customer=customer,
                 target=f"benefit {year} {fmt}", after={"rows": len(lines)})
    dataset = exports.benefit_dataset(lines, customer, year, snapshot.as_of if snapshot else None)
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
    form = VehicleCostForm(request.POST or None, instance=instance)
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
