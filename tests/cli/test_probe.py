"""`ocean probe`: against the default simulator every answer matches the configuration (exit 0); against
each behaviour variant the probe names what Ocean does, and the setting to change when there is one (exit 3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.schedules.conftest import DEFAULT_WEEK, sim_periods, sim_week

from .conftest import write_week

# Variants an explicit setting covers: the probe exits 3 and names it.
SETTING_OF = {
    "d1_keys": "OCEAN_ANALYSIS_PERIOD_KEYS=PRIVE:private,PROFESSIONNEL:pro",
    "d1_tree": "OCEAN_ANALYSIS_TREE=root-leaf",
    "d2": "OCEAN_PRIVACY_FALSE_MEANS=cancel",
    "d3": "OCEAN_FICHEJOUR_TZ=UTC",
    "d6": "OCEAN_PERIOD_DAY_CUT=UTC",
    "d11": "OCEAN_ZONE_TOKEN=Z",
}
# Variants the portal handles whichever way Ocean answers: the probe says which, and exits 0.
ANSWER_OF = {
    "d4": ("empty_schedule_read", "404"),
    "d5": ("start_now", "refused"),
    "d7": ("exceptional_post_path", "plural"),
    "d8": ("analysis_both_trees", "both"),
    "d9": ("stale_token_status", "403"),
    "d10": ("partial_recurring_post", "days not sent are kept"),
    "d12": ("fichejour_row_types", ["A", "T"]),
    "d13": ("error_body_on_read", "200 with an error body"),
    "d14": ("fichejour_day_cut", "UTC"),
}


def probe_exit(*args) -> tuple[int, dict, str]:
    """(exit code, JSON on stdout, stderr) of `ocean probe ARGS`."""
    out, err = StringIO(), StringIO()
    try:
        call_command("ocean", "probe", *map(str, args), stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue()), err.getvalue()


@pytest.fixture
def probe(ocean, sim, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return probe_exit


@pytest.fixture
def midday():
    """A fixed Monday afternoon, ticking, so the test does not depend on today's date. (The zone question
    compares a ficheJour trip with positions/search; it once picked another point at the same place on some
    days, e.g. 2026-11-25 and 2026-12-01: fixed in the probe, see tests/ocean/test_probe_zone.py.)"""
    with time_machine.travel(datetime(2026, 11, 30, 13, tzinfo=UTC), tick=True):
        yield


def test_against_the_default_simulator_everything_matches(midday, probe, sim, tmp_path):
    code, result, err = probe("--write-driver", 7001)
    assert code == 0, err
    questions = result["questions"]
    assert not [n for n, q in questions.items() if q["matches_config"] is False]
    for name in ("analysis_period_keys", "analysis_tree", "fichejour_zone", "zone_token", "period_day_cut",
                 "privacy_false", "exceptional_post_path", "stale_token_status", "write_driver_restored"):
        assert questions[name]["matches_config"] is True, (name, questions[name])
    assert questions["fichejour_zone"]["answer"] == "customer"
    assert questions["privacy_false"]["answer"] == "pro"
    assert questions["write_driver_restored"]["answer"] == "restored"
    # The test driver is as before: same week once the probe's versions apply, no probe period left.
    assert sim_week(sim, 7001, at=datetime.now(UTC) + timedelta(days=2)) == DEFAULT_WEEK
    assert [p for p in sim_periods(sim, 7001) if p[0] == "PROBE"] == []
    # Raw answers saved for support, without tokens or personal data.
    folder = Path(result["raw_answers"])
    assert folder.parent == tmp_path / "probe" and (folder / "answers.json").exists()
    saved = " ".join(p.read_text() for p in folder.iterdir())
    driver = sim.state.fleet.drivers[0]
    assert driver.nom not in saved and driver.matricule not in saved and "<removed>" in saved
    assert sim.state.fleet.vehicles[0].immat not in saved and '"token"' not in saved.replace('"<removed>"', "")


def test_the_write_questions_are_one_audited_write_recorded_before_the_first_change(probe, sim):
    from privacy.models import AuditEntry

    code, _result, err = probe("--write-driver", 7001)
    assert code == 0, err
    intent = AuditEntry.objects.get(action="probe.write", phase="intent")
    assert intent.driver_id == 7001
    outcome = intent.outcomes.get()
    assert (outcome.outcome, outcome.upstream_result) == ("applied", "restored")
    assert probe()[0] == 0 and AuditEntry.objects.filter(action="probe.write").count() == 2  # reads: no entry


def test_a_raw_write_without_an_open_intent_is_refused_before_it_leaves(ocean, sim):
    from privacy.services.audit import UnauditedWrite
    from privacy.services.ocean import ocean_client

    sim.reset_stats()
    with pytest.raises(UnauditedWrite):
        ocean_client().raw("POST", "vieprivee/v1/horairesViePriveeRecurrentesIndividu", params={"individuId": 7001})
    assert [e for e in sim.stats()["by_endpoint"] if e.startswith("POST")] == []


def test_read_only_by_default(probe, sim):
    sim.reset_stats()
    code, result, _err = probe()
    assert code == 0
    writes = [e for e in sim.stats()["by_endpoint"] if e.startswith(("DELETE", "POST vieprivee"))]
    assert writes == []
    assert "privacy_false" not in result["questions"]


@pytest.mark.parametrize("variant", sorted(SETTING_OF))
def test_each_variant_with_a_setting_exits_3_and_names_it(probe, sim, variant):
    sim.set_variants(variant)
    code, result, err = probe("--write-driver", 7001)
    assert code == 3
    assert SETTING_OF[variant] in err
    wrong = [q["setting"] for q in result["questions"].values() if q["matches_config"] is False]
    assert wrong == [SETTING_OF[variant]]


@pytest.mark.parametrize("variant", sorted(ANSWER_OF))
def test_each_variant_the_portal_handles_is_named_and_exits_0(probe, sim, variant):
    sim.set_variants(variant)
    code, result, err = probe("--write-driver", 7001)
    assert code == 0, err
    name, expected = ANSWER_OF[variant]
    assert result["questions"][name]["answer"] == expected


def test_the_probe_cannot_run_without_ocean(ocean, sim, settings):
    settings.OCEAN_PASSWORD = "wrong"
    from privacy.services.ocean import ocean_clients_reset

    ocean_clients_reset()
    with pytest.raises(CommandError, match="refused the login"):
        ocean("probe")


def test_a_stand_in_with_404_for_no_schedule_and_403_for_an_expired_token(ocean, sim, tmp_path):
    """`ocean schedule show` and `set` work against an Ocean that answers 404 for a driver with nothing
    defined and 403 for an expired token (D4, D9)."""
    sim.set_variants("d4", "d9")
    shown = ocean("schedule", "show", "--driver", 7006).json
    assert shown["slots"] == [] and all(day == [] for day in shown["active"].values())
    sim.set_faults(expire_tokens=True)
    week = {"LUNDI": [["00:00", "08:00"]], "SAMEDI": [["00:00", "23:59"]]}
    result = ocean("schedule", "set", "--driver", 7006, "--file", write_week(tmp_path, week)).json
    assert result["week"]["LUNDI"] == [["00:00", "08:00"]] and result["week"]["MARDI"] == []
    sim.set_faults(expire_tokens=True)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=3)):
        assert ocean("schedule", "show", "--driver", 7006).json["active"]["SAMEDI"] == [["00:00", "23:59"]]
    assert sim.stats()["by_status"].get("403", 0) >= 2 and sim.stats()["by_status"].get("404", 0) >= 1


def test_the_setup_page_offers_the_probe_and_shows_its_last_answers(probe, sim, login, admin_user):
    client = login(admin_user)
    page = client.get("/setup/").content.decode()
    assert "python manage.py ocean probe" in page and "Pas encore lancé." in page
    assert probe()[0] == 0
    assert "Chaque réponse correspond à la configuration." in client.get("/setup/").content.decode()
    sim.set_variants("d11")
    assert probe()[0] == 3
    page = client.get("/setup/").content.decode()
    assert "Réglages à changer" in page and "OCEAN_ZONE_TOKEN=Z" in page
