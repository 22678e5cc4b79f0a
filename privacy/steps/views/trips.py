"""Steps pages: "My trips" for drivers, a driver's or a vehicle's trips for managers, and the
declare endpoints (htmx row swap, plain POST + redirect without JavaScript)."""
from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from privacy import access
from privacy.models import Role
from privacy.services.fleet import fleet_driver_or_404, fleet_drivers_visible, fleet_get, own_fleet_driver
from privacy.services.ocean import OceanError
from privacy.steps.forms import DayCheckForm, DeclareForm, OnBehalfForm, StepRangeForm, TripsLookupForm
from privacy.steps.models import StepAccessLog
from privacy.steps.services.declarations import DeclarationRefused, declaration_request, declaration_withdraw
from privacy.steps.services.fetch import driver_current_vehicle, local_today
from privacy.steps.services.reminders import checked_days, day_check
from privacy.steps.services.trips import (
    access_log_record,
    driver_steps_page,
    find_driver_step,
    fleet_vehicles_visible,
    vehicle_steps_page,
)
from privacy.steps.services.wave import driver_week_cached
from privacy.steps.views.days import days_part, inline_query, prefetch_week, ran_within

VEHICLE_HINT = "trips_vehicle"
OCEAN_DOWN = _("Ocean cannot be reached right now; nothing was changed. Try again in a few minutes.")
STEPS_CSS = "css/steps.css"


