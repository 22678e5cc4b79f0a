"""Exceptional periods of a driver (list, add, update, delete) and French public holidays in bulk."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from privacy.access import current_customer, role_required
from privacy.models import Role
from privacy.schedules.forms import HolidaysForm, PeriodForm
from privacy.schedules.services.bulk import bulk_add_holidays
from privacy.schedules.services.holidays import REGION_MSGIDS, REGIONS, french_holidays
from privacy.schedules.services.periods import (
    period_check,
    period_delete,
    period_find,
    period_save,
    period_version,
    periods_list,
)
from privacy.schedules.services.weekly import ScheduleError
from privacy.schedules.views.common import (
    customer_query,
    managed_driver,
    ocean_guard,
    read_or_message,
    selected_drivers,
)
from privacy.schedules.views.conflicts import period_conflict
from privacy.services.concurrency import EditConflict
from privacy.services.ocean import OceanError, ocean_error_message
from privacy.services.stored_text import coded


def _periods_page(request, customer, driver, form, periods, *, editing=None, status=200, conflict=None):
    now = timezone.now()
    rows = [{"period": p, "state": p.state(now)} for p in periods]
    return render(
        request,
        "privacy/schedules/periods.html",
        {
            "customer": customer,
            "driver": driver,
            "form": form,
            "cq": customer_query(request),
            "rows": rows,
            "editing": editing,
            "loaded": periods is not None,
            "conflict": conflict,
        },
        status=status,
    )


def _save(request, customer, driver, form, periods, update_id=None):
    """Validate against the driver's other periods, then send; errors go next to their field. True when
    saved; (form, conflict) when someone changed the period since the form was opened."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        period_check(periods, start=data["start"], end=data["end"], now=timezone.now(), exclude_id=update_id)
        saved = period_save(
            actor=request.user,
            customer=customer,
            driver_id=driver.ocean_id,
            label=data["label"],
            start=data["start"],
            end=data["end"],
            update_id=update_id,
            base_version=data.get("base_version", ""),
        )
        if saved.day_cut_setting:  # Ocean cut it into days on another clock than configured (D6)
            messages.warning(request, _(
                "Ocean cut this period into days on another clock than the portal expects, so it may be "
                "shifted by an hour or two in Ocean. An administrator should set %(setting)s."
            ) % {"setting": saved.day_cut_setting})
    except EditConflict as conflict:
        return period_conflict(request, customer, driver, data, conflict)
    except ScheduleError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:
            form.add_error(None, exc.message)
        return False
    return True


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@ocean_guard
def driver_periods(request, driver_id: int):
    customer, driver = managed_driver(request, driver_id)
    periods = read_or_message(request, periods_list, customer, driver_id)
    form = PeriodForm(request.POST or None, tz_name=customer.time_zone)
    if request.method == "POST" and periods is not None and _save(request, customer, driver, form, periods):
        messages.success(request, _("The period was saved and confirmed by Ocean."))
        return redirect(reverse("privacy:driver_periods", args=[driver_id]) + customer_query(request))
    return _periods_page(request, customer, driver, form, periods)


