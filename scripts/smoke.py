"""Smoke test of the README's two commands on a bare machine, used like a person would (CI runs it).

    python scripts/smoke.py [--fresh-venv] [--make-test]

A fresh ``git clone`` of the current commit in a temporary directory, run with an empty environment
(``env -i``: only PATH and HOME) whose PATH holds nothing but Python, make, sh and the four coreutils the
Makefile uses: no GNU gettext, no DATABASE_URL / REDIS_URL. The clone borrows this checkout's .venv
(``--fresh-venv``: creates and installs its own, which needs PyPI). Then ``make run PORT=p SIM_PORT=s``:

- /healthz is 200 on p; the login page is French (translations compiled without msgfmt);
- the banner prints p and s; the demo accounts are set up once the simulator answers (driver named);
- the demo manager logs in and sees the simulator's drivers (the portal talks to s with no OCEAN_BASE_URL);
- an invitation e-mail sent from the users page links to port p;
- a Celery worker consumes a task;
- ``manage.py ocean`` in a fresh VAR_DIR writes a change without an audit warning;
- the simulator killed is restarted while the portal keeps answering; Ctrl-C stops every process.

``--make-test`` also runs ``make test`` in the same clean clone (long).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
# What a bare machine has besides Python: make, a shell and the coreutils the Makefile calls.
TOOLS = ["make", "sh", "sha1sum", "cut", "rm", "touch"]
DEMO_PASSWORD = {"admin": "admin-demo-2026", "gestionnaire": "gestion-demo-2026"}
results: list[tuple[str, bool, str]] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def check(name: str, ok: bool, detail: str = "") -> bool:
    results.append((name, ok, detail))
    print(f"smoke: {'ok  ' if ok else 'FAIL'} {name} {detail}", flush=True)
    return ok


def bare_machine(tmp: Path, fresh_venv: bool) -> tuple[Path, dict[str, str]]:
    """A fresh clone of HEAD and an `env -i`-like environment whose PATH has no gettext."""
    clone = tmp / "clone"
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (an unpacked archive): copy it
        print("smoke: note: not a git checkout, testing a copy of the tree", flush=True)
        shutil.copytree(ROOT, clone, symlinks=True, ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "*.mo", "__pycache__", "staticfiles", ".pytest_cache", ".env"))
    else:
        if subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip():
            print("smoke: note: uncommitted changes are not part of the clone tested", flush=True)
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "checkout", "--quiet", "--detach", head.stdout.strip()], cwd=clone, check=True)
    if not fresh_venv:
        (clone / ".venv").symlink_to(ROOT / ".venv")
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    base_python = getattr(sys, "_base_executable", sys.executable)
    (bin_dir / "python3").symlink_to(os.path.realpath(base_python))
    for tool in TOOLS:
        (bin_dir / tool).symlink_to(shutil.which(tool))
    (tmp / "home").mkdir()
    env = {"PATH": str(bin_dir), "HOME": str(tmp / "home")}
    check("no gettext on the clean PATH", shutil.which("msgfmt", path=env["PATH"]) is None, env["PATH"])
    return clone, env


def wait_http(url: str, timeout: float, process: subprocess.Popen | None = None) -> requests.Response | None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline and (process is None or process.poll() is None):
        try:
            last = requests.get(url, timeout=5)
            if last.status_code == 200:
                return last
        except requests.RequestException:
            pass
        time.sleep(1)
    return last


def wait_log(log: Path, pattern: str, timeout: float) -> re.Match | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if match := re.search(pattern, log.read_text(errors="replace")):
            return match
        time.sleep(0.5)
    return None


def log_in(base: str, username: str) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=10)
    landed = session.post(f"{base}/accounts/login/", timeout=30, headers={"Referer": f"{base}/accounts/login/"},
                          data={"username": username, "password": DEMO_PASSWORD[username],
                                "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")})
    return session, landed


def python(clone: Path, env: dict[str, str], code: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(clone / ".venv/bin/python"), "-c", code], cwd=clone, capture_output=True, text=True,
                          env={**env, "DJANGO_SETTINGS_MODULE": "ocean_portal.settings", **extra}, timeout=120)


def use_the_portal(clone: Path, env: dict[str, str], log: Path, port: int, sim_port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    page = requests.get(f"{base}/accounts/login/", timeout=10)
    check("login page in French", page.status_code == 200 and "Connexion" in page.text)
    check("banner prints both ports", bool(wait_log(
        log, rf"Starting the portal on port {port} and the Ocean simulator on port {sim_port}", 5)))
    check("demo accounts once the simulator answers, addresses from the ports", bool(wait_log(
        log, rf"Ocean Portal: {base}/  \(Ocean API: http://127.0.0.1:{sim_port}/ocean/restapi\)", 90)))
    named = python(clone, env, "import django; django.setup(); from privacy.models import User; "
                   "u = User.objects.get(username='conducteur'); print(u.first_name and u.last_name and 'named')")
    check("demo driver named from the simulator", named.stdout.strip() == "named", named.stderr[-500:])
    _, landed = log_in(base, "gestionnaire")
    check("demo manager sees the simulator's drivers", landed.status_code == 200 and "M0001" in landed.text,
          f"status {landed.status_code} at {landed.url}")
    admin, _ = log_in(base, "admin")
    form = admin.get(f"{base}/users/new/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    admin.post(form.url, timeout=30, headers={"Referer": form.url}, data={
        "csrfmiddlewaretoken": token[1] if token else "", "role": "hr", "username": "marie.smoke",
        "email": "marie.smoke@example.com", "invite": "on"})
    link = wait_log(log, r"https?://\S+/accounts/welcome/\S+/", 20)
    check("invitation e-mail links to the portal's port", bool(link) and link[0].startswith(f"{base}/"),
          link[0] if link else "no invitation printed")
    ping = uuid.uuid4().hex
    python(clone, env, f"import django; django.setup(); from privacy.tasks import ping; ping.delay({ping!r})")
    from django.core.cache.backends.filebased import FileBasedCache

    cache = FileBasedCache(str(clone / "var" / "cache"), {"KEY_PREFIX": "portal"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and cache.get(f"worker:ping:{ping}") is None:
        time.sleep(0.5)
    check("worker consumes a task", cache.get(f"worker:ping:{ping}") == "pong")
    week = clone / "week.json"
    week.write_text(json.dumps({"LUNDI": [["00:00", "08:00"]]}))
    cli = subprocess.run([str(clone / ".venv/bin/python"), "manage.py", "ocean", "schedule", "set", "--driver",
                          "7001", "--file", str(week)], cwd=clone, capture_output=True, text=True, timeout=120,
                         env={**env, "VAR_DIR": str(clone / "cli-var"), "SIM_PORT": str(sim_port)})
    db = clone / "cli-var" / "portal.sqlite3"
    with closing(sqlite3.connect(db)) as con:
        phases = con.execute("SELECT phase, outcome FROM privacy_auditentry WHERE action = 'schedule.set' "
                             "ORDER BY id").fetchall()
    # Audit before write: the intent is written before the request leaves, then its outcome.
    audited = phases == [("intent", ""), ("outcome", "applied")]
    check("ocean CLI in a fresh VAR_DIR: written and audited, nothing on stderr",
          cli.returncode == 0 and cli.stderr == "" and audited, cli.stderr[-500:])
    sim_pid = wait_log(log, r"\| sim started \(pid (\d+)\)", 5)
    os.kill(int(sim_pid[1]), signal.SIGKILL)
    restarted = wait_log(log, r"\| sim exited \(code -9\); restarting it in 1 s[\s\S]*\| sim started", 20)
    check("a killed simulator is restarted", bool(restarted))
    health = wait_http(f"{base}/healthz", timeout=30)
    _, again = log_in(base, "gestionnaire")
    check("the portal kept answering and sees Ocean again", health is not None and health.status_code == 200
          and "M0001" in again.text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh-venv", action="store_true", help="create the clone's own .venv (needs PyPI)")
    parser.add_argument("--make-test", action="store_true", help="also run `make test` in the clean clone")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="portal-smoke-"))
    clone, env = bare_machine(tmp, args.fresh_venv)
    port, sim_port = free_port(), free_port()
    log = tmp / "run.log"
    with log.open("w") as out:
        run = subprocess.Popen(["make", "run", f"PORT={port}", f"SIM_PORT={sim_port}"], cwd=clone, env=env,
                               stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            health = wait_http(f"http://127.0.0.1:{port}/healthz", timeout=900 if args.fresh_venv else 180,
                               process=run)
            if check("healthz answers 200", health is not None and health.status_code == 200,
                     health.text[:300] if health is not None else "no answer"):
                use_the_portal(clone, env, log, port, sim_port)
        finally:
            os.killpg(run.pid, signal.SIGINT)
            try:
                run.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait()
    check("every process stopped", bool(wait_log(log, r"supervise \| every process stopped", 5)))
    check("both ports free again", not any(map(listening, (port, sim_port))))
    check("no msgfmt asked for", "msgfmt" not in log.read_text(errors="replace"))
    if args.make_test:
        done = subprocess.run(["make", "test", "PYTEST_ARGS=-q -p no:cacheprovider"], cwd=clone, env=env)
        check("make test passes on the bare machine", done.returncode == 0, f"exit {done.returncode}")
    failed = [r for r in results if not r[1]]
    if failed:
        print(log.read_text(errors="replace")[-6000:])
    print(f"smoke: {len(results) - len(failed)} passed, {len(failed)} failed ({tmp})")
    if not failed:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
