"""Two people (or two tabs) editing the same thing: the second save never silently erases the first
(issue 14 #7). Each form carries the version it was based on; saving over a newer one shows what changed
in between and the person's change re-applied on top, and saves nothing until they confirm."""
from __future__ import annotations

import re

import pytest

from privacy.schedules.forms import week_to_cells
from privacy.week import WeeklySchedule
from tests.schedules.conftest import DEFAULT_WEEK, grid_post, sim_week, writes

pytestmark = pytest.mark.django_db


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"', html)
    assert found, f"the form carries {name}"
    return found.group(1) or found.group(2)


def test_two_tabs_on_one_grid_the_second_save_shows_the_first_and_keeps_both(sim, login, manager):
    tab1, tab2 = login(manager), login(manager)
    version1 = _hidden(tab1.get("/drivers/7001/").content.decode(), "base_version")
    version2 = _hidden(tab2.get("/drivers/7001/").content.decode(), "base_version")
    assert version1 == version2
    lunch = DEFAULT_WEEK.add_lunch_break()  # tab 1: a lunch break every day
    assert tab1.post("/drivers/7001/", grid_post(lunch, action="save", base_version=version1)).status_code == 302
    assert sim_week(sim, 7001) == lunch

    wednesday_off = DEFAULT_WEEK.with_day("MERCREDI", [(0, 24 * 60)])  # tab 2, from the old week
    sim.reset_stats()
    response = tab2.post("/drivers/7001/", grid_post(wednesday_off, action="save", base_version=version2))
    assert response.status_code == 409
    assert writes(sim) == {}, "nothing written over the newer version"
    assert sim_week(sim, 7001) == lunch
    html = response.content.decode()
    assert "Changed in between" in html or "Modifié entre-temps" in html
    assert "12:00" in html, "the first tab's lunch break is described"
    merged = lunch.with_day("MERCREDI", [(0, 24 * 60)])
    assert f'value="{week_to_cells(merged)}"' in html, "tab 2's change is re-applied on top of tab 1's"

    confirm = tab2.post("/drivers/7001/", grid_post(merged, action="save",
                                                     base_version=_hidden(html, "base_version")))
    assert confirm.status_code == 302
    assert sim_week(sim, 7001) == merged, "both changes are kept"


def test_a_save_based_on_the_current_version_goes_through(sim, login, manager):
    client = login(manager)
    version = _hidden(client.get("/drivers/7001/").content.decode(), "base_version")
    week = WeeklySchedule.preset_evenings_weekends()
    assert client.post("/drivers/7001/", grid_post(week, action="save", base_version=version)).status_code == 302
    assert sim_week(sim, 7001) == week
