"""The weekly grid end-to-end through the simulator: save, read back, diff, validation, failures, audit."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from privacy.models import AuditEntry
from privacy.schedules.forms import week_to_cells
from privacy.week import WeeklySchedule
from privacy.week_text import summary as week_summary
from tests.schedules.conftest import DEFAULT_WEEK, grid_post, sim_week, writes

PARIS = ZoneInfo("Europe/Paris")


def local_input(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def test_saving_a_painted_grid_puts_exactly_that_week_in_the_simulator(sim, login, manager, lunch_week):
    response = login(manager).post("/drivers/7001/", grid_post(lunch_week, action="save"))
    assert response.status_code == 302
    assert sim_week(sim, 7001) == lunch_week
    page = login(manager).get(response["Location"]).content.decode()
    assert f'value="{week_to_cells(lunch_week)}"' in page  # the confirmed grid is what is shown
    assert writes(sim) == {"POST vieprivee/v1/horairesViePriveeRecurrentesIndividu": 1}


def test_a_saved_grid_is_audited_with_before_after_and_the_upstream_result(sim, login, manager, lunch_week):
    login(manager).post("/drivers/7001/", grid_post(lunch_week, action="save"))
    entry = AuditEntry.objects.get(action="schedule.set", driver_id=7001, phase="outcome")
    assert entry.intent.phase == "intent" and entry.intent.at <= entry.at and entry.outcome == "applied"
    assert entry.actor == manager
    assert entry.before == DEFAULT_WEEK.to_json_days()
    assert entry.after["week"] == lunch_week.to_json_days()
    assert entry.upstream_result == "confirmed (post)"


def test_the_previous_version_is_listed_as_closed(sim, login, manager, lunch_week):
    login(manager).post("/drivers/7001/", grid_post(lunch_week, action="save"))
    page = login(manager).get("/drivers/7001/").content.decode()
    assert page.count('class="badge badge-ok"') == 1  # one current version
    assert week_summary(DEFAULT_WEEK) in page and week_summary(lunch_week) in page


def test_the_preview_shows_a_readable_diff_in_french(sim, login, manager):
    week = DEFAULT_WEEK.with_day("MARDI", DEFAULT_WEEK.day("MARDI") + ((12 * 60, 13 * 60 + 30),))
    response = login(manager).post("/drivers/7001/preview/", grid_post(week), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "mardi : + 12:00–13:30" in html
    assert "lundi" not in html.split("diff-lines")[1].split("</ul>")[0]
    assert writes(sim) == {}


def test_the_preview_of_a_removal_uses_a_minus_line(sim, login, manager):
    week = DEFAULT_WEEK.with_day("SAMEDI", [])
    html = login(manager).post("/drivers/7001/preview/", grid_post(week)).content.decode()
    assert "samedi : − 00:00–24:00" in html


def test_the_no_javascript_preview_renders_the_page_with_the_diff_and_sends_nothing(sim, login, manager, lunch_week):
    response = login(manager).post("/drivers/7001/", grid_post(lunch_week, action="preview"))
    assert response.status_code == 200
    assert "lundi : + 12:00–13:30" in response.content.decode()
    assert writes(sim) == {}
    assert sim_week(sim, 7001) == DEFAULT_WEEK


def test_a_preset_without_javascript_repaints_the_grid_and_sends_nothing(sim, login, manager):
    response = login(manager).post("/drivers/7001/", grid_post(WeeklySchedule(), action="preset:lunch"))
    assert f'value="{week_to_cells(WeeklySchedule().add_lunch_break())}"' in response.content.decode()
    assert writes(sim) == {}


def test_copying_a_day_without_javascript(sim, login, manager):
    source = WeeklySchedule({"LUNDI": [(6 * 60, 7 * 60)]})
    data = grid_post(source, action="copy", copy_from="LUNDI")
    data["copy_to"] = ["MARDI", "JEUDI"]
    html = login(manager).post("/drivers/7001/", data).content.decode()
    expected = WeeklySchedule({d: [(6 * 60, 7 * 60)] for d in ("LUNDI", "MARDI", "JEUDI")})
    assert f'value="{week_to_cells(expected)}"' in html


def test_a_start_in_the_past_is_refused_next_to_the_field_and_nothing_is_sent(sim, login, manager, lunch_week):
    past = local_input(datetime.now(UTC) - timedelta(days=1))
    response = login(manager).post("/drivers/7001/", grid_post(lunch_week, action="save", valid_from=past))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_valid_from_error"' in html
    assert writes(sim) == {}
    assert f'value="{week_to_cells(lunch_week)}"' in html  # the painted grid is kept


def test_an_end_before_the_start_is_refused_and_nothing_is_sent(sim, login, manager, lunch_week):
    start = datetime.now(UTC) + timedelta(days=3)
    data = grid_post(lunch_week, action="save", valid_from=local_input(start),
                     valid_until=local_input(start - timedelta(days=1)))
    html = login(manager).post("/drivers/7001/", data).content.decode()
    assert 'id="id_valid_until_error"' in html
    assert writes(sim) == {}


def test_a_garbled_grid_is_refused_without_a_500(sim, login, manager):
    response = login(manager).post("/drivers/7001/", {"cells": "12" * 10, "action": "save"})
    assert response.status_code == 200
    assert writes(sim) == {}


def test_a_future_start_plans_a_new_version_and_keeps_the_current_week(sim, login, manager, lunch_week):
    start = (datetime.now(UTC) + timedelta(days=10)).replace(second=0, microsecond=0)
    response = login(manager).post("/drivers/7001/", grid_post(lunch_week, action="save",
                                                                valid_from=local_input(start)))
    assert response.status_code == 302
    assert sim_week(sim, 7001) == DEFAULT_WEEK
    assert sim_week(sim, 7001, at=start + timedelta(minutes=1)) == lunch_week
    assert "planned" in login(manager).get("/drivers/7001/", headers={"Accept-Language": "en"}).content.decode()


def test_an_upstream_failure_keeps_the_painted_grid_and_says_so_in_french(sim, login, manager, lunch_week):
    login(manager).get("/drivers/7001/")  # the page was loaded (fleet cached) before Ocean broke
    sim.set_faults(error_rate=1.0)
    response = login(manager).post("/drivers/7001/", grid_post(lunch_week, action="save"))
    sim.clear_faults()
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{week_to_cells(lunch_week)}"' in html
    assert "Océan" in html and "réessayez" in html
    assert sim_week(sim, 7001) == DEFAULT_WEEK
    assert not AuditEntry.objects.filter(upstream_result__startswith="confirmed").exists()


def test_saving_now_starts_at_the_next_whole_minute_plus_a_margin(sim, login, manager, lunch_week):
    """A strict Ocean refuses a start already past when the request lands (D5): "now" is sent as the
    next whole minute plus one minute, and the current week stays in force until then."""
    now = datetime.now(UTC).replace(second=37, microsecond=0)
    with time_machine.travel(now, tick=False):
        client = login(manager)
        response = client.post("/drivers/7001/", grid_post(lunch_week, action="save"))
        assert response.status_code == 302
        assert sim_week(sim, 7001, at=now) == DEFAULT_WEEK
        page = client.get(response["Location"]).content.decode()
    starts = {v.debut_ms for v in sim.state.store.versions(7001)}
    expected = now.replace(second=0) + timedelta(minutes=2)
    assert f"s’applique à partir du {expected.astimezone(PARIS):%d/%m/%Y %H:%M}" in page  # the page says when
    assert int(expected.timestamp() * 1000) in starts
    assert sim_week(sim, 7001, at=expected) == lunch_week
    assert sim_week(sim, 7001, at=expected - timedelta(seconds=1)) == DEFAULT_WEEK


def test_a_failed_write_is_audited_and_can_be_retried(sim, login, manager, lunch_week):
    login(manager).get("/drivers/7001/")
    sim.set_faults(error_rate=1.0)
    login(manager).post("/drivers/7001/", grid_post(lunch_week, action="save"))
    sim.clear_faults()
    retry = login(manager).post("/drivers/7001/", grid_post(lunch_week, action="save"))
    assert retry.status_code == 302
    assert sim_week(sim, 7001) == lunch_week


def test_clearing_every_private_hour_uses_the_delete_endpoint(sim, login, manager):
    response = login(manager).post("/drivers/7001/", grid_post(WeeklySchedule(), action="save"))
    assert response.status_code == 302
    assert sim_week(sim, 7001) == WeeklySchedule()
    sent = writes(sim)
    assert "DELETE vieprivee/v1/horairesViePriveeRecurrentesIndividu" in sent
    assert "POST vieprivee/v1/horairesViePriveeRecurrentesIndividu" not in sent
    assert AuditEntry.objects.get(action="schedule.delete", phase="outcome").upstream_result == "confirmed (delete)"


def test_saving_the_same_week_again_sends_no_write(sim, login, manager):
    response = login(manager).post("/drivers/7001/", grid_post(DEFAULT_WEEK, action="save"))
    assert response.status_code == 302
    assert writes(sim) == {}
    assert not AuditEntry.objects.exists()


def test_the_driver_page_makes_one_upstream_read_when_the_fleet_is_cached(sim, login, manager):
    client = login(manager)
    client.get("/drivers/")  # fleet cached
    sim.reset_stats()
    client.get("/drivers/7001/")
    assert sim.stats()["by_endpoint"] == {"GET vieprivee/v1/horairesViePriveeRecurrentesIndividu": 1}
    sim.reset_stats()
    client.get("/drivers/7001/")
    assert sim.stats()["total"] == 0


def test_the_preview_still_shows_the_diff_while_a_date_is_being_fixed(sim, login, manager, lunch_week):
    past = local_input(datetime.now(UTC) - timedelta(days=2))
    html = login(manager).post("/drivers/7001/preview/", grid_post(lunch_week, valid_from=past)).content.decode()
    assert "lundi : + 12:00–13:30" in html
    assert writes(sim) == {}


def test_saving_the_grid_the_page_showed_unchanged_sends_no_request_at_all(sim, login, manager, lunch_week):
    client = login(manager)
    client.get("/drivers/7001/")  # the page shows (and caches) the current week
    sim.reset_stats()
    response = client.post("/drivers/7001/", grid_post(DEFAULT_WEEK, action="save"))
    assert response.status_code == 302 and sim.stats()["total"] == 0
    assert not AuditEntry.objects.exists()
    sim.reset_stats()
    client.post("/drivers/7001/", grid_post(lunch_week, action="save"))  # a change: read, write, read back
    assert sim.stats()["total"] == 3 and sim_week(sim, 7001) == lunch_week
