"""Load: 50 concurrent users on a mixed workload against gunicorn + PostgreSQL + Redis + a Celery worker,
with the Ocean simulator answering at a realistic latency. Not run in CI.

    .venv/bin/python bench/load.py [--users 50] [--duration 60] [--latency-ms 80] [--max-rps 10]
        [--drivers 1000] [--database chaos_load] [--redis-dbs 7,8,9] [--ports 8400]

Starts everything itself on loopback (free ports, or ``--ports N``: simulator N, web N+1), and stops it at
the end: the simulator (``python -m ocean_sim --drivers N``, ``OCEAN_SIM_FAULTS={"latency_ms": N}``), a fresh
PostgreSQL database (``--database``, ``manage.py migrate``), Redis DBs (``--redis-dbs`` broker,cache,rate
limiter — one number for all three when only one is free; flushed first),
gunicorn with the deployed settings (``ocean_portal/gunicorn_conf.py``: 2 × cores + 1 processes × 8 threads;
``--workers``/``--threads`` to compare) and a Celery worker. Demo data: the customer, 5 managers, 20 drivers
linked to the simulator's 7001–7020 (one account per Ocean driver: the portal allows no more) and 3 HR users,
plus one report refresh of the last complete month, the one HR pages show, and what the night before did: the
assignment histories of the year's drivers read (``--first-day``: not, they are read while HR looks). Then
``--users`` threads (20 % managers, 60 % drivers, 20 % HR), each with its own ``requests.Session`` logged
in through the login form, browse with 0.2–1 s of think time for ``--duration`` seconds. Prints p50/p95 per
page as the users saw them and as gunicorn measured them, errors (HTTP ≥ 400 or no answer), pages showing an
Ocean error, throughput and upstream requests per page view (from the simulator's ``/__sim__/stats``).
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import requests
from _portal import last_full_month

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
PG = os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("LOAD_REDIS", "redis://127.0.0.1:6379/0")
DB, REDIS_DBS = "chaos_load", {"REDIS_BROKER_DB": "7", "REDIS_CACHE_DB": "8", "REDIS_RATELIMIT_DB": "9"}
PAGE_HEADER = "X-Load-Page"
ID_HEADER = "X-Load-Id"  # pairs a page the users saw with its line in gunicorn's access log
LAST_LINE_GOAL_MS = 100  # p95 of the report pages (issue 16)
REQUEST_IDS = itertools.count(1)  # thread-safe: next() on a count is atomic under the GIL
PASSWORD = "load-test-password-42"  # noqa: S105 - throwaway accounts in a scratch database

SETUP = """
from privacy.models import Customer, Role, User
from privacy.reports.services.ingest import request_refresh, run_refresh
from privacy.reports.services.periods import period_from_params
from django.utils import timezone
c = Customer.objects.create(name="Transports Démo", ocean_customer_id=1110000000, code_exploitant="1110000001")
P = {password!r}
for i in range(1, 6):
    User.objects.create_user(username=f"manager{{i}}", password=P, role=Role.MANAGER, customer=c)
for d in range(7001, 7021):
    User.objects.create_user(username=f"driver{{d}}", password=P, role=Role.DRIVER, customer=c,
                             ocean_individu_id=d, matricule=f"M{{d - 7000:04d}}")
hr = [User.objects.create_user(username=f"hr{{i}}", password=P, role=Role.HR, customer=c) for i in range(1, 4)][0]
refresh, _ = request_refresh(c, period_from_params({{"month": {month!r}}}, timezone.localdate()), user=hr,
                             trigger="bench")
if refresh is not None:
    run_refresh(refresh.pk)
if {night!r}:  # the night's reading of the year's assignment histories, as beat queues it after the reports
    from privacy.reports.services.benefit import year_drivers
    from privacy.reports.services.benefit_history import NIGHTLY_OLDER_THAN_S, worker_read
    worker_read(c, year_drivers(c, {year!r}), NIGHTLY_OLDER_THAN_S)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def deployed_gunicorn():
    """ocean_portal/gunicorn_conf.py on its own (importing the package would configure Celery and Django)."""
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "ocean_portal" / "gunicorn_conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare_database(name: str, redis_dbs: dict[str, str]) -> None:
    import psycopg
    import redis

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = REDIS.rsplit("/", 1)[0]
    for db in set(redis_dbs.values()):
        redis.Redis.from_url(f"{base}/{db}").flushdb()


