"""Kill chaos, short (issue 15): 20 SIGKILLs of Celery pool processes, the worker, gunicorn workers and
the simulator during grid saves, periods, declarations, template runs and report refreshes, on
PostgreSQL + Redis; afterwards nothing is lost, doubled, unaudited or left unfinished.

It runs ``bench/chaos.py --kills 20`` as a separate process (the run starts its own gunicorn, worker,
beat and simulator against its own database, ``<DATABASE_URL name>_killchaos`` unless
CHAOS_DATABASE_URL is set, and Redis db CHAOS_REDIS_DB, default 9). The long run: bench/results_chaos.md.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_postgres_and_redis

ROOT = Path(__file__).resolve().parents[2]
KILLS = 20
pytestmark = pytest.mark.integration


@pytest.fixture
def servers():
    require_postgres_and_redis("kill chaos")


def test_twenty_kills_lose_nothing_double_nothing_and_leave_nothing_unfinished(servers):
    command = [sys.executable, str(ROOT / "bench" / "chaos.py"), "--kills", str(KILLS), "--seed", "15",
               "--window", "60", "--web-port", os.environ.get("CHAOS_WEB_PORT", "8620"),
               "--sim-port", os.environ.get("CHAOS_SIM_PORT", "8621")]
    if os.environ.get("CHAOS_DATABASE_URL"):
        command += ["--database-url", os.environ["CHAOS_DATABASE_URL"]]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert last == f"kills: {KILLS} lost: 0 doubled: 0 unaudited: 0 not-final: 0", output
    assert done.returncode == 0, output
