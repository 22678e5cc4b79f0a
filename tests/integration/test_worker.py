"""A real `celery worker` process consumes tasks: on the embedded broker and on Redis."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache

from tests.conftest import require_server

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
pytestmark = pytest.mark.integration


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [CELERY, "-A", "ocean_portal", "worker", "--pool", "solo", "--loglevel", "INFO", "--without-heartbeat",
         "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


def wait_for(read, timeout: float = 40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := read()) is not None:
            return value
        time.sleep(0.25)
    return None


def test_a_worker_consumes_a_task_on_the_embedded_broker(tmp_path):
    """No server at all: kombu's filesystem transport and the file cache under VAR_DIR."""
    var = tmp_path / "var"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "VAR_DIR": str(var), "READ_DOT_ENV_FILE": "False",
           "DJANGO_SETTINGS_MODULE": "ocean_portal.settings"}
    token = uuid.uuid4().hex
    worker = start_worker(env)
    try:
        send = ("import django; django.setup(); from privacy.tasks import ping; "
                f"ping.delay({token!r})")
        subprocess.run([sys.executable, "-c", send], cwd=ROOT, env=env, check=True, timeout=60)
        cache = FileBasedCache(str(var / "cache"), {"KEY_PREFIX": "portal"})
        got = wait_for(lambda: cache.get(f"worker:ping:{token}"))
    finally:
        log = stop(worker)
    assert got == "pong", log[-3000:]


def test_a_worker_consumes_a_task_on_redis(settings_redis_worker_env):
    from django.core.cache import cache

    from privacy.tasks import ping

    token = uuid.uuid4().hex
    worker = start_worker(settings_redis_worker_env)
    try:
        ping.delay(token)
        got = wait_for(lambda: cache.get(f"worker:ping:{token}"))
    finally:
        log = stop(worker)
    assert got == "pong", log[-3000:]


@pytest.fixture
def settings_redis_worker_env():
    if not settings.REDIS_URL:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true requires REDIS_URL so the Redis broker is tested")
        pytest.skip("REDIS_URL is not set: the Redis broker test runs in CI")
    require_server(settings.REDIS_URL, "Redis")
    return dict(os.environ)
