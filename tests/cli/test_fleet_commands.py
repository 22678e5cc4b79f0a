"""`ocean ping | drivers | vehicles | steps | declare | report` against the simulator."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management.base import CommandError

from ocean_sim.dates import local_date
from privacy.models import AuditEntry
from privacy.services.ocean import ocean_client


def sim_steps(sim, vehicle_id: int, days, driver_idx=None) -> set[int]:
    fleet, now = sim.state.fleet, sim.state.now()
    vehicle = fleet.vehicle_by_id[vehicle_id]
    return {
        s.id for d in days for s in fleet.steps(vehicle, d, now) if driver_idx is None or s.driver_idx == driver_idx
    }


def recent_weekday():
    day = local_date(datetime.now(UTC)) - timedelta(days=2)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def test_ping_logs_in_and_prints_the_account_state(ocean, sim):
    result = ocean("ping").json
    assert result == {
        "ok": True,
        "base_url": sim.base_url,
        "customer_id": 1110000000,
        "password_expiration_days": 87,
    }
    assert sim.stats()["logins"] == 1


def test_drivers_lists_plain_records_without_the_deleted_one_unless_asked(ocean, sim):
    drivers = ocean("drivers").json["drivers"]
    assert len(drivers) == 20 and drivers[0]["id"] == 7001 and drivers[0]["matricule"] == "M0001"
    assert "raw" not in drivers[0] and drivers[0]["entity_id"] == 121
    everyone = ocean("drivers", "--include-deleted").json["drivers"]
    assert [d["id"] for d in everyone if d["deleted"]] == [7021]


def test_vehicles_lists_numero_embarque_and_privacy_flag(ocean, sim):
    vehicles = ocean("vehicles").json["vehicles"]
    assert [v["id"] for v in vehicles] == list(range(5001, 5026))
    expected = {v.id: v.numero_embarque for v in sim.state.fleet.vehicles}
    assert {v["id"]: v["numero_embarque"] for v in vehicles} == expected
    assert [v["id"] for v in vehicles if not v["privacy_enabled"]] == [5020, 5025]


def test_steps_of_a_vehicle_on_a_date_are_the_two_fichejour_days_it_straddles(ocean, sim):
    day = recent_weekday()
    sim.reset_stats()
    result = ocean("steps", "--vehicle", 5001, "--date", day.isoformat()).json
    assert {s["id"] for s in result["steps"]} == sim_steps(sim, 5001, [day]) != set()
    # A Paris day straddles two UTC days: if Ocean cuts its days in UTC, its first hour is in the
    # previous Ocean day (D14). The trips of that day that belong to it are left out.
    assert sim.stats()["by_endpoint"] == {"GET mobility/v1/ficheJour": 2, "POST auth/authenticate2": 1}
    first = result["steps"][0]
    assert first["start"]["when"].startswith(day.isoformat())
    assert first["start"]["when"][-6:] in ("+01:00", "+02:00") and first["distance_m"] > 0


def test_steps_of_a_driver_follow_the_assignment_history_across_a_vehicle_change(ocean, sim):
    change_day = local_date(sim.state.fleet.change_at)
    days = [change_day + timedelta(days=n) for n in range(-3, 2)]
    result = ocean("steps", "--driver", 7001, "--from", days[0].isoformat(), "--to", days[-1].isoformat()).json
    assert result["driver"] == {"id": 7001, "matricule": "M0001", "name": result["driver"]["name"]}
    expected = sim_steps(sim, 5021, days[:3], driver_idx=0) | sim_steps(sim, 5001, days[3:], driver_idx=0)
    assert {s["id"] for s in result["steps"]} == expected != set()
    assert all(s["start"]["driver_matricule"] == "M0001" for s in result["steps"])
    starts = [s["start"]["when"] for s in result["steps"]]
    assert starts == sorted(starts)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vehicle", "5001"], "Give --date"),
        (["--vehicle", "5001", "--date", "2026-01-01", "--from", "2026-01-01"], "not both"),
        (["--vehicle", "5001", "--date", "01/02/2026"], "YYYY-MM-DD"),
        (["--driver", "7001", "--from", "2026-03-01", "--to", "2026-02-01"], "must not be before"),
        (["--driver", "7001", "--from", "2026-01-01", "--to", "2026-06-01"], "limited to 62 days"),
        (["--vehicle", "5001", "--driver", "7001", "--date", "2026-01-01"], "not allowed with argument"),
    ],
)
def test_bad_step_arguments_are_refused_before_any_request(ocean, sim, args, message):
    with pytest.raises(CommandError, match=message):
        ocean("steps", *args)
    assert sim.stats()["total"] == 0


def test_declare_sends_the_vehicles_numero_embarque_and_records_an_audit_entry(ocean, sim, customer):
    day = recent_weekday()
    step_id = min(sim_steps(sim, 5002, [day]))
    result = ocean("declare", "--vehicle", 5002, "--step", step_id, "--private").json
    numero = sim.state.fleet.vehicle_by_id[5002].numero_embarque
    assert result == {
        "ok": True,
        "vehicle": 5002,
        "plate": result["plate"],
        "numero_embarque": numero,
        "step": step_id,
        "declared": "private",
    }
    assert sim.state.store.declarations()[(numero, step_id)] is True
    ocean("declare", "--vehicle", 5002, "--step", step_id, "--pro")
    assert sim.state.store.declarations()[(numero, step_id)] is False
    assert AuditEntry.objects.filter(action="step.declare", customer=customer, phase="outcome").count() == 2


def test_declare_uses_the_customer_rows_operator_code(ocean, sim, customer):
    customer.code_exploitant = "9999999999"
    customer.save()
    step_id = min(sim_steps(sim, 5002, [recent_weekday()]))
    with pytest.raises(CommandError, match="unknown codeExploitant"):
        ocean("declare", "--vehicle", 5002, "--step", step_id, "--private")


def test_declare_an_unknown_vehicle_sends_no_declaration(ocean, sim):
    with pytest.raises(CommandError, match="Unknown vehicle 4242"):
        ocean("declare", "--vehicle", 4242, "--step", 1, "--pro")
    assert "POST vieprivee/v1/etapeViePriveePosteriori" not in sim.stats()["by_endpoint"]


@pytest.mark.parametrize("flags", [[], ["--private", "--pro"]])
def test_declare_needs_exactly_one_of_private_or_pro(ocean, sim, flags):
    with pytest.raises(CommandError):
        ocean("declare", "--vehicle", 5002, "--step", 1, *flags)
    assert sim.stats()["total"] == 0


def test_report_matches_the_analysis_tree_per_driver_and_in_total(ocean, sim):
    day = recent_weekday()
    first = day - timedelta(days=6)
    result = ocean("report", "--from", first.isoformat(), "--to", day.isoformat()).json
    assert result["mode"] == "BY_DRIVER_WITH_HORAIRE_SYNTHESIS" and result["axis"] == "driver"
    assert result["period_start"] == f"{first.isoformat()}T00:00:00{result['period_start'][-6:]}"
    # The same analysis read directly: the root and each leaf of the tree.
    raw = json.loads(
        ocean_client().preformatted_privacy(
            start=datetime.fromisoformat(result["period_start"]),
            end=datetime.fromisoformat(result["period_end"]),
            render_mode="BY_DRIVER_WITH_HORAIRE_SYNTHESIS",
        )
    )
    tree = raw[0]["synthesisTreeByDriver"]

    def distance(node):
        return node["entityTotalCumul"]["total"]["distanceInMeterByPeriodMap"]

    assert result["totals"]["distance_m"]["private"] == distance(tree)["VIE_PRIVEE"] > 0
    assert result["totals"]["distance_m"]["pro"] == distance(tree)["VIE_PRO"]
    leaves = {
        int(leaf_id): (int(entity_id), leaf)
        for entity_id, entity in tree["nodes"].items()
        for leaf_id, leaf in entity["nodes"].items()
    }
    assert {r["id"] for r in result["drivers"]} == set(leaves)
    for row in result["drivers"]:
        entity_id, leaf = leaves[row["id"]]
        assert row["entity"]["id"] == entity_id and row["name"] == leaf["entity"]["nom"]
        assert row["distance_m"]["private"] == distance(leaf)["VIE_PRIVEE"]
        assert row["distance_m"]["total"] == sum(distance(leaf).values())


def test_report_by_vehicle_for_chosen_drivers(ocean, sim):
    day = recent_weekday()
    result = ocean(
        "report",
        "--from",
        (day - timedelta(days=6)).isoformat(),
        "--to",
        day.isoformat(),
        "--mode",
        "BY_VEHICLE_WITHOUT_HORAIRE_SYNTHESIS",
        "--driver",
        7001,
        "--driver",
        7002,
    ).json
    assert result["axis"] == "vehicle" and result["drivers_filter"] == [7001, 7002]
    assert {r["id"] for r in result["vehicles"]} == {5001, 5002}
    assert result["totals"]["distance_m"]["private"] == 0  # without schedules only declarations are private


def test_report_refuses_an_unknown_render_mode(ocean, sim):
    with pytest.raises(CommandError, match="invalid choice"):
        ocean("report", "--from", "2026-01-01", "--to", "2026-01-02", "--mode", "BY_MOOD")
    assert sim.stats()["total"] == 0


def test_an_unavailable_ocean_gives_a_clear_message(ocean, sim):
    sim.set_faults(error_rate=1.0)
    with pytest.raises(CommandError, match="Ocean is unavailable; try again later"):
        ocean("vehicles")


def test_wrong_credentials_give_a_login_message(ocean, sim, settings):
    settings.OCEAN_PASSWORD = "not-the-password"
    with pytest.raises(CommandError, match="check OCEAN_LOGIN and OCEAN_PASSWORD") as caught:
        ocean("ping")
    assert "not-the-password" not in str(caught.value)
