"""A preset applied to one day without JavaScript (the browser journey covers grid.js doing the same)."""
from __future__ import annotations

from privacy.schedules.forms import week_to_cells
from privacy.week import WeeklySchedule
from tests.schedules.conftest import grid_post, writes


def test_a_preset_on_one_day_without_javascript_changes_only_that_day_and_sends_nothing(sim, login, manager):
    painted = WeeklySchedule({"LUNDI": [(720, 840)]})
    response = login(manager).post(
        "/drivers/7006/", grid_post(painted, action="preset:evenings", preset_day="MARDI")
    )
    expected = painted.with_day("MARDI", [(0, 480), (1080, 1440)])
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{week_to_cells(expected)}"' in html
    assert "mardi : + 18:00–24:00" in html and "mercredi" not in html.split("diff-lines")[1].split("</ul>")[0]
    assert writes(sim) == {}


def test_an_unknown_day_applies_the_preset_to_the_whole_week(sim, login, manager):
    response = login(manager).post(
        "/drivers/7006/", grid_post(WeeklySchedule(), action="preset:evenings", preset_day="NOPE")
    )
    assert f'value="{week_to_cells(WeeklySchedule.preset_evenings_weekends())}"' in response.content.decode()
