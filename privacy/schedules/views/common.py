"""Helpers shared by the private-hours views: the grid's cells, presets and admin's customer choice."""

from __future__ import annotations

from functools import lru_cache

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from privacy.access import current_customer, require_driver_change
from privacy.schedules.forms import week_to_cells
from privacy.services.fleet import fleet_driver_or_404, fleet_drivers_visible
from privacy.views.common import customer_query, ocean_guard, read_or_message  # noqa: F401 - the area's views import them from here
from privacy.week import CELLS_PER_DAY, DAYS, QUARTER, WeeklySchedule, hhmm
from privacy.week_text import day_name

PRESETS = {
    # key: (label msgid, mode, week) — "replace" paints the whole grid, "add" adds to what is painted.
    "evenings": (_("Evenings and weekend"), "replace", WeeklySchedule.preset_evenings_weekends),
    "lunch": (_("Lunch break (12:00–13:30)"), "add", lambda: WeeklySchedule().add_lunch_break()),
    "professional": (_("All professional"), "replace", WeeklySchedule.preset_all_professional),
}


def preset_buttons() -> list[dict]:
    return [
        {"key": key, "label": label, "mode": mode, "cells": week_to_cells(build())}
        for key, (label, mode, build) in PRESETS.items()
    ]


def apply_preset(week: WeeklySchedule, key: str, day: str | None = None) -> WeeklySchedule:
    """The week after a preset; with ``day``, only that day changes (like grid.js's "Apply to")."""
    _label, mode, build = PRESETS[key]
    preset = build()
    applied = preset if mode == "replace" else WeeklySchedule({d: week.day(d) + preset.day(d) for d in DAYS})
    if day in DAYS:
        return week.with_day(day, applied.day(day))
    return applied


def grid_content(rows: list[dict]) -> str:
    """What a grid's HTML depends on besides the language: each day's code and which of its cells are on."""
    return "|".join(row["code"] + ":" + "".join("1" if c["on"] else "0" for c in row["cells"]) for row in rows)


class GridRows(list):
    """A week's seven grid rows; ``key`` names what their HTML depends on (which cells are on, the language),
    so ``{% week_grid %}`` finds its rendered copy without walking the 672 cells again."""

    def __init__(self, rows: list[dict], key: str):
        super().__init__(rows)
        self.key = key


def grid_rows(week: WeeklySchedule) -> GridRows:
    """Seven rows of 96 quarter-hour cells with their accessible names ("mardi 12:15"). Built once per week
    content and language in each process: the 672 cells were ≈ 3 ms of every grid page (issue 16)."""
    return _grid_rows(week.to_cells(), get_language())


@lru_cache(maxsize=256)  # a few hundred distinct weeks; read-only rows, shared by the threads
def _grid_rows(on: frozenset[tuple[str, int]], language: str) -> GridRows:
    rows = []
    for day in DAYS:
        name = day_name(day)
        rows.append(
            {
                "code": day,
                "name": name,
                "cells": [
                    {
                        "n": DAYS.index(day) * CELLS_PER_DAY + i,
                        "on": (day, i) in on,
                        "label": f"{name} {hhmm(i * QUARTER)}",
                        "hour_start": i % 4 == 0,
                    }
                    for i in range(CELLS_PER_DAY)
                ],
            }
        )
    return GridRows(rows, f"{language}|{grid_content(rows)}")


def grid_context(week: WeeklySchedule) -> dict:
    """What ``_grid.html`` needs: the rows and the hour headers."""
    return {"rows": grid_rows(week), "hours": [f"{h:02d}" for h in range(24)], "cells": week_to_cells(week)}


def day_choices() -> list[tuple[str, str]]:
    return [(d, day_name(d)) for d in DAYS]


def selected_drivers(request, customer, ids: list[str]):
    """The drivers picked on the list; an id the manager may not see is a 404 (no probing)."""
    visible = {d.ocean_id: d for d in fleet_drivers_visible(request.user, customer)}
    chosen = []
    for raw in dict.fromkeys(ids):
        if not raw.isdigit() or int(raw) not in visible:
            raise Http404
        chosen.append(visible[int(raw)])
    return chosen


def managed_driver(request, driver_id: int):
    """(customer, driver) of a page changing one driver: 404 outside the user's drivers, 403 without the right
    (privacy.access)."""
    customer = current_customer(request)
    driver = fleet_driver_or_404(request.user, customer, driver_id)
    require_driver_change(request.user, driver)
    return customer, driver
