"""A driver's week of trips ("My trips", week view) against one upstream round trip, as deployed.

The simulator answers every request after ``--latency-ms``; the portal runs with its deployed settings
(file SQLite, file cache, the Ocean rate limiter at its configured rate and burst), and the page is
requested straight through Django's WSGI handler by driver 7001 with a session cookie.

Scenarios, interleaved round by round (a different past week each round, the bucket refilled between
runs, as for a single user):

- one round trip: one ``ficheJour`` through the portal's client, token cached (the unit);
- fully cold: empty cache (no token, no fleet, nothing) — the page pays the login too;
- fleet cached: token and fleet directory cached (another page loaded them), nothing about the driver;
- history warm: also the driver's assignment history and private hours cached (warmed at login /
  on the home page);
- same week again: everything cached.

A page whose data Ocean must be asked for answers at once with its day cards loading (``STEPS_LAZY_DAYS``):
the time counted is the page plus the cards' own request, as htmx sends it on load.

    .venv/bin/python bench/steps_week.py [--latency-ms 150] [--rounds 5] [--sim-port N]
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="bench-steps-")
os.environ["DJANGO_SETTINGS_MODULE"] = "ocean_portal.settings"
os.environ["READ_DOT_ENV_FILE"] = "False"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402
import requests  # noqa: E402

django.setup()

from _portal import Browser, session_cookie, spread  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402

from ocean_sim.testing import SimServer  # noqa: E402

FICHE = "GET mobility/v1/ficheJour"


class SimProcess:
    """The simulator in a process of its own (``--sim-port``), as Océan is: its CPU is not the portal's. The
    in-process ``SimServer`` shares the benchmark's interpreter, so each answer it builds (≈ 10 ms) competes
    with the page for the GIL."""

    def __init__(self, port: int) -> None:
        self.port, self.base_url = port, f"http://127.0.0.1:{port}/ocean/restapi"
        self._root = f"http://127.0.0.1:{port}/__sim__"
        self._db = tempfile.mkdtemp(prefix="bench-sim-")

    def __enter__(self) -> SimProcess:
        self._proc = subprocess.Popen([sys.executable, "-m", "ocean_sim", "--port", str(self.port), "--db",
                                       f"{self._db}/sim.sqlite3"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                requests.get(f"{self._root}/stats", timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise SystemExit(f"the simulator did not start on port {self.port}")

    def __exit__(self, *exc: object) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=10)

    def set_faults(self, **faults) -> None:
        requests.post(f"{self._root}/faults", json=faults, timeout=5).raise_for_status()

    def clear_faults(self) -> None:
        self.set_faults(latency_ms=0, error_rate=0.0, burst_429=0, timeout_rate=0.0)

    def reset_stats(self) -> None:
        requests.post(f"{self._root}/stats/reset", timeout=5).raise_for_status()

    def stats(self) -> dict:
        return requests.get(f"{self._root}/stats", timeout=5).json()
GOALS = {"fleet cached": 2.0, "history warm": 1.5, "fully cold": 3.0}


def warm_driver(customer, driver_id: int, first, last) -> None:
    """What the login / home page warms for a driver: assignment history and private hours."""
    try:
        from privacy.steps.services.wave import warm_driver_week
    except ImportError:  # before the wave existed: the two reads one after the other
        from privacy.steps.services.classify import privacy_calendar
        from privacy.steps.services.fetch import driver_periods

        driver_periods(customer, driver_id)
        privacy_calendar(customer, driver_id, first, last)
        return
    warm_driver_week(customer, driver_id, first, last, wait=True)


def week_page(browser, path: str) -> float:
    """Milliseconds until the day cards are there: the page, plus the request its placeholder makes when
    the cards are loading (STEPS_LAZY_DAYS), as htmx sends it on load."""
    elapsed = browser.get(path)
    lazy = re.search(rb'hx-get="([^"]+part=days[^"]*)"', browser.last_body)
    if lazy:
        elapsed += browser.get(lazy.group(1).decode().replace("&amp;", "&"), htmx=True)
    assert b"step-" in browser.last_body, "no trip on the page"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sim-port", type=int, default=0,
                        help="run the simulator as its own process on this port (default: in this process)")
    args = parser.parse_args()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from privacy.models import Customer, Role, User
    from privacy.services.fleet import fleet_get
    from privacy.services.ocean import ocean_client, ocean_clients_reset
    from privacy.steps.services.fetch import local_today

    customer = Customer.objects.create(name="Démo", ocean_customer_id=1110000000, code_exploitant="1110000001")
    driver = User.objects.create_user("bench-driver", role=Role.DRIVER, customer=customer,
                                      ocean_individu_id=7001, matricule="M0001")
    browser = Browser(session_cookie(driver))
    refill = 1.2  # seconds: the rate limiter's bucket (OCEAN_BURST, 20) takes back the twelve a week used
    with SimProcess(args.sim_port) if args.sim_port else SimServer() as sim:
        settings.OCEAN_BASE_URL = sim.base_url
        ocean_clients_reset()
        cache.clear()
        today = local_today(customer)
        browser.get(f"/trips/?span=week&day={today - timedelta(days=70)}")  # templates, imports, connections
        sim.set_faults(latency_ms=args.latency_ms)
        times: dict[str, list[float]] = {k: [] for k in ("one round trip", "fully cold", "fleet cached",
                                                         "history warm", "same week again")}
        calls: dict[str, list[int]] = {k: [] for k in times}
        for r in range(args.rounds):
            for scenario in times:
                monday = today - timedelta(days=today.weekday() + 7 * (r + 1))
                cache.clear()
                ocean_clients_reset()
                if scenario != "fully cold":
                    ocean_client(customer).ensure_token()
                    fleet_get(customer)
                if scenario in ("history warm", "same week again"):
                    warm_driver(customer, 7001, monday, monday + timedelta(days=6))
                if scenario == "same week again":
                    week_page(browser, f"/trips/?span=week&day={monday}")
                time.sleep(refill)
                sim.reset_stats()
                if scenario == "one round trip":
                    started = time.perf_counter()
                    ocean_client(customer).fiche_jour(vehicle_id=5001, day=monday)
                    times[scenario].append((time.perf_counter() - started) * 1000)
                else:
                    times[scenario].append(week_page(browser, f"/trips/?span=week&day={monday}"))
                calls[scenario].append(sim.stats()["total"])
        sim.clear_faults()
    unit = times["one round trip"]
    where = f"own process on port {args.sim_port}" if args.sim_port else "in this process"
    print(f"simulator ({where}) latency {args.latency_ms} ms; {args.rounds} rounds; "
          f"rate limit {settings.OCEAN_MAX_RPS}/s, burst {settings.OCEAN_BURST:g} "
          f"(as configured); workers {settings.STEPS_FETCH_WORKERS}\n")
    print("| scenario | upstream requests | ms, median (min–max) | ratio to one round trip (same round) | goal |")
    print("|---|---|---|---|---|")
    ratios = {}
    for scenario, values in times.items():
        ratios[scenario] = [v / u for v, u in zip(values, unit, strict=True)]
        goal = GOALS.get(scenario)
        print(f"| {scenario} | {statistics.median(calls[scenario]):.0f} | {spread(values, 0)} | "
              f"{spread(ratios[scenario], 2, 'x')} | {f'<= {goal}x' if goal else ''} |")
    print("week of trips / one round trip: " + ", ".join(
        f"{scenario} {statistics.median(ratios[scenario]):.2f}x (goal <= {goal}x)" for scenario, goal in GOALS.items()))


if __name__ == "__main__":
    main()