def ocean_guard(view):
    """An Ocean failure outside the page body (the fleet lookup) is a clear message, never a 500:
    a row-sized message for htmx (200, so it is swapped in), a page with status 503 otherwise."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except OceanError:
            if request.htmx:
                return render(request, "privacy/partials/_step_row.html", {"row": None, "row_error": OCEAN_DOWN})
            return render(request, "privacy/ocean_down.html", {"message": OCEAN_DOWN}, status=503)

    return wrapper


def _range(request, customer):
    form = StepRangeForm(request.GET or None, today=local_today(customer))
    first, last, span = form.bounds()
    return form, first, last, span


def _render_page(request, template, *, customer, form, first, last, span, build, extra, ready=None,
                 prefetch=None):
    """The page with its day cards. When ``ready()`` says Ocean must be asked first, ``prefetch()`` starts
    the upstream reads in the background; if they take longer than a moment (``STEPS_LAZY_AFTER_S``) the page
    comes at once with a placeholder that fetches the cards (``?part=days``, htmx), which joins that run."""
    page, error, lazy = None, "", None
    if prefetch is not None and days_part(request):
        ran_within(prefetch(), None)  # the run the page started (or a new one), then the cards from the cache
    elif (not request.htmx and ready is not None and settings.STEPS_LAZY_DAYS and request.GET.get("inline") != "1"
            and not ready() and not ran_within(prefetch(), settings.STEPS_LAZY_AFTER_S)):
        query = request.GET.copy()
        query["part"] = "days"
        lazy = {"url": f"{request.path}?{query.urlencode()}", "inline": f"{request.path}?{inline_query(request)}"}
    if lazy is None:
        try:
            page = build()
        except OceanError:
            error = OCEAN_DOWN
    step = timedelta(days=7 if span == "week" else 1)
    day = form.cleaned_data["day"] if form.is_valid() else form.today
    context = {"customer": customer, "form": form, "page": page, "ocean_error": error, "first": first,
               "last": last, "span": span, "prev_day": day - step, "lazy": lazy,
               "next_day": day + step if day + step <= form.today else None, **extra}
    if days_part(request):
        return render(request, "privacy/partials/_steps_table.html", context)
    return render(request, template, context)


@require_GET
@access.role_required(Role.DRIVER, allow_admin=False)
@ocean_guard
def my_trips(request):
    customer = access.current_customer(request)
    form, first, last, span = _range(request, customer)
    driver_id = request.user.ocean_individu_id or -1
    if not days_part(request):  # the cards' own request is part of the same view
        access_log_record(viewer=request.user, customer=customer, view=StepAccessLog.View.OWN, first=first,
                          last=last, driver_id=request.user.ocean_individu_id)

    hint = request.session.get(VEHICLE_HINT)  # the vehicle the previous page found: its days start at once

    def own_driver():
        return own_fleet_driver(request.user, customer, vehicle_hint=hint)

    def build():
        page = driver_steps_page(viewer=request.user, customer=customer, driver=own_driver(), first=first,
                                 last=last, own=True)
        if (found := driver_current_vehicle(customer, driver_id)) is not None and found != hint:
            request.session[VEHICLE_HINT] = found
        return page

    checked = checked_days(customer, request.user.ocean_individu_id, first, last)
    return _render_page(request, "privacy/steps/my_trips.html", customer=customer, form=form, first=first,
                        last=last, span=span, build=build,
                        extra={"mode": "own", "layout": "driver", "checked_days": checked},
                        ready=lambda: driver_week_cached(customer, driver_id, first, last),
                        prefetch=lambda: prefetch_week(request.user, customer, driver_id, first, last,
                                                       driver_of=own_driver))


@require_POST
@access.role_required(Role.DRIVER, allow_admin=False)
def my_day_check(request):
    """"Cette journée est correcte": recorded in the portal (stops that day's reminders), nothing sent to Ocean."""
    customer = access.current_customer(request)
    form = DayCheckForm(request.POST)
    if not form.is_valid() or form.cleaned_data["day"] > local_today(customer):
        return HttpResponseBadRequest(_("Choose a valid day up to today."))
    day = form.cleaned_data["day"]
    day_check(user=request.user, customer=customer, day=day)
    messages.success(request, _("Noted: %(day)s is correct. You will get no reminder for this day; nothing was "
                                "sent to Ocean.") % {"day": date_format(day, "l j F")})
    span = request.POST.get("span") if request.POST.get("span") in ("day", "week") else "day"
    return redirect(f"{reverse('privacy:my_trips')}?day={day.isoformat()}&span={span}#day-{day:%Y%m%d}")


@require_GET
@access.role_required(Role.MANAGER)
@ocean_guard
def driver_trips(request, driver_id: int):
    customer = access.current_customer(request)
    driver = fleet_driver_or_404(request.user, customer, driver_id)
    form, first, last, span = _range(request, customer)
    if not days_part(request):
        access_log_record(viewer=request.user, customer=customer, view=StepAccessLog.View.DRIVER, first=first,
                          last=last, driver_id=driver_id)
    return _render_page(
        request, "privacy/steps/driver_trips.html", customer=customer, form=form, first=first, last=last,
        span=span, build=lambda: driver_steps_page(viewer=request.user, customer=customer, driver=driver,
                                                   first=first, last=last),
        extra={"mode": "manager", "layout": "driver", "driver": driver},
        ready=lambda: driver_week_cached(customer, driver_id, first, last),
        prefetch=lambda: prefetch_week(request.user, customer, driver_id, first, last),
    )


@require_GET
@access.role_required(Role.MANAGER)
@ocean_guard
def vehicle_trips(request, vehicle_id: int):
    customer = access.current_customer(request)
    vehicle = fleet_get(customer).vehicles.get(vehicle_id)
    if vehicle is None or not access.can_view_vehicle(request.user, customer, vehicle.entity_id):
        raise Http404
    form, first, last, span = _range(request, customer)
    access_log_record(viewer=request.user, customer=customer, view=StepAccessLog.View.VEHICLE, first=first,
                      last=last, vehicle_id=vehicle_id)
    return _render_page(
        request, "privacy/steps/vehicle_trips.html", customer=customer, form=form, first=first, last=last,
        span=span, build=lambda: vehicle_steps_page(viewer=request.user, customer=customer, vehicle=vehicle,
                                                    first=first, last=last),
        extra={"mode": "manager", "layout": "vehicle", "vehicle": vehicle},
    )


@require_GET
@access.role_required(Role.MANAGER)
@ocean_guard
def trips_lookup(request):
    """The manager's way in: pick a driver or a vehicle."""
    customer = access.current_customer(request)
    form = TripsLookupForm(request.GET or None, drivers=fleet_drivers_visible(request.user, customer),
                           vehicles=fleet_vehicles_visible(request.user, customer))
    if request.GET and form.is_valid():
        if form.cleaned_data["driver"]:
            return redirect("privacy:driver_trips", driver_id=form.cleaned_data["driver"])
        if form.cleaned_data["vehicle"]:
            return redirect("privacy:vehicle_trips", vehicle_id=form.cleaned_data["vehicle"])
    return render(request, "privacy/steps/lookup.html", {"form": form, "customer": customer})


def _declare(request, *, customer, driver, vehicle_id, step_id, form, on_behalf: bool, mode: str):
    """Shared by the driver's tap and the manager's declaration: find the step among the driver's own
    (404 when it is not theirs, before any upstream write), record the choice, answer with the row."""
    day = form.cleaned_data["day"]
    try:
        row = find_driver_step(viewer=request.user, customer=customer, driver=driver, day=day,
                               vehicle_id=vehicle_id, step_id=step_id)
    except OceanError:
        return _row_response(request, None, OCEAN_DOWN, mode=mode, form=form, day=day)
    if row is None:
        raise Http404
    error = ""
    try:
        if form.cleaned_data["private"] is None:
            declaration_withdraw(actor=request.user, customer=customer, row=row)
        else:
            declaration_request(actor=request.user, customer=customer, row=row,
                                private=form.cleaned_data["private"],
                                reason=form.cleaned_data.get("reason", ""), on_behalf=on_behalf)
        row = find_driver_step(viewer=request.user, customer=customer, driver=driver, day=day,
                               vehicle_id=vehicle_id, step_id=step_id) or row
    except DeclarationRefused as exc:
        error = exc.message
    except OceanError:
        error = OCEAN_DOWN
    return _row_response(request, row, error, mode=mode, form=form, day=day)


def _row_response(request, row, error, *, mode, form, day):
    if request.htmx:
        layout = form.cleaned_data.get("layout") or "driver"
        return render(request, "privacy/partials/_step_row.html",
                      {"row": row, "row_error": error, "mode": mode, "layout": layout, "form_errors": form})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Your choice is saved."))
    target = reverse("privacy:my_trips") if mode == "own" else reverse(
        "privacy:driver_trips", kwargs={"driver_id": row.driver_id if row else 0})
    anchor = f"#{row.dom_id}" if row else ""
    return redirect(f"{target}?day={day.isoformat()}{anchor}")


@require_POST
@access.role_required(Role.DRIVER, allow_admin=False)
@ocean_guard
def my_trip_declare(request, vehicle_id: int, step_id: int):
    customer = access.current_customer(request)
    form = DeclareForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose private or professional for a trip of a valid day."))
    driver = fleet_driver_or_404(request.user, customer, request.user.ocean_individu_id or -1)
    return _declare(request, customer=customer, driver=driver, vehicle_id=vehicle_id, step_id=step_id,
                    form=form, on_behalf=False, mode="own")


@require_POST
@access.role_required(Role.MANAGER)
@ocean_guard
def driver_trip_declare(request, driver_id: int, vehicle_id: int, step_id: int):
    customer = access.current_customer(request)
    driver = fleet_driver_or_404(request.user, customer, driver_id)
    access.require_driver_change(request.user, driver)
    form = OnBehalfForm(request.POST)
    if not form.is_valid():
        if not form.errors.keys() - {"reason", "private"} and "day" in form.cleaned_data:
            row = find_driver_step(viewer=request.user, customer=customer, driver=driver,
                                   day=form.cleaned_data["day"], vehicle_id=vehicle_id, step_id=step_id)
            if row is None:
                raise Http404
            message = " ".join(str(e) for errors in form.errors.values() for e in errors)
            day = form.cleaned_data["day"]
            return _row_response(request, row, message, mode="manager", form=form, day=day)
        return HttpResponseBadRequest(_("Choose private or professional for a trip of a valid day."))
    return _declare(request, customer=customer, driver=driver, vehicle_id=vehicle_id, step_id=step_id,
                    form=form, on_behalf=True, mode="manager")


@require_GET
@access.role_required(Role.DRIVER, allow_admin=False)
@ocean_guard
def my_trip_row(request, vehicle_id: int, step_id: int):
    """One row again (htmx polls it while a declaration is on its way to Ocean)."""
    customer = access.current_customer(request)
    driver = fleet_driver_or_404(request.user, customer, request.user.ocean_individu_id or -1)
    return _row_again(request, customer=customer, driver=driver, vehicle_id=vehicle_id, step_id=step_id, mode="own")


@require_GET
@access.role_required(Role.MANAGER)
@ocean_guard
def driver_trip_row(request, driver_id: int, vehicle_id: int, step_id: int):
    customer = access.current_customer(request)
    driver = fleet_driver_or_404(request.user, customer, driver_id)
    return _row_again(request, customer=customer, driver=driver, vehicle_id=vehicle_id, step_id=step_id,
                      mode="manager")


def _row_again(request, *, customer, driver, vehicle_id, step_id, mode):
    form = DeclareForm({"day": request.GET.get("day", ""), "private": "true",
                        "layout": request.GET.get("layout", "driver")})
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose private or professional for a trip of a valid day."))
    try:
        row = find_driver_step(viewer=request.user, customer=customer, driver=driver,
                               day=form.cleaned_data["day"], vehicle_id=vehicle_id, step_id=step_id)
    except OceanError:
        return HttpResponseStopPolling()
    if row is None:
        raise Http404
    return render(request, "privacy/partials/_step_row.html",
                  {"row": row, "mode": mode, "layout": form.cleaned_data["layout"] or "driver"})
