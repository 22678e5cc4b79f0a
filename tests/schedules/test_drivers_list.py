"""The drivers list: data from the cached fleet, no request per driver, lazy per-row summaries, filters."""
from __future__ import annotations

import re

from tests.schedules.conftest import DEFAULT_WEEK, grid_post

FLEET_CALLS = {"GET mobility/v1/entities", "GET vehicule_engin/vehicles", "POST individus/list"}


def endpoints(sim) -> dict:
    return {k: v for k, v in sim.stats()["by_endpoint"].items() if "authenticate" not in k}


def rows(html: str) -> list[str]:
    return re.findall(r'name="drivers" value="(\d+)"', html)


def test_the_list_makes_no_request_per_driver(sim, login, manager):
    html = login(manager).get("/drivers/").content.decode()
    assert set(endpoints(sim)) == FLEET_CALLS and set(endpoints(sim).values()) == {1}
    assert len(rows(html)) == 20  # 21 simulated drivers, one soft-deleted
    assert html.count('hx-trigger="revealed"') == 20  # summaries load lazily, one request per row shown
    sim.reset_stats()
    login(manager).get("/drivers/")
    assert sim.stats()["total"] == 0


def test_a_row_summary_costs_one_schedule_read_and_one_period_read_once(sim, login, manager):
    client = login(manager)
    client.get("/drivers/")
    sim.reset_stats()
    html = client.get("/drivers/7001/row/", headers={"HX-Request": "true"}).content.decode()
    assert "lun.–ven. 18:00–08:00, week-end" in html
    assert endpoints(sim) == {"GET vieprivee/v1/horairesViePriveeRecurrentesIndividu": 1,
                              "GET vieprivee/v1/horairesViePriveeExceptionnellesIndividu": 1}
    sim.reset_stats()
    listing = client.get("/drivers/").content.decode()
    assert sim.stats()["total"] == 0
    assert listing.count('hx-trigger="revealed"') == 19  # 7001 now rendered from the cache
    assert "lun.–ven. 18:00–08:00, week-end" in listing


def test_the_summary_follows_a_save_without_a_new_read(sim, login, manager):
    client = login(manager)
    client.get("/drivers/7001/row/")
    client.post("/drivers/7001/", grid_post(DEFAULT_WEEK.add_lunch_break(), action="save"))
    sim.reset_stats()
    listing = client.get("/drivers/").content.decode()
    assert "12:00–13:30 + 18:00–08:00" in listing
    assert "horairesViePriveeRecurrentesIndividu" not in str(endpoints(sim))


def test_the_next_exceptional_period_is_shown(sim, login, manager):
    client = login(manager)
    client.post("/drivers/7001/periods/", {"label": "Congés", "start_date": "2027-07-05", "end_date": "2027-07-09"})
    html = client.get("/drivers/7001/row/").content.decode()
    assert "Congés · 05/07/2027" in html


def test_search_filter_sort_and_pagination(sim, login, manager, monkeypatch):
    client = login(manager)
    assert rows(client.get("/drivers/?q=M0001").content.decode()) == ["7001"]
    paris = rows(client.get("/drivers/?entity=122").content.decode())
    assert "7002" in paris and "7001" not in paris
    by_matricule = rows(client.get("/drivers/?sort=matricule").content.decode())
    assert by_matricule == sorted(by_matricule)
    monkeypatch.setattr("privacy.schedules.views.drivers.PER_PAGE", 8)
    page3 = client.get("/drivers/?sort=matricule&page=3").content.decode()
    assert rows(page3) == [str(i) for i in range(7017, 7021)]
    assert "sort=matricule&amp;page=2" in page3


def test_the_refresh_action_reloads_the_fleet(sim, login, manager):
    client = login(manager)
    client.get("/drivers/")
    sim.reset_stats()
    assert client.post("/drivers/refresh/").status_code == 302
    assert set(endpoints(sim)) == FLEET_CALLS
    assert client.get("/drivers/refresh/").status_code == 405


def test_ocean_down_on_a_cold_list_is_a_clear_message_not_a_500(sim, login, manager):
    sim.set_faults(error_rate=1.0)
    response = login(manager).get("/drivers/")
    sim.clear_faults()
    assert response.status_code == 200
    assert "Océan est injoignable" in response.content.decode()
