"""`ocean doctor` against a real `celery worker` process (embedded broker: no server needed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_worker import start_worker, stop

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def test_the_doctor_sees_a_running_worker_and_not_a_stopped_one(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "VAR_DIR": str(tmp_path / "var"),
        "READ_DOT_ENV_FILE": "False",
        "DJANGO_SETTINGS_MODULE": "ocean_portal.settings",
        "OCEAN_BASE_URL": "http://127.0.0.1:9/ocean/restapi",
        "OCEAN_MAX_RETRIES": "0",
    }

    def doctor(timeout: str) -> dict:
        done = subprocess.run(
            [sys.executable, "manage.py", "ocean", "doctor", "--worker-timeout", timeout],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 1  # Ocean is unreachable on purpose
        return {c["key"]: c for c in json.loads(done.stdout)["checks"]}

    assert doctor("0.5")["worker"]["status"] == "error"
    worker = start_worker(env)
    try:
        # generous: the worker process needs a few seconds to start consuming
        check = doctor("45")["worker"]
    finally:
        log = stop(worker)
    assert check["status"] == "ok", log[-2000:]
