"""Setup page (administrators): the setup check and the customers of the Ocean account."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from privacy.access import role_required
from privacy.models import Customer
from privacy.onboarding.forms import CustomerForm
from privacy.onboarding.models import OnboardingRun
from privacy.onboarding.services.accounts import (
    customer_add,
    customer_entities,
    customer_state,
    customer_update,
    customer_version,
)
from privacy.onboarding.services.probe_results import latest_probe
from privacy.onboarding.services.setup_check import run_setup_checks
from privacy.services.concurrency import EditConflict, changed_fields, reapply
from privacy.services.fleet import fleet_get
from privacy.services.ocean import OceanError, ocean_error_message

# No role listed: only administrators (is_staff) pass; every role gets 403, anonymous the login page.
admin_required = role_required()


def _setup_page(request, report=None):
    return render(
        request,
        "privacy/onboarding/setup.html",
        {
            "customers": Customer.objects.order_by("name", "pk"),
            "runs": OnboardingRun.objects.select_related("customer", "created_by")[:10],
            "report": report,
            "probe": latest_probe(),
        },
    )


@require_GET
@admin_required
def setup(request):
    return _setup_page(request)


@require_GET
@admin_required
def setup_checks(request):
    """The checks themselves (a few seconds: a login, three lists per customer, a worker round trip),
    loaded by htmx after the page so the page itself shows at once; without JavaScript, the whole page."""
    report = run_setup_checks()
    if not request.htmx:
        return _setup_page(request, report)
    return render(request, "privacy/onboarding/_checks.html", {"report": report})


@require_http_methods(["GET", "POST"])
@admin_required
def customer_new(request):
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        customer = form.save(commit=False)
        customer.name = customer.name or str(customer.ocean_customer_id)
        try:
            entities = customer_entities(customer.ocean_customer_id)
        except OceanError as exc:
            form.add_error(
                "ocean_customer_id",
                _("Ocean did not confirm this customerId: %(reason)s") % {"reason": ocean_error_message(exc)},
            )
        else:
            customer_add(actor=request.user, customer=customer, entities=entities)
            names = ", ".join(e.nom or str(e.id) for e in entities) or _("none")
            messages.success(
                request,
                ngettext("Customer %(name)s added; Ocean lists %(count)s entity: %(names)s.",
                         "Customer %(name)s added; Ocean lists %(count)s entities: %(names)s.", len(entities))
                % {"name": customer.name, "count": len(entities), "names": names},
            )
            return redirect("privacy:customer_edit", pk=customer.pk)
    return render(request, "privacy/onboarding/customer_form.html", {"form": form, "customer": None})


def customer_conflict(pk: int, mine: dict, clash: EditConflict):
    """Someone saved the settings meanwhile: the newer ones with this person's changes on top, unsaved."""
    customer = get_object_or_404(Customer, pk=pk)
    fields = [f for f in clash.current if f in CustomerForm.base_fields]
    merged = reapply(clash.base, {f: mine.get(f) for f in fields}, clash.current)
    form = CustomerForm(instance=customer, initial={**merged, "base_version": clash.version})
    base = clash.base or {}
    info = {
        "theirs": [f"{form.fields[f].label}: {base.get(f)} → {clash.current.get(f)}"
                   for f in changed_fields(base, clash.current) if f in fields and clash.base],
        "mine": [f"{form.fields[f].label}: {clash.current.get(f)} → {merged.get(f)}"
                 for f in changed_fields(clash.current, merged) if f in fields],
        "cancel": reverse("privacy:customer_edit", args=[pk]),
    }
    return customer, form, info


@require_http_methods(["GET", "POST"])
@admin_required
def customer_edit(request, pk: int):
    customer = get_object_or_404(Customer, pk=pk)
    before = customer_state(customer)
    form = CustomerForm(request.POST or None, instance=customer, initial={"base_version": customer_version(customer)})
    conflict = None
    if request.method == "POST" and form.is_valid():
        customer = form.save(commit=False)
        customer.name = customer.name or str(customer.ocean_customer_id)
        try:
            customer_update(actor=request.user, customer=customer, before=before,
                            base_version=form.cleaned_data["base_version"])
        except EditConflict as clash:
            customer, form, conflict = customer_conflict(pk, form.cleaned_data, clash)
        else:
            messages.success(request, _("Settings of %(name)s saved.") % {"name": customer.name})
            return redirect("privacy:customer_edit", pk=customer.pk)
    entities, ocean_error = [], ""
    try:
        entities = sorted(fleet_get(customer).entities.items(), key=lambda kv: kv[1])
    except OceanError as exc:
        ocean_error = ocean_error_message(exc)
    return render(
        request,
        "privacy/onboarding/customer_form.html",
        {
            "form": form,
            "customer": customer,
            "entities": entities,
            "ocean_error": ocean_error,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )
