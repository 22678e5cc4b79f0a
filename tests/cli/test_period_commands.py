"""`ocean periods list | add | delete` against the simulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management.base import CommandError

from privacy.models import AuditEntry

pytestmark = pytest.mark.usefixtures("early_2027")  # fixed 2027 dates stay in the future


def future_day(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%d")


def test_add_takes_local_times_and_prints_the_stored_period_with_its_id(ocean, sim, customer):
    result = ocean(
        "periods",
        "add",
        "--driver",
        7001,
        "--label",
        "Noël",
        "--from",
        "2027-12-25T00:00",
        "--to",
        "2027-12-26T00:00",
    ).json
    period = result["period"]
    assert period["label"] == "Noël"
    assert period["start"] == "2027-12-25T00:00:00+01:00"  # customer-local midnight, with the offset
    assert period["end"] == "2027-12-26T00:00:00+01:00"
    stored = sim.state.store.exceptionals(7001)
    assert [(p.ext_id, p.description) for p in stored] == [(period["id"], "Noël")]
    assert stored[0].debut_ms == int(datetime(2027, 12, 24, 23, tzinfo=UTC).timestamp() * 1000)
    assert period["deletable"] is True
    outcomes = AuditEntry.objects.filter(action="period.add", driver_id=7001, customer=customer, phase="outcome")
    assert outcomes.count() == 1


def test_a_time_in_the_spring_gap_is_read_dst_safely(ocean, sim):
    # 02:30 does not exist on 2027-03-28 in Paris: read with the offset before the gap (= 03:30 CEST).
    period = ocean(
        "periods",
        "add",
        "--driver",
        7001,
        "--label",
        "Nuit",
        "--from",
        "2027-03-28T02:30",
        "--to",
        "2027-03-28T05:00",
    ).json["period"]
    assert period["start"] == "2027-03-28T03:30:00+02:00"
    assert period["end"] == "2027-03-28T05:00:00+02:00"


def test_an_explicit_offset_is_honoured(ocean, sim):
    period = ocean(
        "periods",
        "add",
        "--driver",
        7001,
        "--label",
        "UTC",
        "--from",
        "2027-07-01T10:00+00:00",
        "--to",
        "2027-07-01T12:00Z",
    ).json["period"]
    assert period["start"] == "2027-07-01T12:00:00+02:00"


def test_list_shows_the_periods_in_the_window_and_update_changes_one(ocean, sim):
    first = ocean(
        "periods",
        "add",
        "--driver",
        7002,
        "--label",
        "Congés",
        "--from",
        f"{future_day(20)}T08:00",
        "--to",
        f"{future_day(25)}T18:00",
    ).json["period"]
    listed = ocean("periods", "list", "--driver", 7002).json
    assert [p["id"] for p in listed["periods"]] == [first["id"]]
    assert listed["periods"][0]["days"][0]["start"] == "08:00"
    updated = ocean(
        "periods",
        "add",
        "--driver",
        7002,
        "--label",
        "Congés prolongés",
        "--from",
        f"{future_day(20)}T08:00",
        "--to",
        f"{future_day(27)}T18:00",
        "--update",
        first["id"],
    ).json
    assert updated["period"]["id"] == first["id"]
    assert [p.description for p in sim.state.store.exceptionals(7002)] == ["Congés prolongés"]
    window = ocean(
        "periods",
        "list",
        "--driver",
        7002,
        "--from",
        f"{future_day(30)}T00:00",
        "--to",
        f"{future_day(40)}T00:00",
    ).json
    assert window["periods"] == []


def test_delete_removes_the_period_by_the_id_shown_in_the_list(ocean, sim):
    added = ocean(
        "periods",
        "add",
        "--driver",
        7003,
        "--label",
        "Pont",
        "--from",
        f"{future_day(5)}T00:00",
        "--to",
        f"{future_day(6)}T00:00",
    ).json["period"]
    assert ocean("periods", "delete", "--period", added["id"]).json == {"deleted": added["id"]}
    assert sim.state.store.exceptionals(7003) == []
    assert ocean("periods", "list", "--driver", 7003).json["periods"] == []


def test_deleting_an_unknown_period_reports_ocean_refusal(ocean, sim):
    with pytest.raises(CommandError, match=r"HTTP 400.*unknown horaireExtensionIds 424242"):
        ocean("periods", "delete", "--period", 424242)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2020-05-01T00:00", "2020-05-02T00:00", "in the past"),
        ("2027-05-02T00:00", "2027-05-01T00:00", "--to must be after --from"),
        ("2027-05-02T00:00", "2027-05-02T00:00", "--to must be after --from"),
        ("tomorrow", "2027-05-02T00:00", "is not an ISO date and time"),
    ],
)
def test_bad_dates_are_refused_locally_and_nothing_is_sent(ocean, sim, start, end, message):
    sim.reset_stats()
    with pytest.raises(CommandError, match=message):
        ocean("periods", "add", "--driver", 7001, "--label", "X", "--from", start, "--to", end)
    assert sim.stats()["total"] == 0


def test_an_empty_label_is_refused(ocean, sim):
    with pytest.raises(CommandError, match="--label must not be empty"):
        ocean(
            "periods",
            "add",
            "--driver",
            7001,
            "--label",
            "  ",
            "--from",
            "2027-05-01T00:00",
            "--to",
            "2027-05-02T00:00",
        )
    assert sim.stats()["total"] == 0
