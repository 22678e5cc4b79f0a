"""CPU time of each page of the load test's mix, one process, warm caches: what a closed-loop load test can
afford per page (see bench/README.md, "The load test"). Not run in CI.

Runs against the database and Redis a ``bench/load.py`` run leaves behind (its demo accounts and report data),
with the simulator at 1,000 drivers started here. Each page is requested 3 times to warm the caches, then 15
times; prints the median CPU and wall time (Django's test client, no test instrumentation).

    .venv/bin/python bench/page_cpu.py --database lead_load --redis-dbs 10,11,12 [--sim-port 8750]
        [--profile PAGE [--sort tottime]]
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _portal import last_full_month

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432")
PAGES = [  # (user, page, path, headers) — the pages bench/load.py visits
    ("hr1", "reports", "/reports/?month={month:%Y-%m}", {}),
    ("hr1", "report export csv", "/reports/export/?format=csv&month={month:%Y-%m}", {}),
    ("hr1", "benefit in kind", "/benefit/?year={month.year}", {}),
    ("manager1", "drivers list", "/drivers/", {}),
    ("manager1", "driver row (htmx)", "/drivers/7003/row/", {"HTTP_HX_REQUEST": "true"}),
    ("manager1", "driver grid", "/drivers/7003/", {}),
    ("manager1", "driver periods", "/drivers/7003/periods/", {}),
    ("manager1", "declarations queue", "/declarations/", {}),
    ("driver7001", "my trips", "/trips/?day={day}", {}),
    ("driver7001", "my private hours", "/me/private-hours/", {}),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="the PostgreSQL database a bench/load.py run left")
    parser.add_argument("--redis-dbs", required=True, help="broker,cache,rate-limiter Redis DB numbers")
    parser.add_argument("--sim-port", type=int, default=8750)
    parser.add_argument("--profile", metavar="PAGE", help="also print cProfile's top lines for PAGE (on stderr)")
    parser.add_argument("--sort", default="cumulative", help="the profile's order: cumulative, tottime…")
    parser.add_argument("--top", type=int, default=40, help="how many lines of the profile")
    args = parser.parse_args()
    broker, cache_db, limiter = args.redis_dbs.split(",")
    os.environ.update({
        "DATABASE_URL": f"{PG}/{args.database}", "REDIS_URL": "redis://127.0.0.1:6379/0",
        "REDIS_BROKER_DB": broker, "REDIS_CACHE_DB": cache_db, "REDIS_RATELIMIT_DB": limiter,
        "READ_DOT_ENV_FILE": "False", "DEBUG": "False", "SECRET_KEY": "page-cpu-bench-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver,localhost", "VAR_DIR": tempfile.mkdtemp(prefix="bench-cpu-"),
        "OCEAN_BASE_URL": f"http://127.0.0.1:{args.sim_port}/ocean/restapi",
        "DJANGO_SETTINGS_MODULE": "ocean_portal.settings"})
    sim = subprocess.Popen([sys.executable, "-m", "ocean_sim", "--port", str(args.sim_port), "--db", ":memory:",
                            "--drivers", "1000"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        sys.path.insert(0, str(ROOT))
        import django
        import requests

        django.setup()
        from django.test import Client

        from privacy.models import User

        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{args.sim_port}/__sim__/stats", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.3)
        day = (date.today() - timedelta(days=2)).isoformat()
        month = last_full_month(date.today())  # as bench/load.py
        print("| page | CPU ms (median of 15) | wall ms |\n|---|---|---|")
        cpu_all = []
        for username, page, path, headers in PAGES:
            client = Client(HTTP_ACCEPT_LANGUAGE="fr")
            client.force_login(User.objects.get(username=username))
            url = path.format(day=day, month=month)
            for _ in range(3):
                client.get(url, **headers)
            cpu, wall = [], []
            for _ in range(15):
                c0, w0 = time.process_time(), time.perf_counter()
                client.get(url, **headers)
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - w0) * 1000)
            cpu_all.append(statistics.median(cpu))
            if page == args.profile:
                profiled = cProfile.Profile()
                profiled.runcall(lambda: [client.get(url, **headers) for _ in range(15)])  # noqa: B023
                pstats.Stats(profiled, stream=sys.stderr).sort_stats(args.sort).print_stats(args.top)
            print(f"| {page} | {statistics.median(cpu):.1f} | {statistics.median(wall):.1f} |")
        print(f"page CPU, slowest of the load test's pages: {max(cpu_all):.1f} ms, "
              f"median {statistics.median(cpu_all):.1f} ms")
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
