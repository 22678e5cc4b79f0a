"""`ocean schedule show | set | delete` against the simulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management.base import CommandError

from privacy.models import AuditEntry
from privacy.services.ocean import ocean_client
from privacy.week import WeeklySchedule

from .conftest import write_week

DEFAULT_WEEKDAY = [["00:00", "08:00"], ["18:00", "23:59"]]
NEW_WEEK = {
    "LUNDI": [["00:00", "07:30"], ["12:00", "13:30"], ["19:00", "23:59"]],
    "SAMEDI": [["00:00", "23:59"]],
}


def active_week(driver: int, at: datetime | None = None) -> dict:
    entries = ocean_client().recurring_get(driver_id=driver)
    return WeeklySchedule.from_entries(entries, at=at or datetime.now(UTC)).to_json_days()


def later():
    """A few minutes on: a week set "now" starts at the next whole minute plus a margin (D5)."""
    return time_machine.travel(datetime.now(UTC) + timedelta(minutes=3))


def test_show_prints_the_active_week_with_api_day_names_and_slot_ids(ocean, sim):
    sim.reset_stats()
    result = ocean("schedule", "show", "--driver", 7001).json
    assert result["driver"] == 7001
    assert result["active"]["LUNDI"] == DEFAULT_WEEKDAY
    assert result["active"]["DIMANCHE"] == [["00:00", "23:59"]]
    version = sim.state.store.versions(7001)[0]
    assert {s["id"] for s in result["slots"]} == {slot_id for slot_id, _h, _s in version.slots}
    monday = sorted((s["start"], s["end"]) for s in result["slots"] if s["day"] == "LUNDI")
    assert monday == [("00:00", "08:00"), ("18:00", "23:59")]
    assert all(s["valid_until"] is None and s["valid_from"].endswith(("+01:00", "+02:00")) for s in result["slots"])
    assert "history" not in result
    stats = sim.stats()
    assert stats["by_endpoint"] == {
        "POST auth/authenticate2": 1,
        "GET vieprivee/v1/horairesViePriveeRecurrentesIndividu": 1,
    }


def test_set_sends_the_week_reads_it_back_and_prints_the_confirmed_week(ocean, sim, tmp_path, customer):
    result = ocean("schedule", "set", "--driver", 7002, "--file", write_week(tmp_path, NEW_WEEK)).json
    expected = {
        **dict.fromkeys(["LUNDI", "MARDI", "MERCREDI", "JEUDI", "VENDREDI", "SAMEDI", "DIMANCHE"], []),
        **NEW_WEEK,
    }
    assert result["week"] == expected
    start = datetime.fromisoformat(result["valid_from"])
    assert start.second == 0 and timedelta(minutes=1) < start - datetime.now(UTC) <= timedelta(minutes=2)
    assert active_week(7002) != expected  # the current week stays until the start…
    assert active_week(7002, at=start) == expected  # …then the simulator serves the new one
    assert result["valid_until"] is None
    entry = AuditEntry.objects.get(action="schedule.set", phase="outcome")
    assert entry.driver_id == 7002 and entry.customer == customer and entry.target == "manage.py ocean"
    assert entry.before["LUNDI"] == DEFAULT_WEEKDAY and entry.after["week"] == expected


def test_set_with_a_future_start_keeps_the_current_week_and_shows_the_upcoming_one(ocean, sim, tmp_path):
    start = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT00:00")
    until = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%dT00:00")
    result = ocean(
        "schedule",
        "set",
        "--driver",
        7003,
        "--file",
        write_week(tmp_path, NEW_WEEK),
        "--from",
        start,
        "--until",
        until,
    ).json
    assert result["valid_from"].startswith(start)  # local time, printed with the customer's offset
    assert result["valid_until"].startswith(until)
    shown = ocean("schedule", "show", "--driver", 7003, "--history").json
    assert shown["active"]["LUNDI"] == DEFAULT_WEEKDAY
    assert [v["week"]["LUNDI"] for v in shown["upcoming"]] == [NEW_WEEK["LUNDI"]]
    # Ocean closes the running version where the new one starts (ocean_sim/README.md).
    assert [v["status"] for v in shown["history"]] == ["active", "upcoming"]
    assert shown["history"][0]["valid_until"] == shown["history"][1]["valid_from"] == result["valid_from"]


def test_history_lists_the_closed_version_after_a_change(ocean, sim, tmp_path):
    ocean("schedule", "set", "--driver", 7004, "--file", write_week(tmp_path, NEW_WEEK))
    with later():
        shown = ocean("schedule", "show", "--driver", 7004, "--history").json
    statuses = [v["status"] for v in shown["history"]]
    assert statuses == ["closed", "active"]
    assert shown["history"][0]["week"]["LUNDI"] == DEFAULT_WEEKDAY
    assert shown["history"][0]["valid_until"] == shown["history"][1]["valid_from"]


def test_a_start_in_the_past_is_refused_locally_and_nothing_is_sent(ocean, sim, tmp_path):
    path = write_week(tmp_path, NEW_WEEK)
    sim.reset_stats()
    with pytest.raises(CommandError, match="in the past"):
        ocean("schedule", "set", "--driver", 7001, "--file", path, "--from", "2020-01-06T08:00")
    assert sim.stats()["total"] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ({"LUNDI": [["08:00", "07:00"]]}, "must be after the start"),
        ({"MONDAY": [["08:00", "09:00"]]}, "Unknown day"),
        ({"LUNDI": [["8h", "09:00"]]}, "HH:MM"),
        ([["08:00", "09:00"]], "not valid"),
    ],
)
def test_a_bad_week_file_is_refused_with_a_clear_message_and_nothing_is_sent(ocean, sim, tmp_path, content, message):
    path = write_week(tmp_path, content)
    sim.reset_stats()
    with pytest.raises(CommandError, match=message):
        ocean("schedule", "set", "--driver", 7001, "--file", path)
    assert sim.stats()["total"] == 0
    assert active_week(7001)["LUNDI"] == DEFAULT_WEEKDAY


def test_a_missing_week_file_is_named_in_the_error(ocean, sim, tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*nowhere.json"):
        ocean("schedule", "set", "--driver", 7001, "--file", str(tmp_path / "nowhere.json"))
    assert sim.stats()["total"] == 0


def test_until_before_from_is_refused(ocean, sim, tmp_path):
    start = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT00:00")
    until = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT00:00")
    with pytest.raises(CommandError, match="--until must be after --from"):
        ocean(
            "schedule",
            "set",
            "--driver",
            7001,
            "--file",
            write_week(tmp_path, NEW_WEEK),
            "--from",
            start,
            "--until",
            until,
        )
    assert sim.stats()["total"] == 0


def test_an_empty_week_closes_the_schedule(ocean, sim, tmp_path):
    result = ocean("schedule", "set", "--driver", 7005, "--file", write_week(tmp_path, {})).json
    assert all(slots == [] for slots in result["week"].values())
    with later():
        assert ocean("schedule", "show", "--driver", 7005).json["slots"] == []


def test_delete_removes_one_slot_and_prints_the_remaining_week(ocean, sim):
    shown = ocean("schedule", "show", "--driver", 7001).json
    evening = next(s for s in shown["slots"] if s["day"] == "MARDI" and s["start"] == "18:00")
    result = ocean("schedule", "delete", "--driver", 7001, "--slot", evening["id"]).json
    assert result["deleted"]["id"] == evening["id"]
    assert result["active"]["MARDI"] == [["00:00", "08:00"]]
    assert result["active"]["LUNDI"] == DEFAULT_WEEKDAY
    assert active_week(7001)["MARDI"] == [["00:00", "08:00"]]
    assert evening["id"] not in {s["id"] for s in result["slots"]}


def test_deleting_an_unknown_slot_sends_no_delete(ocean, sim):
    sim.reset_stats()
    with pytest.raises(CommandError, match="Slot 999 is not in driver 7001"):
        ocean("schedule", "delete", "--driver", 7001, "--slot", 999)
    assert "DELETE vieprivee/v1/horairesViePriveeRecurrentesIndividu" not in sim.stats()["by_endpoint"]


def test_an_unknown_driver_has_nothing_defined_and_cannot_be_set(ocean, sim, tmp_path):
    # 404 on the recurring GET reads as "nothing defined" (D4): Ocean answers it for an unknown driver too.
    shown = ocean("schedule", "show", "--driver", 999999).json
    assert shown["slots"] == [] and all(days == [] for days in shown["active"].values())
    with pytest.raises(CommandError, match=r"Ocean refused the request \(HTTP 400\)"):
        ocean("schedule", "set", "--driver", 999999, "--file", write_week(tmp_path, NEW_WEEK))
