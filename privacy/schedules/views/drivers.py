"""Manager pages for private hours: the drivers list and a driver's weekly grid; the driver's own view.

Views stay thin: access through ``privacy.access``, Ocean through the services. Upstream reads per
page: the list renders from the cached fleet (no per-driver call); each row's schedule summary is
read from the cache or loaded lazily by its own request when it scrolls into view (htmx
``revealed``), so only drivers shown on screen and not cached cost one read each.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from privacy.access import current_customer, role_required
from privacy.models import Role
from privacy.schedules.forms import CellsField, ScheduleForm, week_to_cells
from privacy.schedules.services.periods import periods_list
from privacy.schedules.services.summary import cached_row_summaries, row_summary
from privacy.schedules.services.weekly import (
    ScheduleError,
    schedule_read,
    schedule_save,
    schedule_version,
)
from privacy.schedules.views.common import (
    PRESETS,
    apply_preset,
    customer_query,
    day_choices,
    grid_context,
    managed_driver,
    ocean_guard,
    preset_buttons,
    read_or_message,
)
from privacy.schedules.views.conflicts import grid_conflict
from privacy.services.concurrency import EditConflict
from privacy.services.fleet import fleet_driver_or_404, fleet_drivers_visible, fleet_get
from privacy.services.ocean import OceanError, ocean_error_message
from privacy.week import DAYS
from privacy.week_text import describe_diff
from privacy.week_text import summary as week_summary

PER_PAGE = 25
SORTS = {
    "name": lambda d: (d.nom.lower(), d.prenom.lower(), d.ocean_id),
    "matricule": lambda d: (d.matricule, d.ocean_id),
    "entity": lambda d: (d.entity_name.lower(), d.nom.lower(), d.ocean_id),
    "vehicle": lambda d: (d.vehicle_plate, d.nom.lower(), d.ocean_id),
}


def _matches(driver, query: str) -> bool:
    text = " ".join((driver.prenom, driver.nom, driver.matricule, driver.vehicle_plate, driver.email)).lower()
    return all(word in text for word in query.lower().split())


@require_GET
@role_required(Role.MANAGER)
@ocean_guard
def drivers(request):
    customer = current_customer(request)
    context = {"customer": customer, "cq": customer_query(request), "rows": [], "entities": {}}
    try:
        fleet = fleet_get(customer)
        visible = fleet_drivers_visible(request.user, customer)
    except OceanError as exc:
        messages.error(request, ocean_error_message(exc))
        return render(request, "privacy/schedules/drivers.html", context)
    query = request.GET.get("q", "").strip()
    entity = request.GET.get("entity", "")
    sort = request.GET.get("sort", "name") if request.GET.get("sort") in SORTS else "name"
    shown = [
        d
        for d in visible
        if (not query or _matches(d, query)) and (not entity.isdigit() or d.entity_id == int(entity))
    ]
    shown.sort(key=SORTS[sort])
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    entity_ids = {d.entity_id for d in visible}
    summaries = cached_row_summaries(customer, [d.ocean_id for d in page])
    context.update(
        {
            "page": page,
            "query": query,
            "entity": entity,
            "sort": sort,
            "synced_at": datetime.fromisoformat(fleet.synced_at) if fleet.synced_at else None,
            "rows": [{"driver": d, "summary": summaries[d.ocean_id]} for d in page],
            "entities": sorted(
                ((k, v) for k, v in fleet.entities.items() if k in entity_ids), key=lambda kv: kv[1]
            ),
            "sorts": [
                ("name", _("Name")),
                ("matricule", _("Matricule")),
                ("entity", _("Entity")),
                ("vehicle", _("Vehicle")),
            ],
            "page_query": params.urlencode(),
            "total": len(shown),
        }
    )
    return render(request, "privacy/schedules/drivers.html", context)


@require_POST
@role_required(Role.MANAGER)
@ocean_guard
def drivers_refresh(request):
    customer = current_customer(request)
    try:
        fleet_get(customer, refresh=True)
        messages.success(request, _("The drivers list was refreshed from Ocean."))
    except OceanError as exc:
        messages.error(request, ocean_error_message(exc))
    return redirect(reverse("privacy:drivers") + customer_query(request))


@require_GET
@role_required(Role.MANAGER)
@ocean_guard
def driver_row(request, driver_id: int):
    """One row of the drivers list with its schedule summary (lazy-loaded by htmx)."""
    customer = current_customer(request)
    driver = fleet_driver_or_404(request.user, customer, driver_id)
    try:
        summary = row_summary(customer, driver_id)
    except OceanError:
        summary = {"error": True}
    return render(
        request,
        "privacy/partials/_driver_row.html",
        {"row": {"driver": driver, "summary": summary}, "cq": customer_query(request), "customer": customer},
    )


def _grid_context(request, customer, driver, form, schedule, *, diff=None) -> dict:
    painted = form.cleaned_data.get("cells") if form.is_bound and hasattr(form, "cleaned_data") else None
    week = painted if painted is not None else (schedule.current if schedule else None)
    now = timezone.now()
    return {
        "customer": customer,
        "driver": driver,
        "form": form,
        "cq": customer_query(request),
        **(grid_context(week) if week is not None else {"rows": []}),
        "presets": preset_buttons(),
        "days": day_choices(),
        "diff": diff,
        "versions": [
            {"version": v, "state": v.state(now), "summary": week_summary(v.week)}
            for v in (schedule.versions if schedule else ())
        ],
        "not_aligned": bool(schedule and not schedule.current.is_quarter_aligned()),
    }


def _grid_action(data, action: str) -> str:
    """The painted cells after a no-JavaScript preset or day copy (with JavaScript, grid.js does it)."""
    cells = data.get("cells", "")
    try:
        week = CellsField().clean(cells)
    except ValidationError:
        return cells
    if action.startswith("preset:") and action.removeprefix("preset:") in PRESETS:
        return week_to_cells(apply_preset(week, action.removeprefix("preset:"), data.get("preset_day") or None))
    if action == "copy" and data.get("copy_from") in DAYS:
        return week_to_cells(
            week.copy_day(data["copy_from"], [d for d in data.getlist("copy_to") if d in DAYS])
        )
    return cells


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@ocean_guard
def driver_schedule(request, driver_id: int):
    customer, driver = managed_driver(request, driver_id)
    schedule = read_or_message(request, schedule_read, customer, driver_id)
    if request.method == "GET":
        initial = {"cells": week_to_cells(schedule.current), "base_version": schedule_version(schedule)} \
            if schedule else {}
        form = ScheduleForm(initial=initial, tz_name=customer.time_zone)
        return render(
            request, "privacy/schedules/driver.html", _grid_context(request, customer, driver, form, schedule)
        )
    data = request.POST.copy()
    action = data.get("action", "save")
    data["cells"] = _grid_action(data, action)
    form = ScheduleForm(data, tz_name=customer.time_zone)
    if not form.is_valid() or schedule is None:
        return render(
            request, "privacy/schedules/driver.html", _grid_context(request, customer, driver, form, schedule)
        )
    week = form.cleaned_data["cells"]
    if action != "save":  # "preview", a preset or a copy: show the grid and its diff, save nothing
        diff = describe_diff(schedule.current, week)
        return render(
            request,
            "privacy/schedules/driver.html",
            _grid_context(request, customer, driver, form, schedule, diff=diff),
        )
    try:
        outcome = schedule_save(
            actor=request.user,
            customer=customer,
            driver_id=driver_id,
            week=week,
            valid_from=form.cleaned_data["valid_from_utc"],
            valid_until=form.cleaned_data["valid_until_utc"],
            base_version=form.cleaned_data["base_version"],
        )
    except EditConflict as conflict:
        return _conflict_page(request, customer, driver, week, conflict)
    except ScheduleError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:  # an outcome Ocean left unknown is a warning: look before saving again
            (messages.warning if exc.unknown else messages.error)(request, exc.message)
        return render(
            request, "privacy/schedules/driver.html", _grid_context(request, customer, driver, form, schedule)
        )
    if outcome.changed:
        messages.success(
            request,
            _("Saved and confirmed by Ocean: %(summary)s. It applies from %(when)s.")
            % {"summary": week_summary(outcome.confirmed),
               "when": timezone.localtime(outcome.start, customer.tz).strftime("%d/%m/%Y %H:%M")},
        )
    else:
        messages.info(request, _("Nothing to save: Ocean already has this schedule."))
    return redirect(reverse("privacy:driver_schedule", args=[driver_id]) + customer_query(request))


def _conflict_page(request, customer, driver, mine, conflict: EditConflict):
    data, current, merged, info = grid_conflict(request, driver, mine, conflict)
    form = ScheduleForm(data, tz_name=customer.time_zone)
    form.is_valid()
    context = _grid_context(request, customer, driver, form, current, diff=describe_diff(current.current, merged))
    return render(request, "privacy/schedules/driver.html", {**context, "conflict": info}, status=409)


@require_POST
@role_required(Role.MANAGER)
@ocean_guard
def driver_schedule_preview(request, driver_id: int):
    """The readable diff of the painted grid against Ocean's current week (htmx partial)."""
    customer, _driver = managed_driver(request, driver_id)
    form = ScheduleForm(request.POST, tz_name=customer.time_zone)
    context = {"form": form, "diff": None, "error": ""}
    try:
        current = schedule_read(customer, driver_id).current
    except OceanError as exc:
        context["error"] = ocean_error_message(exc)
        return render(request, "privacy/partials/_grid_diff.html", context)
    form.is_valid()
    painted = form.cleaned_data.get("cells")  # the diff shows even while a date field is being fixed
    if painted is not None:
        context["diff"] = describe_diff(current, painted)
        context["summary"] = week_summary(painted)
    return render(request, "privacy/partials/_grid_diff.html", context)


@require_GET
@role_required(Role.DRIVER, allow_admin=False)
@ocean_guard
def my_schedule(request):
    """The driver's own current week and upcoming exceptional periods, read-only."""
    customer = request.user.customer
    driver_id = request.user.ocean_individu_id
    context = {"customer": customer, "rows": [], "periods": [], "version": None}
    try:
        schedule = schedule_read(customer, driver_id)
        now = timezone.now()
        context.update(
            {
                **grid_context(schedule.current),
                "summary": week_summary(schedule.current),
                "now": now,
                "version": schedule.current_version(),
                "periods": [p for p in periods_list(customer, driver_id) if p.state(now) != "past"],
            }
        )
    except OceanError as exc:
        messages.error(request, ocean_error_message(exc))
    return render(request, "privacy/schedules/my_schedule.html", context)
