"""Smoke test of the embedded default: runs the README's `make run` and uses the portal like a person.

No DATABASE_URL / REDIS_URL: SQLite, file cache, filesystem broker and the simulator, all in a fresh
VAR_DIR. Checks: /healthz is 200, the French login page, a demo manager can log in and land on the
fleet page, a Celery worker consumes a task, and every process stops on Ctrl-C.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
results: list[tuple[str, bool, str]] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(name: str, ok: bool, detail: str = "") -> None:
    results.append((name, ok, detail))
    print(f"smoke: {'ok  ' if ok else 'FAIL'} {name} {detail}", flush=True)


def wait_http(url: str, timeout: float, process: subprocess.Popen) -> requests.Response | None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline and process.poll() is None:
        try:
            last = requests.get(url, timeout=5)
            if last.status_code == 200:
                return last
        except requests.RequestException:
            pass
        time.sleep(1)
    return last


def main() -> int:
    var = Path(tempfile.mkdtemp(prefix="portal-smoke-"))
    port, sim_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(VAR_DIR=str(var), PORT=str(port), SIM_PORT=str(sim_port), READ_DOT_ENV_FILE="False",
               OCEAN_BASE_URL=f"http://127.0.0.1:{sim_port}/ocean/restapi")
    log = open(var / "run.log", "w")  # noqa: SIM115 - kept open for the child's lifetime
    run = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                           start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        health = wait_http(f"{base}/healthz", timeout=180, process=run)
        check("healthz answers 200", health is not None and health.status_code == 200,
              health.text[:300] if health is not None else "no answer")
        if run.poll() is not None:
            check("make run keeps running", False, f"exited with {run.returncode}")
            return finish(var, run)
        session = requests.Session()
        page = session.get(f"{base}/accounts/login/", timeout=10)
        check("login page in French", page.status_code == 200 and "Connexion" in page.text)
        output = (var / "run.log").read_text()
        match = re.search(r"manager\s+(\S+)\s+(\S+)", output)
        check("demo accounts printed", match is not None)
        if match:
            token = session.cookies.get("csrftoken", "")
            landed = session.post(f"{base}/accounts/login/", data={"username": match[1], "password": match[2],
                                  "csrfmiddlewaretoken": token}, headers={"Referer": f"{base}/accounts/login/"},
                                  timeout=10)
            # The manager lands on the drivers list, filled from the simulator's fleet (matricules M0001…).
            check("demo manager logs in and sees the drivers",
                  landed.status_code == 200 and "Conducteurs" in landed.text and "M0001" in landed.text,
                  f"status {landed.status_code} at {landed.url}")
        ping_token = uuid.uuid4().hex
        send = f"import django; django.setup(); from privacy.tasks import ping; ping.delay({ping_token!r})"
        subprocess.run([str(ROOT / ".venv/bin/python"), "-c", send], cwd=ROOT, env={
            **env, "DJANGO_SETTINGS_MODULE": "ocean_portal.settings"}, check=True, timeout=60)
        from django.core.cache.backends.filebased import FileBasedCache

        cache = FileBasedCache(str(var / "cache"), {"KEY_PREFIX": "portal"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and cache.get(f"worker:ping:{ping_token}") is None:
            time.sleep(0.5)
        check("worker consumes a task", cache.get(f"worker:ping:{ping_token}") == "pong")
    finally:
        os.killpg(run.pid, signal.SIGINT)
        try:
            run.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        log.close()
    return finish(var, run)


def finish(var: Path, run: subprocess.Popen) -> int:
    check("every process stopped", run.poll() is not None)
    failed = [r for r in results if not r[1]]
    if failed:
        print((var / "run.log").read_text()[-5000:])
    print(f"smoke: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
