"""The real `manage.py ocean` process (stdout / stderr / exit codes) and secret hygiene."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ocean_sim.testing import SimServer
from privacy.services.ocean import ocean_clients_reset

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Sup3r-Secr3t-Passw0rd-cli"


def manage(tmp_path, base_url: str, *args: str, **extra_env: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "VAR_DIR": str(tmp_path / "var"),
        "READ_DOT_ENV_FILE": "False",
        "DJANGO_SETTINGS_MODULE": "ocean_portal.settings",
        "OCEAN_BASE_URL": base_url,
        "OCEAN_LOGIN": "demo",
        "OCEAN_PASSWORD": "demo",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "ocean", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_real_process_prints_json_on_stdout_and_exits_0(sim, tmp_path):
    done = manage(tmp_path, sim.base_url, "ping")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True
    assert done.stderr == ""
    again = manage(tmp_path, sim.base_url, "schedule", "show", "--driver", "7001")
    assert again.returncode == 0 and json.loads(again.stdout)["driver"] == 7001
    assert sim.stats()["logins"] == 1  # the second process reused the token from the shared file cache


@pytest.mark.parametrize(
    "args",
    [
        ["schedule", "show"],  # --driver missing
        ["nonsense"],
        [],
        ["steps", "--vehicle", "abc", "--date", "2026-01-01"],
    ],
)
def test_usage_errors_exit_1_with_a_message_on_stderr_only(sim, tmp_path, args):
    done = manage(tmp_path, sim.base_url, *args)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "usage:" in done.stderr and "error:" in done.stderr
    assert sim.stats()["total"] == 0


def test_a_refused_input_exits_1_and_sends_nothing(sim, tmp_path):
    week = tmp_path / "week.json"
    week.write_text('{"LUNDI": [["00:00", "08:00"]]}')
    done = manage(
        tmp_path,
        sim.base_url,
        "schedule",
        "set",
        "--driver",
        "7001",
        "--file",
        str(week),
        "--from",
        "2020-01-06T08:00",
    )
    assert done.returncode == 1 and done.stdout == ""
    assert "2020-01-06T08:00:00+01:00" in done.stderr and "Traceback" not in done.stderr
    assert sim.stats()["total"] == 0


def test_help_exits_0(sim, tmp_path):
    done = manage(tmp_path, sim.base_url, "schedule", "set", "--help")
    assert done.returncode == 0 and "--file" in done.stdout
    top = manage(tmp_path, sim.base_url, "--help")
    assert top.returncode == 0 and "JSON" in top.stdout and "report" in top.stdout


# -- secrets ------------------------------------------------------------------------------------
@pytest.fixture
def secret_sim(settings):
    with SimServer(password=SECRET) as server:
        settings.OCEAN_BASE_URL = server.base_url
        settings.OCEAN_LOGIN, settings.OCEAN_PASSWORD = "demo", SECRET
        settings.OCEAN_MAX_RETRIES = 1
        ocean_clients_reset()
        yield server
    ocean_clients_reset()


def test_the_password_and_token_never_appear_in_output_or_logs(secret_sim, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    out, err = StringIO(), StringIO()
    for args in (["ping"], ["vehicles"], ["schedule", "show", "--driver", "7001"]):
        call_command("ocean", *args, "--verbosity", "3", stdout=out, stderr=err)
    secret_sim.set_faults(expire_tokens=True)  # the next call gets a 401, logs in again and replays
    call_command("ocean", "drivers", "--verbosity", "3", stdout=out, stderr=err)
    secret_sim.set_faults(error_rate=1.0)
    with pytest.raises(CommandError) as failed:
        call_command("ocean", "vehicles", "--verbosity", "3", stdout=out, stderr=err)
    tokens = list(secret_sim.state._tokens)
    assert tokens and secret_sim.stats()["logins"] == 2
    text = out.getvalue() + err.getvalue() + caplog.text + str(failed.value)
    for secret in (SECRET, *tokens):
        assert secret not in text


def test_a_refused_login_in_a_real_process_shows_neither_password_nor_traceback(secret_sim, tmp_path):
    done = manage(tmp_path, secret_sim.base_url, "ping", "--verbosity", "3", OCEAN_PASSWORD=SECRET + "x")
    assert done.returncode == 1 and done.stdout == ""
    assert "OCEAN_PASSWORD" in done.stderr and "Traceback" not in done.stderr
    assert SECRET not in done.stderr
    traced = manage(tmp_path, secret_sim.base_url, "ping", "--traceback", OCEAN_PASSWORD=SECRET + "x")
    assert traced.returncode != 0 and SECRET not in traced.stderr + traced.stdout
