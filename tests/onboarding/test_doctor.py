"""`manage.py ocean doctor`: the setup checks as JSON, exit code 1 when something is wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def doctor(*args) -> tuple[dict, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("ocean", "doctor", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return json.loads(out.getvalue()), str(exc)
    return json.loads(out.getvalue()), ""


def test_all_good_prints_json_and_exits_zero(sim, customer, worker_up, beat_up):
    report, error = doctor()
    assert error == ""
    assert report["ok"] is True
    checks = {c["key"]: c for c in report["checks"]}
    assert checks["ocean.login"]["data"]["password_expiration_days"] == 87
    assert checks["customer.1110000000.customer_id"]["data"]["drivers"] == 20
    assert {c["status"] for c in report["checks"]} <= {"ok", "unverified"}


def test_something_wrong_still_prints_every_check_and_fails(sim, customer, worker_down, beat_up):
    sim.set_faults(error_rate=1.0)
    report, error = doctor("--worker-timeout", "0.1")
    assert report["ok"] is False
    assert "ocean.login" in error and "worker" in error
    assert report["counts"]["error"] >= 2


def test_the_real_command_exits_1_and_never_prints_the_password(sim, customer, tmp_path):
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path),
        "OCEAN_BASE_URL": sim.base_url,
        "OCEAN_LOGIN": "demo",
        "OCEAN_PASSWORD": "not-the-password-42",
        "SETUP_WORKER_TIMEOUT": "0.1",
        "CI": "",
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "ocean", "doctor"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is False
    login = next(c for c in report["checks"] if c["key"] == "ocean.login")
    assert login["status"] == "error" and "OCEAN_PASSWORD" in login["detail"]
    assert "not-the-password-42" not in done.stdout + done.stderr