class User:
    """One simulated person: a logged-in session and a role's mix of pages."""

    def __init__(self, base: str, username: str, role: str, rng: random.Random, stats):
        self.base, self.username, self.role, self.rng, self.stats = base, username, role, rng, stats
        self.session = requests.Session()
        self.driver_ids = list(range(7001, 7021))

    def _record(self, page: str, method: str, path: str, **kw) -> requests.Response | None:
        started = time.perf_counter()
        request_id = next(REQUEST_IDS)
        try:
            headers = {**kw.pop("headers", {}), PAGE_HEADER: page, ID_HEADER: str(request_id)}
            resp = self.session.request(method, self.base + path, timeout=30, allow_redirects=False,
                                        headers=headers, **kw)
        except requests.RequestException as exc:
            self.stats(page, started, 0, False, f"{exc} (at {time.strftime('%X')})", request_id)
            return None
        ocean_error = b"message-error" in resp.content or b'class="error" role="alert"' in resp.content
        self.stats(page, started, resp.status_code, ocean_error, "", request_id)
        return resp

    def login(self) -> None:
        page = self.session.get(self.base + "/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        resp = self.session.post(self.base + "/accounts/login/", timeout=30, allow_redirects=False,
                                 data={"username": self.username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": token})
        if resp.status_code != 302:
            raise SystemExit(f"login of {self.username} failed: HTTP {resp.status_code}")

    def step(self) -> None:
        r = self.rng.random()
        if self.role == "manager":
            d = self.rng.choice(self.driver_ids)
            if r < 0.3:
                self._record("drivers list", "GET", "/drivers/")
            elif r < 0.5:
                self._record("driver row (htmx)", "GET", f"/drivers/{d}/row/", headers={"HX-Request": "true"})
            elif r < 0.75:
                self._record("driver grid", "GET", f"/drivers/{d}/")
            elif r < 0.9:
                self._record("driver periods", "GET", f"/drivers/{d}/periods/")
            else:
                self._record("declarations queue", "GET", "/declarations/")
        elif self.role == "driver":
            day = (date.today() - timedelta(days=self.rng.randrange(1, 4))).isoformat()
            if r < 0.55:
                page = self._record("my trips", "GET", f"/trips/?day={day}")
                if page is not None and page.status_code == 200 and self.rng.random() < 0.5:
                    self._declare(page.text)
            else:
                self._record("my private hours", "GET", "/me/private-hours/")
        else:
            month = last_full_month(date.today())
            if r < 0.6:
                self._record("reports", "GET", f"/reports/?month={month:%Y-%m}")
            elif r < 0.8:
                self._record("report export csv", "GET", f"/reports/export/?format=csv&month={month:%Y-%m}")
            else:
                self._record("benefit in kind", "GET", f"/benefit/?year={month.year}")

    def _declare(self, html: str) -> None:
        forms = re.findall(r'action="(/trips/\d+/\d+/declare/)"', html)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        day = re.search(r'name="day" value="([\d-]+)"', html)
        if not forms or not token or not day:
            return
        self._record("declare (htmx)", "POST", self.rng.choice(forms), headers={"HX-Request": "true"},
                     data={"csrfmiddlewaretoken": token.group(1), "day": day.group(1),
                           "private": self.rng.choice(["true", "false"])})


def run_users(base: str, users: int, duration: float, seed: int):
    samples: dict[str, list[float]] = defaultdict(list)
    seen: dict[int, tuple[str, float, float]] = {}  # request id: (page, seconds as the user saw it, sent at)
    errors: dict[str, int] = defaultdict(int)
    ocean_errors: dict[str, int] = defaultdict(int)
    reasons: Counter[str] = Counter()
    lock = threading.Lock()

    def stats(page, sent_at, status, ocean_error, failure, request_id):
        seconds = time.perf_counter() - sent_at
        with lock:
            samples[page].append(seconds)
            seen[request_id] = (page, seconds, sent_at - started)
            if status == 0 or status >= 400:
                errors[page] += 1
                reasons[f"{page}: {failure or f'HTTP {status}'}"[:160]] += 1
            if ocean_error:
                ocean_errors[page] += 1

    rng = random.Random(seed)
    people = []
    for i in range(users):
        share = i / users
        if share < 0.2:
            role, name = "manager", f"manager{i % 5 + 1}"
        elif share < 0.8:
            role, name = "driver", f"driver{7001 + i % 20}"
        else:
            role, name = "hr", f"hr{i % 3 + 1}"
        people.append(User(base, name, role, random.Random(rng.random()), stats))
    for person in people:
        person.login()
    for person in people:
        # The first logins' connections sat idle while the others logged in, past gunicorn's keep-alive: the
        # server may close one just as its first page is sent. A person arriving now opens a fresh one.
        person.session.close()
    stop_at = time.monotonic() + duration

    def loop(person: User) -> None:
        while time.monotonic() < stop_at:
            person.step()
            time.sleep(person.rng.uniform(0.2, 1.0))

    threads = [threading.Thread(target=loop, args=(p,), daemon=True) for p in people]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 60)
    return samples, seen, errors, ocean_errors, reasons, time.perf_counter() - started


def server_times(log: Path, offset: int) -> tuple[dict[str, list[float]], dict[int, float]]:
    """Each page's time inside gunicorn (from its access log, from ``offset`` on), in seconds: what the
    server did, without the network and the load generator's own threads; and the same by request id."""
    times: dict[str, list[float]] = defaultdict(list)
    by_id: dict[int, float] = {}
    with open(log, encoding="utf-8") as lines:
        lines.seek(offset)
        for line in lines:
            named, _sep, ms = line.rstrip().rpartition(" ")
            page, _sep, request_id = named.rpartition("|")
            if page != "-":  # a page the users asked for (X-Load-Page), not the login
                times[page].append(int(ms) / 1000)
                by_id[int(request_id)] = int(ms) / 1000
    return times, by_id


def slowest_split(seen: dict[int, tuple[str, float, float]], inside: dict[int, float], pages: set[str]) -> str:
    """Where and when the slowest 5 % of ``pages`` spent their time: inside gunicorn (the view, its queries,
    its process's GIL) or outside (waiting for one of the process's threads, the network, the load
    generator); and in which 10-second slice of the run they were asked for."""
    paired = sorted(((seconds, inside[i], sent) for i, (page, seconds, sent) in seen.items()
                     if page in pages and i in inside), reverse=True)
    slow = paired[: max(1, len(paired) // 20)]
    if not slow:
        return "no report page"
    seen_ms = statistics.median(s for s, _in, _at in slow) * 1000
    inside_ms = statistics.median(i for _s, i, _at in slow) * 1000
    slices = Counter(int(at // 10) * 10 for _s, _in, at in slow)
    when = ", ".join(f"{start}–{start + 10} s: {n}" for start, n in sorted(slices.items()))
    return (f"the slowest 5 % of report pages ({len(slow)}): median {seen_ms:.0f} ms as the users saw them, "
            f"{inside_ms:.0f} ms of it inside gunicorn; asked for at {when}")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--latency-ms", type=int, default=80)
    parser.add_argument("--max-rps", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first-day", action="store_true",
                        help="no night before: the benefit page's assignment histories are read during the run")
    parser.add_argument("--drivers", type=int, default=1000, help="simulator fleet size (the demo's is 21)")
    parser.add_argument("--database", default=DB, help="PostgreSQL database (dropped and created again)")
    parser.add_argument("--redis-dbs", default=",".join(REDIS_DBS.values()),
                        help="broker,cache,rate-limiter Redis DB numbers, or one for all three")
    parser.add_argument("--ports", type=int, default=0, help="simulator port (web: the next one); default free")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn processes (default: the deployed ones)")
    parser.add_argument("--threads", type=int, default=0, help="threads per gunicorn process (default: deployed)")
    args = parser.parse_args()

    numbers = args.redis_dbs.split(",")
    redis_dbs = dict(zip(REDIS_DBS, numbers * 3 if len(numbers) == 1 else numbers, strict=False))
    var = Path(tempfile.mkdtemp(prefix="bench-load-"))
    sim_port, web_port = (args.ports, args.ports + 1) if args.ports else (free_port(), free_port())
    env = {**os.environ, **redis_dbs, "DATABASE_URL": f"{PG}/{args.database}", "REDIS_URL": REDIS,
           "VAR_DIR": str(var),
           "READ_DOT_ENV_FILE": "False", "DEBUG": "False", "SECRET_KEY": "load-bench-" + "x" * 40,
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "OCEAN_MAX_RPS": str(args.max_rps),
           "OCEAN_BASE_URL": f"http://127.0.0.1:{sim_port}/ocean/restapi",
           "OCEAN_SIM_FAULTS": json.dumps({"latency_ms": args.latency_ms})}
    prepare_database(args.database, redis_dbs)
    procs: list[subprocess.Popen] = []

    def start(name: str, cmd: list[str]) -> None:
        log = open(var / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process at exit
        procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))

    try:
        start("sim", [PY, "-m", "ocean_sim", "--port", str(sim_port), "--db", ":memory:",
                      "--drivers", str(args.drivers)])
        wait_http(f"http://127.0.0.1:{sim_port}/__sim__/stats")
        subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        month = last_full_month(date.today())
        setup = SETUP.format(password=PASSWORD, month=f"{month:%Y-%m}", year=month.year, night=not args.first_day)
        # The night has time: its 1,000 history reads are not paced at the web's rate here.
        subprocess.run([PY, "manage.py", "shell", "-c", setup], cwd=ROOT, env={**env, "OCEAN_MAX_RPS": "1000"},
                       check=True)
        sizing = [*(["--workers", str(args.workers)] if args.workers else []),
                  *(["--threads", str(args.threads)] if args.threads else [])]
        start("web", [str(ROOT / ".venv/bin/gunicorn"), "-c", "python:ocean_portal.gunicorn_conf", "ocean_portal.wsgi",
                      "--bind", f"127.0.0.1:{web_port}", *sizing, "--access-logfile", str(var / "access.log"),
                      "--access-logformat", f"%({{{PAGE_HEADER.lower()}}}i)s|%({{{ID_HEADER.lower()}}}i)s %(M)s"])
        start("worker", [str(ROOT / ".venv/bin/celery"), "-A", "ocean_portal", "worker", "--concurrency", "2",
                         "--loglevel", "WARNING"])
        base = f"http://127.0.0.1:{web_port}"
        wait_http(base + "/accounts/login/")
        sim = f"http://127.0.0.1:{sim_port}/__sim__/stats"
        before = requests.get(sim, timeout=5).json()
        started_at = (var / "access.log").stat().st_size if (var / "access.log").exists() else 0
        samples, seen, errors, ocean_errors, reasons, seconds = run_users(base, args.users, args.duration, args.seed)
        after = requests.get(sim, timeout=5).json()
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    deployed = deployed_gunicorn()
    workers, threads = args.workers or deployed.workers, args.threads or deployed.threads
    views = sum(len(v) for v in samples.values())
    upstream = after["total"] - before["total"]
    by_endpoint = {k: after["by_endpoint"].get(k, 0) - before["by_endpoint"].get(k, 0) for k in after["by_endpoint"]}
    print(f"### Load: {args.users} users, {args.duration:.0f} s, simulator latency {args.latency_ms} ms, "
          f"OCEAN_MAX_RPS {args.max_rps:g}, gunicorn {workers} × {threads} threads\n")
    print("| page | views | p50 ms | p95 ms | errors | showing an Ocean error |\n|---|---|---|---|---|---|")
    for page in sorted(samples):
        v = samples[page]
        print(f"| {page} | {len(v)} | {pct(v, 0.5):.0f} | {pct(v, 0.95):.0f} | {errors[page]} | "
              f"{ocean_errors[page]} |")
    print(f"\n- page views: {views} in {seconds:.1f} s = {views / seconds:.1f} views/s; "
          f"errors: {sum(errors.values())}")
    for reason, count in reasons.most_common(5):
        print(f"  - error × {count}: {reason}")
    print(f"- upstream requests: {upstream} = {upstream / max(views, 1):.2f} per page view; "
          f"max upstream concurrency {after['max_concurrency']}")
    print("- by endpoint: " + ", ".join(f"{k} {n}" for k, n in sorted(by_endpoint.items(), key=lambda kv: -kv[1]) if n))
    print(f"- logs: {var}")
    server, inside = server_times(var / "access.log", started_at)
    print("- as gunicorn measured them (request in to response out, ms): " + ", ".join(
        f"{page} p50 {pct(v, 0.5):.0f} / p95 {pct(v, 0.95):.0f}" for page, v in sorted(server.items())))
    print("- " + slowest_split(seen, inside, {"reports", "benefit in kind"}))
    report_pages = samples.get("reports", []) + samples.get("benefit in kind", [])
    p95 = pct(report_pages, 0.95) if report_pages else float("nan")
    print(f"load, {args.users} users, {args.drivers} drivers: {sum(errors.values())} errors (goal 0), "
          f"p95 of report pages {p95:.0f} ms (goal <= {LAST_LINE_GOAL_MS} ms)")
    return 1 if sum(errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