def _future_period_or_404(customer, driver_id, period_id):
    period = period_find(customer, driver_id, period_id, fresh=True)
    if period is None:
        raise Http404
    return period


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@ocean_guard
def driver_period_edit(request, driver_id: int, period_id: int):
    customer, driver = managed_driver(request, driver_id)
    try:
        period = _future_period_or_404(customer, driver_id, period_id)
        periods = periods_list(customer, driver_id)
    except OceanError as exc:
        messages.error(request, ocean_error_message(exc))
        return redirect(reverse("privacy:driver_periods", args=[driver_id]) + customer_query(request))
    if period.state(timezone.now()) != "future":
        return HttpResponseBadRequest(_("This period has already started: Ocean never changes the past."))
    form = PeriodForm(request.POST or None, tz_name=customer.time_zone,
                      initial={**PeriodForm.initial_for(period, customer.tz), "base_version": period_version(period)})
    saved = request.method == "POST" and _save(request, customer, driver, form, periods, update_id=period.id)
    if isinstance(saved, tuple):  # an edit conflict: the newer period, the person's change on top
        form, info = saved
        return _periods_page(request, customer, driver, form, periods, editing=period, conflict=info, status=409)
    if saved:
        messages.success(request, _("The period was updated and confirmed by Ocean."))
        return redirect(reverse("privacy:driver_periods", args=[driver_id]) + customer_query(request))
    return _periods_page(request, customer, driver, form, periods, editing=period)


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@ocean_guard
def driver_period_delete(request, driver_id: int, period_id: int):
    """GET (or a POST without ``confirm``) shows what the deletion changes; POST ``confirm=yes`` deletes."""
    customer, driver = managed_driver(request, driver_id)
    back = redirect(reverse("privacy:driver_periods", args=[driver_id]) + customer_query(request))
    try:
        period = _future_period_or_404(customer, driver_id, period_id)
    except OceanError as exc:
        messages.error(request, ocean_error_message(exc))
        return back
    if period.state(timezone.now()) != "future":
        return HttpResponseBadRequest(_("Only a period entirely in the future can be deleted."))
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(request, "privacy/schedules/period_delete.html",
                      {"customer": customer, "driver": driver, "period": period, "cq": customer_query(request),
                       "unconfirmed": request.method == "POST"})
    try:
        period_delete(actor=request.user, customer=customer, driver_id=driver_id, period=period)
        messages.success(request, _("The period “%(label)s” was deleted.") % {"label": period.label})
    except ScheduleError as exc:
        (messages.warning if exc.unknown else messages.error)(request, exc.message)
    return back


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@ocean_guard
def holidays(request):
    """Propose the public holidays of a year and region; add the ticked ones to the selected drivers."""
    customer = current_customer(request)
    source = request.POST if request.method == "POST" else request.GET
    try:
        drivers = selected_drivers(request, customer, source.getlist("drivers"))
    except OceanError as exc:
        messages.error(request, ocean_error_message(exc))
        return redirect(reverse("privacy:drivers") + customer_query(request))
    form = HolidaysForm(
        source if "year" in source else None,
        initial={"year": HolidaysForm.initial_year(), "region": "metropole"},
    )
    year, region = HolidaysForm.initial_year(), "metropole"
    if form.is_bound and form.is_valid():
        year, region = form.cleaned_data["year"], form.cleaned_data["region"]
    proposals = french_holidays(year, region) if not form.errors else []
    now = timezone.localtime(timezone.now(), customer.tz).date()
    chosen_error = ""
    if request.method == "POST" and not form.errors:
        picked = set(request.POST.getlist("holiday"))
        chosen = [h for h in proposals if h.day.isoformat() in picked and h.day >= now]
        if not drivers:
            chosen_error = _("Select at least one driver on the drivers list first.")
        elif not chosen:
            chosen_error = _("Tick at least one holiday that is not in the past.")
        else:
            title = coded(gettext_noop("Public holidays %(year)s — %(region)s"), year=year,
                          region=coded(REGION_MSGIDS[region]))
            application = bulk_add_holidays(
                actor=request.user, customer=customer, chosen=chosen, drivers=drivers, title=title
            )
            return redirect(reverse("privacy:application", args=[application.pk]) + customer_query(request))
    return render(
        request,
        "privacy/schedules/holidays.html",
        {
            "customer": customer,
            "form": form,
            "drivers": drivers,
            "cq": customer_query(request),
            "proposals": [
                {"holiday": h, "past": h.day < now, "id": f"holiday-{h.day.isoformat()}"} for h in proposals
            ],
            "chosen_error": chosen_error,
            "year": year,
            "region_label": REGIONS[region][1],
        },
        status=200,
    )
