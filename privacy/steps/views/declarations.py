"""Managers' declarations pages: the queue of pending requests (approve / reject, one or many) and
the history of every declaration. Step facts only — declarations never hold an address."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from privacy import access
from privacy.models import Role
from privacy.services.fleet import fleet_drivers_visible, fleet_get
from privacy.services.ocean import OceanError
from privacy.steps.forms import DecisionForm, HistoryFilterForm, TripsLookupForm
from privacy.steps.models import DeclarationStatus
from privacy.steps.services.declarations import (
    DeclarationRefused,
    declarations_approve,
    declarations_in_scope,
    declarations_reject,
    schedule_classes,
)
from privacy.steps.services.trips import fleet_vehicles_visible


def _names(customer) -> dict[int, str]:
    try:
        return {d.ocean_id: d.full_name for d in fleet_get(customer).drivers.values()}
    except OceanError:
        return {}


def _queue_context(request, customer, form=None):
    pending = list(declarations_in_scope(request.user, customer).filter(status=DeclarationStatus.PENDING)
                   .order_by("ended_at"))
    names = _names(customer)
    classes = schedule_classes(customer, pending)
    for d in pending:
        d.driver_name = names.get(d.driver_id, str(d.driver_id))
        d.schedule = classes.get(d.pk)
    try:
        drivers = fleet_drivers_visible(request.user, customer)
        vehicles = fleet_vehicles_visible(request.user, customer)
    except OceanError:
        drivers, vehicles = [], []
    return {"customer": customer, "pending": pending, "form": form,
            "lookup": TripsLookupForm(drivers=drivers, vehicles=vehicles)}


@require_GET
@access.role_required(Role.MANAGER)
def declarations(request):
    customer = access.current_customer(request)
    return render(request, "privacy/declarations/queue.html", _queue_context(request, customer))


@require_POST
@access.role_required(Role.MANAGER)
def declarations_decide(request):
    customer = access.current_customer(request)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return render(request, "privacy/declarations/queue.html", _queue_context(request, customer, form))
    data, done = form.cleaned_data, 0
    try:
        if data["action"] == "approve":
            done = declarations_approve(actor=request.user, customer=customer, ids=data["chosen"])
            messages.success(request, ngettext("%(n)d request approved; it is being sent to Ocean.",
                                               "%(n)d requests approved; they are being sent to Ocean.", done)
                             % {"n": done})
        else:
            done = declarations_reject(actor=request.user, customer=customer, ids=data["chosen"],
                                       reason=data["reason"])
            messages.success(request, ngettext("%(n)d request rejected.", "%(n)d requests rejected.", done)
                             % {"n": done})
    except DeclarationRefused as exc:
        messages.error(request, exc.message)
    else:
        if not done:
            messages.warning(request, _("Nothing changed: those requests were already decided."))
    return redirect("privacy:declarations")


@require_GET
@access.role_required(Role.MANAGER)
def declaration_history(request):
    customer = access.current_customer(request)
    try:
        drivers = fleet_drivers_visible(request.user, customer)
    except OceanError:
        drivers = []
    form = HistoryFilterForm(request.GET or None, statuses=DeclarationStatus.choices, drivers=drivers)
    queryset = declarations_in_scope(request.user, customer).prefetch_related("events")
    if form.is_valid():
        if form.cleaned_data["status"]:
            queryset = queryset.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["driver"]:
            queryset = queryset.filter(driver_id=form.cleaned_data["driver"])
    page = Paginator(queryset.order_by("-requested_at", "-id"), 50).get_page(request.GET.get("page"))
    names = {d.ocean_id: d.full_name for d in drivers}
    for d in page:
        d.driver_name = names.get(d.driver_id, str(d.driver_id))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "privacy/declarations/history.html",
                  {"customer": customer, "form": form, "page": page, "query": query.urlencode()})
