"""Edit conflicts on the schedule pages: what changed in between, and the person's change re-applied
on top of it (never saved without their confirmation; ``privacy.services.concurrency``)."""
from __future__ import annotations

from django.urls import reverse

from privacy.schedules.forms import week_to_cells
from privacy.schedules.services.weekly import schedule_from_version
from privacy.schedules.views.common import customer_query
from privacy.services.concurrency import EditConflict
from privacy.week_text import describe_diff


def grid_conflict(request, driver, mine, conflict: EditConflict):
    """(form data, current schedule, merged week, what to tell) after someone else saved the grid."""
    current = schedule_from_version(conflict.current)
    base = schedule_from_version(conflict.base)
    theirs, base_week = current.current, base.current if base else None
    merged = theirs.apply_diff(base_week.diff(mine)) if base_week is not None else mine
    data = request.POST.copy()
    data.update({"cells": week_to_cells(merged), "base_version": conflict.version, "action": "preview"})
    info = {
        "theirs": describe_diff(base_week, theirs) if base_week is not None else [],
        "mine": describe_diff(base_week, mine) if base_week is not None else describe_diff(theirs, mine),
        "cancel": reverse("privacy:driver_schedule", args=[driver.ocean_id]) + customer_query(request),
    }
    return data, current, merged, info


def template_conflict(request, customer, template, data: dict, conflict: EditConflict):
    """(form, week to show, what to tell) after someone saved the template meanwhile: the person's name and
    grid changes re-applied on top of the newer version."""
    from privacy.schedules.forms import TemplateForm
    from privacy.week import WeeklySchedule

    current, base = conflict.current, conflict.base
    theirs = WeeklySchedule.from_json_days(current["week"])
    base_week = WeeklySchedule.from_json_days(base["week"]) if base else None
    mine = data["cells"]
    merged = theirs.apply_diff(base_week.diff(mine)) if base_week is not None else mine
    name = data["name"] if base is None or data["name"] != base["name"] else current["name"]
    form = TemplateForm({"name": name, "cells": week_to_cells(merged), "base_version": conflict.version},
                        customer=customer, instance=template)
    form.is_valid()
    renamed = [f"{base['name']} → {current['name']}"] if base and base["name"] != current["name"] else []
    info = {
        "theirs": renamed + (describe_diff(base_week, theirs) if base_week is not None else []),
        "mine": describe_diff(base_week if base_week is not None else theirs, mine),
        "cancel": reverse("privacy:template_edit", args=[template.pk]) + customer_query(request),
    }
    return form, merged, info


def period_conflict(request, customer, driver, data: dict, conflict: EditConflict):
    """(form, what to tell) after someone changed the period meanwhile: the person's changed fields on top
    of the newer period, unsaved."""
    from privacy.schedules.forms import PeriodForm
    from privacy.schedules.services.periods import period_from_json
    from privacy.services.concurrency import changed_fields, reapply

    tz = customer.tz
    current = PeriodForm.initial_for(period_from_json(conflict.current), tz)
    base = PeriodForm.initial_for(period_from_json(conflict.base), tz) if conflict.base else None
    mine = {key: data.get(key) for key in current}
    merged = reapply(base, mine, current)
    form = PeriodForm(tz_name=customer.time_zone, initial={**merged, "base_version": conflict.version})
    labels = {key: form.fields[key].label for key in current}

    def lines(before: dict | None, after: dict) -> list[str]:
        before = before or {}
        return [f"{labels[k]}: {before.get(k) or '—'} → {after.get(k) or '—'}" for k in changed_fields(before, after)]

    info = {
        "theirs": lines(base, current) if base else [],
        "mine": lines(base or current, mine),
        "cancel": reverse("privacy:driver_period_edit", args=[driver.ocean_id, conflict.current["id"]])
        + customer_query(request),
    }
    return form, info
