"""« Mes données » for drivers: download everything about me, who opened my trips, what my employer sees."""
from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from privacy import access
from privacy.models import Role
from privacy.rights.forms import ExportForm
from privacy.rights.services.access_log import access_lines
from privacy.rights.services.employer_view import employer_view
from privacy.rights.services.files import json_bytes, zip_bytes
from privacy.rights.services.mydata import collect, record_download
from privacy.services.fleet import fleet_driver_or_404
from privacy.services.ocean import OceanError, ocean_error_message
from privacy.steps.forms import StepRangeForm
from privacy.steps.services.fetch import local_today
from privacy.views.common import ocean_guard


def _me(request):
    customer = access.current_customer(request)
    return customer, fleet_driver_or_404(request.user, customer, request.user.ocean_individu_id or -1)


@require_GET
@access.role_required(Role.DRIVER, allow_admin=False)
@ocean_guard
def my_data(request):
    customer = access.current_customer(request)
    today = local_today(customer)
    lines, complete = access_lines(customer, request.user)
    return render(request, "privacy/rights/my_data.html", {
        "customer": customer, "form": ExportForm(today=today), "access": lines, "access_complete": complete,
    })


@require_GET
@access.role_required(Role.DRIVER, allow_admin=False)
@ocean_guard
def my_data_download(request):
    customer = access.current_customer(request)
    form = ExportForm(request.GET, today=local_today(customer))
    if not form.is_valid():
        lines, complete = access_lines(customer, request.user)
        return render(request, "privacy/rights/my_data.html", {
            "customer": customer, "form": form, "access": lines, "access_complete": complete}, status=400)
    customer, driver = _me(request)
    lines, _complete = access_lines(customer, request.user)
    data = collect(viewer=request.user, customer=customer, driver=driver, first=form.cleaned_data["first"],
                   last=form.cleaned_data["last"], access_lines=[line.as_dict() for line in lines])
    fmt = form.cleaned_data["format"]
    record_download(viewer=request.user, customer=customer, data=data, fmt=fmt)
    body, kind, ext = (json_bytes(data), "application/json", "json") if fmt == "json" else (
        zip_bytes(data), "application/zip", "zip")
    response = HttpResponse(body, content_type=kind)
    name = slugify(f"mes-donnees-{driver.ocean_id}-{data.first}-{data.last}")
    response["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
    return response


@require_GET
@access.role_required(Role.DRIVER, allow_admin=False)
@ocean_guard
def my_employer_view(request):
    customer, driver = _me(request)
    form = StepRangeForm(request.GET or None, today=local_today(customer))
    first, last, span = form.bounds()
    view, error = None, ""
    try:
        view = employer_view(customer=customer, driver=driver, first=first, last=last)
    except OceanError as exc:
        error = ocean_error_message(exc)
    day = form.cleaned_data["day"] if form.is_valid() else form.today
    step = timedelta(days=7 if span == "week" else 1)
    return render(request, "privacy/rights/employer_view.html", {
        "customer": customer, "form": form, "view": view, "page": view.page if view else None,
        "ocean_error": error, "first": first, "last": last, "span": span, "prev_day": day - step,
        "next_day": day + step if day + step <= form.today else None, "mode": "preview", "layout": "driver",
    })
