"""Leave and holidays from calendars into exceptional periods: import (ICS file, CSV with a column mapping),
subscribe (ICS URL per driver or per entity), preview what would be added / changed / removed, confirm."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from privacy import access
from privacy.access import current_customer, role_required
from privacy.models import Role
from privacy.schedules.forms import CsvImportForm, IcsFileForm, SubscriptionForm
from privacy.schedules.models import CalendarKind, CalendarSource
from privacy.schedules.services.calendar_pending import (
    pending_apply,
    pending_clear,
    pending_load,
    pending_plans,
    pending_store,
)
from privacy.schedules.services.calendar_read import CalendarError, CsvMapping, fetch_ics, parse_csv, parse_ics
from privacy.schedules.services.calendar_sync import ADD, CHANGE, REMOVE, SKIP, source_drivers
from privacy.schedules.views.common import managed_driver, ocean_guard
from privacy.services.fleet import fleet_drivers_visible, fleet_get


def _visible_sources(request, customer):
    """Sources of drivers the user may see, and subscriptions of entities in their scope."""
    drivers = {d.ocean_id for d in fleet_drivers_visible(request.user, customer)}
    return [s for s in CalendarSource.objects.filter(customer=customer)
            if s.driver_id in drivers or (s.entity_id is not None and (
                access.is_admin(request.user) or access.in_entity_scope(request.user, s.entity_id)))]


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@ocean_guard
def driver_calendar(request, driver_id: int):
    customer, driver = managed_driver(request, driver_id)
    ics_form, sub_form = IcsFileForm(), SubscriptionForm()
    if request.method == "POST":
        try:
            if "subscribe" in request.POST:
                sub_form = SubscriptionForm(request.POST)
                if sub_form.is_valid():
                    events = parse_ics(fetch_ics(sub_form.cleaned_data["url"]), customer.tz)
                    pending_store(request.session, kind=CalendarKind.URL, label=sub_form.cleaned_data["label"],
                                  url=sub_form.cleaned_data["url"], driver_id=driver_id,
                                  events_by_driver={driver_id: events})
                    return redirect("privacy:calendar_preview")
            else:
                ics_form = IcsFileForm(request.POST, request.FILES)
                if ics_form.is_valid():
                    events = parse_ics(ics_form.cleaned_data["file"], customer.tz)
                    pending_store(request.session, kind=CalendarKind.ICS, label=str(CalendarKind.ICS.label),
                                  driver_id=driver_id, events_by_driver={driver_id: events})
                    return redirect("privacy:calendar_preview")
        except CalendarError as exc:
            messages.error(request, exc.message)
    sources = [s for s in _visible_sources(request, customer) if s.driver_id == driver_id]
    return render(request, "privacy/schedules/driver_calendar.html", {
        "customer": customer, "driver": driver, "ics_form": ics_form, "sub_form": sub_form, "sources": sources})


def _entities(request, customer):
    fleet = fleet_get(customer)
    return [(i, name) for i, name in sorted(fleet.entities.items(), key=lambda kv: kv[1])
            if access.is_admin(request.user) or access.in_entity_scope(request.user, i)]


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@ocean_guard
def calendars(request):
    customer = current_customer(request)
    entities = _entities(request, customer)
    sub_form, csv_form = SubscriptionForm(entities=entities), CsvImportForm()
    if request.method == "POST":
        try:
            if "subscribe" in request.POST:
                sub_form = SubscriptionForm(request.POST, entities=entities)
                if sub_form.is_valid():
                    return _preview_entity_subscription(request, customer, sub_form.cleaned_data)
            else:
                csv_form = CsvImportForm(request.POST, request.FILES)
                if csv_form.is_valid():
                    return _preview_csv(request, customer, csv_form.cleaned_data)
        except CalendarError as exc:
            messages.error(request, exc.message)
    return render(request, "privacy/schedules/calendars.html", {
        "customer": customer, "sub_form": sub_form, "csv_form": csv_form,
        "sources": _visible_sources(request, customer), "entities": dict(entities)})


def _preview_entity_subscription(request, customer, data):
    events = parse_ics(fetch_ics(data["url"]), customer.tz)
    probe = CalendarSource(customer=customer, entity_id=data["entity"])
    visible = {d.ocean_id for d in fleet_drivers_visible(request.user, customer)}
    drivers = [d for d in source_drivers(probe) if d in visible]
    pending_store(request.session, kind=CalendarKind.URL, label=data["label"], url=data["url"],
                  entity_id=data["entity"], events_by_driver={d: events for d in drivers})
    return redirect("privacy:calendar_preview")


def _preview_csv(request, customer, data):
    mapping = CsvMapping(matricule=data["matricule"], start=data["start"], end=data["end"], label=data["label"])
    by_matricule = parse_csv(data["file"], mapping, customer.tz)
    drivers = {d.matricule: d.ocean_id for d in fleet_drivers_visible(request.user, customer) if d.matricule}
    unknown = sorted(m for m in by_matricule if m not in drivers)
    if unknown:
        messages.warning(request, _("Matricules not among your drivers, left out: %(list)s") % {
            "list": ", ".join(unknown[:20])})
    pending_store(request.session, kind=CalendarKind.CSV, label=str(CalendarKind.CSV.label),
                  events_by_driver={drivers[m]: events for m, events in by_matricule.items() if m in drivers})
    return redirect("privacy:calendar_preview")


@require_POST
@role_required(Role.MANAGER)
@ocean_guard
def calendar_sync_now(request, pk: int):
    customer = current_customer(request)
    source = next((s for s in _visible_sources(request, customer) if s.pk == pk and s.kind == CalendarKind.URL), None)
    if source is None:
        raise Http404
    try:
        events = parse_ics(fetch_ics(source.url), customer.tz)
    except CalendarError as exc:
        messages.error(request, exc.message)
        return redirect("privacy:calendars")
    visible = {d.ocean_id for d in fleet_drivers_visible(request.user, customer)}
    pending_store(request.session, kind=CalendarKind.URL, label=source.label, url=source.url, source_id=source.pk,
                  events_by_driver={d: events for d in source_drivers(source) if d in visible})
    return redirect("privacy:calendar_preview")


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@ocean_guard
def calendar_preview(request):
    customer = current_customer(request)
    pending = pending_load(request.session)
    if pending is None:
        messages.info(request, _("Nothing to preview: import or subscribe to a calendar first."))
        return redirect("privacy:calendars")
    visible = {d.ocean_id: d for d in fleet_drivers_visible(request.user, customer)}
    if any(int(d) not in visible for d in pending["events"]):
        pending_clear(request.session)
        raise Http404
    if request.method == "POST":
        outcome = pending_apply(customer, pending, actor=request.user)
        pending_clear(request.session)
        if outcome.done or not outcome.errors:
            messages.success(request, ngettext("%(n)s period added, changed or removed in Ocean.",
                                               "%(n)s periods added, changed or removed in Ocean.",
                                               outcome.done) % {"n": outcome.done})
        for error in outcome.errors[:10]:
            messages.error(request, error)
        single = pending.get("driver_id")
        return redirect("privacy:driver_periods", driver_id=single) if single else redirect("privacy:calendars")
    plans = [(visible[d], plan) for d, plan in pending_plans(customer, pending)]
    return render(request, "privacy/schedules/calendar_preview.html", {
        "customer": customer, "pending": pending, "plans": plans, "ADD": ADD, "CHANGE": CHANGE, "REMOVE": REMOVE,
        "SKIP": SKIP, "writes": sum(p.writes for _d, p in plans)})
