"""Suggested private hours (issue 19 #8): from professional trips and totals only, a starting grid with evidence."""
from __future__ import annotations

import re

import pytest

from privacy.services.fleet import fleet_get
from privacy.steps.services.fetch import local_today
from privacy.steps.services.suggest import suggest_private_hours
from privacy.week import END_OF_DAY
from tests.schedules.conftest import writes

from .conftest import find_row

pytestmark = pytest.mark.django_db


def suggest(customer, manager):
    return suggest_private_hours(viewer=manager, customer=customer, driver=fleet_get(customer).drivers[7001],
                                 today=local_today(customer))


def test_weekdays_get_a_working_window_from_pro_trips_and_weekends_stay_private(sim, manager, customer):
    s = suggest(customer, manager)
    assert s.used_trips > 0 and s.left_out > 0, "the simulator's private and mixed trips are left out"
    assert s.week.day("SAMEDI")[0].start == 0 and s.week.day("SAMEDI")[0].end == END_OF_DAY
    monday = next(d for d in s.days if d.day == "LUNDI")
    assert monday.active_days >= 2 and monday.first_start is not None
    work_start, work_end = monday.private[0][1], monday.private[-1][0]
    assert work_start <= monday.first_start - 30 and work_end >= monday.last_end + 30
    assert not s.week.is_private("LUNDI", monday.first_start), "the typical first pro trip is not made private"


def test_a_trip_declared_private_stops_counting_even_its_times(
        sim, eager, driver, manager, customer, login, django_capture_on_commit_callbacks):
    before = suggest(customer, manager)
    row = find_row(customer, driver, kind="pro", days=range(1, 6))
    with django_capture_on_commit_callbacks(execute=True):
        login(driver).post(f"/trips/{row.vehicle_id}/{row.step_id}/declare/",
                           {"day": row.day.isoformat(), "private": "true"})
    after = suggest(customer, manager)
    assert (after.used_trips, after.left_out) == (before.used_trips - 1, before.left_out + 1)


def test_the_page_offers_the_grid_as_a_starting_point_and_saves_nothing(sim, manager, login):
    client = login(manager)
    html = client.get("/drivers/7001/suggested-hours/").content.decode()
    assert "Ouvrir dans la grille comme point de départ" in html and "Premier départ tôt" in html
    cells = re.search(r'name="cells" value="([01]+)"', html).group(1)
    assert len(cells) == 672
    response = client.post("/drivers/7001/", {"cells": cells, "valid_from": "", "valid_until": "",
                                              "action": "preview"})
    assert response.status_code == 200 and writes(sim) == {}


def test_only_managers_in_scope_get_suggestions(sim, driver, hr, scoped_manager, login):
    assert login(driver).get("/drivers/7001/suggested-hours/").status_code == 403
    assert login(hr).get("/drivers/7001/suggested-hours/").status_code == 403
    assert login(scoped_manager).get("/drivers/7001/suggested-hours/").status_code == 404
