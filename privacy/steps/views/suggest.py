"""Suggested private hours for a driver (managers): a starting grid with its evidence, never saved by itself."""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from privacy import access
from privacy.models import Role
from privacy.services.fleet import fleet_driver_or_404
from privacy.services.ocean import OceanError, ocean_error_message
from privacy.steps.services.fetch import local_today
from privacy.steps.services.suggest import cells, suggest_private_hours
from privacy.views.common import ocean_guard
from privacy.week import hhmm
from privacy.week_text import day_name, summary


@require_GET
@access.role_required(Role.MANAGER)
@ocean_guard
def suggested_hours(request, driver_id: int):
    customer = access.current_customer(request)
    driver = fleet_driver_or_404(request.user, customer, driver_id)
    access.require_driver_change(request.user, driver)
    context = {"customer": customer, "driver": driver, "suggestion": None, "error": ""}
    try:
        suggestion = suggest_private_hours(viewer=request.user, customer=customer, driver=driver,
                                           today=local_today(customer))
    except OceanError as exc:
        context["error"] = ocean_error_message(exc)
        return render(request, "privacy/steps/suggested_hours.html", context)
    context.update({
        "suggestion": suggestion, "cells": cells(suggestion.week), "summary": summary(suggestion.week),
        "days": [{"name": day_name(d.day), "e": d, "first": hhmm(d.first_start) if d.first_start is not None else "",
                  "last": hhmm(d.last_end) if d.last_end is not None else "",
                  "private": ", ".join(f"{hhmm(a)}–{hhmm(b)}" for a, b in d.private)} for d in suggestion.days],
    })
    return render(request, "privacy/steps/suggested_hours.html", context)
