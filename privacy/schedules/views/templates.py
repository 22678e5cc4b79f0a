"""Schedule templates (CRUD) and bulk applications (apply, live progress, retry failed drivers)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

from privacy.access import current_customer, require_drivers_change, role_required
from privacy.models import Role
from privacy.schedules.forms import ApplyForm, TemplateForm, week_to_cells
from privacy.schedules.models import BulkApplication, ItemStatus, ScheduleTemplate
from privacy.schedules.services.bulk import (
    bulk_apply_template,
    bulk_drivers,
    bulk_progress,
    bulk_retry_failed,
    bulk_visible,
)
from privacy.schedules.services.summary import apply_preview
from privacy.schedules.services.templates import template_save, template_version
from privacy.schedules.views.common import (
    customer_query,
    day_choices,
    grid_context,
    ocean_guard,
    preset_buttons,
    selected_drivers,
)
from privacy.schedules.views.conflicts import template_conflict
from privacy.services.audit import audit_record
from privacy.services.concurrency import EditConflict
from privacy.services.fleet import fleet_drivers_visible, fleet_get
from privacy.services.ocean import OceanError, ocean_error_message
from privacy.week import WeeklySchedule
from privacy.week_text import summary as week_summary


@require_GET
@role_required(Role.MANAGER)
@ocean_guard
def templates(request):
    customer = current_customer(request)
    rows = [
        {"template": t, "summary": week_summary(WeeklySchedule.from_json_days(t.week))}
        for t in ScheduleTemplate.objects.filter(customer=customer)
    ]
    return render(
        request,
        "privacy/schedules/templates.html",
        {
            "customer": customer,
            "rows": rows,
            "cq": customer_query(request),
            "applications": bulk_visible(request.user, customer),
        },
    )


def _template_page(request, customer, form, template, week, *, conflict=None, status=200):
    return render(
        request,
        "privacy/schedules/template_form.html",
        {
            "customer": customer,
            "form": form,
            "template": template,
            "cq": customer_query(request),
            **grid_context(week),
            "presets": preset_buttons(),
            "days": day_choices(),
            "conflict": conflict,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@ocean_guard
def template_edit(request, pk: int | None = None):
    customer = current_customer(request)
    template = get_object_or_404(ScheduleTemplate, pk=pk, customer=customer) if pk is not None else None
    week = (
        WeeklySchedule.from_json_days(template.week)
        if template
        else WeeklySchedule.preset_evenings_weekends()
    )
    initial = {"name": template.name if template else "", "cells": week_to_cells(week),
               "base_version": template_version(template)}
    form = TemplateForm(request.POST or None, customer=customer, instance=template, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = template_save(actor=request.user, customer=customer, template=template, name=data["name"],
                                     week=data["cells"], base_version=data["base_version"])
        except EditConflict as conflict:
            form, week, info = template_conflict(request, customer, template, data, conflict)
            return _template_page(request, customer, form, template, week, conflict=info, status=409)
        messages.success(request, _("Template “%(name)s” saved.") % {"name": template.name})
        return redirect(reverse("privacy:templates") + customer_query(request))
    if form.is_bound and "cells" in getattr(form, "cleaned_data", {}):
        week = form.cleaned_data["cells"]
    return _template_page(request, customer, form, template, week)


@require_POST
@role_required(Role.MANAGER)
@ocean_guard
def template_delete(request, pk: int):
    customer = current_customer(request)
    template = get_object_or_404(ScheduleTemplate, pk=pk, customer=customer)
    audit_record(
        actor=request.user,
        action="template.delete",
        customer=customer,
        target=template.name,
        before=template.week,
        upstream_result="local only",
    )
    template.delete()
    messages.success(request, _("Template deleted. Drivers keep the hours it gave them."))
    return redirect(reverse("privacy:templates") + customer_query(request))


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
@ocean_guard
def template_apply(request):
    """Apply a template to the drivers selected on the list, or to every visible driver of an entity."""
    customer = current_customer(request)
    source = request.POST if request.method == "POST" else request.GET
    try:
        fleet = fleet_get(customer)
        drivers = selected_drivers(request, customer, source.getlist("drivers"))
        visible = fleet_drivers_visible(request.user, customer)
    except OceanError as exc:
        messages.error(request, ocean_error_message(exc))
        return redirect(reverse("privacy:drivers") + customer_query(request))
    entities = {
        d.entity_id: fleet.entities.get(d.entity_id, str(d.entity_id)) for d in visible if d.entity_id
    }
    form = ApplyForm(
        request.POST or None,
        customer=customer,
        entities=entities,
        tz_name=customer.time_zone,
        initial={"template": source.get("template")},
    )
    if request.method == "POST" and form.is_valid():
        entity = form.cleaned_data.get("entity")
        targets = drivers or [d for d in visible if entity is not None and d.entity_id == entity]
        if not targets:
            form.add_error("entity", _("Select drivers on the drivers list, or choose an entity."))
        elif not drivers and request.POST.get("confirm") != "yes":
            # A whole entity: show who gets which week before anything is sent.
            week = WeeklySchedule.from_json_days(form.cleaned_data["template"].week)
            return render(request, "privacy/schedules/template_apply_confirm.html", {
                "customer": customer, "form": form, "cq": customer_query(request),
                "template": form.cleaned_data["template"], "week_summary": week_summary(week),
                "changes": apply_preview(customer, week, targets),
                "entity_name": entities.get(form.cleaned_data.get("entity"), "")})
        else:
            application = bulk_apply_template(
                actor=request.user,
                customer=customer,
                template=form.cleaned_data["template"],
                drivers=targets,
                valid_from=form.cleaned_data["valid_from_utc"],
            )
            return redirect(reverse("privacy:application", args=[application.pk]) + customer_query(request))
    return render(
        request,
        "privacy/schedules/template_apply.html",
        {
            "customer": customer,
            "form": form,
            "drivers": drivers,
            "cq": customer_query(request),
            "has_templates": ScheduleTemplate.objects.filter(customer=customer).exists(),
        },
    )


def _application_context(request, application) -> dict:
    return {
        "application": application,
        "progress": bulk_progress(application),
        "cq": customer_query(request),
        "items": application.items.all(),
        "failed": ItemStatus.FAILED,
    }


@require_GET
@role_required(Role.MANAGER)
@ocean_guard
def application(request, pk: int):
    customer = current_customer(request)
    app = get_object_or_404(BulkApplication, pk=pk, customer=customer)
    require_drivers_change(request.user, bulk_drivers(app))
    return render(
        request,
        "privacy/schedules/application.html",
        {"customer": customer, **_application_context(request, app)},
    )


@require_GET
@role_required(Role.MANAGER)
@ocean_guard
def application_progress(request, pk: int):
    """The progress block, polled by htmx; 286 stops the polling once every driver is finished."""
    customer = current_customer(request)
    app = get_object_or_404(BulkApplication, pk=pk, customer=customer)
    require_drivers_change(request.user, bulk_drivers(app))
    context = _application_context(request, app)
    response = render(request, "privacy/partials/_application_progress.html", context)
    if context["progress"]["done"]:
        stop = HttpResponseStopPolling(response.content)
        return stop
    return response


@require_POST
@role_required(Role.MANAGER)
@ocean_guard
def application_retry(request, pk: int):
    customer = current_customer(request)
    app = get_object_or_404(BulkApplication, pk=pk, customer=customer)
    require_drivers_change(request.user, bulk_drivers(app))
    count = bulk_retry_failed(app, actor=request.user)
    if count:
        messages.info(request, ngettext("%(n)d driver queued again.", "%(n)d drivers queued again.", count)
                      % {"n": count})
    return redirect(reverse("privacy:application", args=[pk]) + customer_query(request))
