"""Benefit in kind per month for payroll (HR, admin): both methods per driver, export in the generic CSV or
a payroll tool's columns, lock once exported, later differences as correction lines (docs/payroll-export.md)."""
from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from privacy.access import current_customer, is_admin, role_required
from privacy.models import Role
from privacy.reports import exports
from privacy.reports.benefit_words import sources
from privacy.reports.forms import BenefitChoiceForm
from privacy.reports.models import BenefitChoice
from privacy.reports.payroll_formats import DSN_BLOCK, DSN_TYPE_VEHICLE, formats, payroll_dataset
from privacy.reports.services.benefit_data import stored_months
from privacy.reports.services.benefit_month import month_of
from privacy.reports.services.payroll import PayrollError, lock_month, mark_exported, payroll_state, record_corrections
from privacy.services.audit import audit_record
from privacy.services.fleet import fleet_get
from privacy.services.ocean import OceanError

hr_only = role_required(Role.HR)


def _today(customer):
    return timezone.localtime(timezone.now(), customer.tz).date()


def _query(request, customer, period=None) -> dict[str, str]:
    query = {"customer": str(customer.pk)} if is_admin(request.user) else {}
    if period is not None:
        query["month"] = f"{period.start:%Y-%m}"
    return query


def _back(request, customer, period):
    return redirect(reverse("privacy:payroll") + "?" + urlencode(_query(request, customer, period)))


@require_GET
@hr_only
def payroll(request):
    customer = current_customer(request)
    today = _today(customer)
    period = month_of(request.GET.get("month", ""), today)
    state = payroll_state(customer, period)
    months = [month_of(f"{y}-{m:02d}", today) for y in (today.year, today.year - 1) for m in range(12, 0, -1)
              if (y, m) <= (today.year, today.month)]
    return render(request, "privacy/reports/payroll.html", {
        "customer": customer, "period": period, "state": state, "months": months,
        "formats": formats(), "query": urlencode(_query(request, customer, period)),
        "customer_query": urlencode(_query(request, customer)), "dsn_block": DSN_BLOCK,
        "dsn_type": DSN_TYPE_VEHICLE,
        "month_loaded": period.start.month in stored_months(customer, period.start.year),
        "boss": sources()["boss"],
    })


@require_GET
@hr_only
def payroll_export(request):
    fmt, mapping = request.GET.get("format", "csv"), request.GET.get("mapping", "generic")
    if fmt not in exports.FORMATS or mapping not in formats():
        return HttpResponseBadRequest(_("Unknown export format."))
    customer = current_customer(request)
    period = month_of(request.GET.get("month", ""), _today(customer))
    state = payroll_state(customer, period)
    if waiting := state.pending_error():  # a file missing drivers would be wrong: wait for the worker
        messages.info(request, waiting)
        return _back(request, customer, period)
    lines = state.export_lines()
    mark_exported(customer, period, request.user, f"{mapping} {fmt}", len(lines))
    return exports.respond(payroll_dataset(lines, mapping), fmt, f"avantage-nature-{period.start:%Y-%m}-{mapping}")


def _record(request, service, success: Callable[[int], str]):
    """Lock a month or record its corrections (``service``), then back to the month with a message."""
    customer = current_customer(request)
    period = month_of(request.POST.get("month", ""), _today(customer))
    try:
        count = service(customer, period, request.user)
    except PayrollError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success(count))
    return _back(request, customer, period)


@require_POST
@hr_only
def payroll_lock(request):
    return _record(request, lock_month, lambda count: ngettext(
        "Month locked: %(count)s line recorded as handed to payroll.",
        "Month locked: %(count)s lines recorded as handed to payroll.", count) % {"count": count})


@require_POST
@hr_only
def payroll_corrections(request):
    return _record(request, record_corrections, lambda count: ngettext(
        "%(count)s correction line recorded.", "%(count)s correction lines recorded.", count) % {"count": count})


@require_http_methods(["GET", "POST"])
@hr_only
def driver_choice(request, driver_id: int):
    customer = current_customer(request)
    try:
        known = driver_id in fleet_get(customer).drivers
    except OceanError:
        known = BenefitChoice.objects.filter(customer=customer, driver_id=driver_id).exists()
    if not known:
        raise Http404  # not a driver of this customer
    period = month_of(request.GET.get("month", ""), _today(customer))
    year = period.start.year
    instance = BenefitChoice.objects.filter(customer=customer, driver_id=driver_id, year=year).first()
    before = {"method": instance.method, "contribution": str(instance.monthly_contribution)} if instance else None
    form = BenefitChoiceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        choice = form.save(commit=False)
        choice.customer, choice.driver_id, choice.year = customer, driver_id, year
        choice.save()
        audit_record(actor=request.user, action="benefit.choice", customer=customer, driver_id=driver_id,
                     target=f"driver {driver_id} {year}", before=before,
                     after={"method": choice.method, "contribution": str(choice.monthly_contribution)})
        messages.success(request, _("Choice saved."))
        return _back(request, customer, period)
    return render(request, "privacy/reports/benefit_choice.html", {
        "customer": customer, "form": form, "driver_id": driver_id, "year": year, "period": period,
        "query": urlencode(_query(request, customer, period)),
    })
