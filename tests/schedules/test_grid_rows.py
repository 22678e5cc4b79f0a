"""The grid's rows are built once per week content and language (privacy/schedules/views/common.py), and the
page still shows each week's own cells in the viewer's language."""
from __future__ import annotations

import re

from django.utils import translation

from privacy.schedules.views.common import grid_rows
from privacy.week import WeeklySchedule
from tests.schedules.conftest import DEFAULT_WEEK, grid_post


def _on(rows) -> set[tuple[str, int]]:
    return {(row["code"], i) for row in rows for i, c in enumerate(row["cells"]) if c["on"]}


def test_equal_weeks_share_their_rows_and_another_week_gets_its_own():
    first, again = WeeklySchedule.preset_evenings_weekends(), WeeklySchedule.preset_evenings_weekends()
    lunch = DEFAULT_WEEK.add_lunch_break()
    assert grid_rows(first) is grid_rows(again)  # built once
    assert grid_rows(lunch) is not grid_rows(first) and grid_rows(lunch).key != grid_rows(first).key
    assert _on(grid_rows(first)) == set(first.to_cells())
    assert _on(grid_rows(lunch)) == set(lunch.to_cells())


def test_the_rows_speak_the_language_they_were_asked_in():
    week = WeeklySchedule.preset_evenings_weekends()
    with translation.override("fr"):
        french = grid_rows(week)
    with translation.override("en"):
        english = grid_rows(week)
    assert french[1]["cells"][49]["label"] == "mardi 12:15"
    assert english[1]["cells"][49]["label"] == "Tuesday 12:15"
    assert french.key != english.key


def test_the_page_shows_the_week_it_was_given_after_another_one(sim, login, manager):
    client = login(manager)
    lunch = DEFAULT_WEEK.add_lunch_break()
    before = client.get("/drivers/7001/").content.decode()
    preview = client.post("/drivers/7001/", grid_post(lunch, action="preview")).content.decode()
    again = client.get("/drivers/7001/").content.decode()

    def painted(html: str) -> set[str]:
        return set(re.findall(r'class="q on[^"]*" aria-selected="true" aria-label="([^"]+)"', html))

    assert painted(preview) - painted(before) == {f"{d} {t}" for d in ("lundi", "mardi", "mercredi", "jeudi",
                                                                       "vendredi")
                                                  for t in ("12:00", "12:15", "12:30", "12:45", "13:00", "13:15")}
    assert painted(again) == painted(before)
