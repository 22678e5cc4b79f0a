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
