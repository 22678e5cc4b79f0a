"""Report-page latency as deployed: the HR report pages against a bare ``login_required`` view returning
"ok", both through the full middleware stack, on a file database holding a realistic year.

- Database: a fresh SQLite file (WAL, as the settings deploy it) with the file cache, or PostgreSQL with
  ``--postgres URL`` (the database is dropped and created again; pass ``--redis URL`` for a Redis cache,
  as deployed with PostgreSQL). Real migrations, no test database, no test client, no instrumentation:
  requests go straight into Django's WSGI handler with a session cookie.
- Data: ``--months`` calendar months (the last ending last month), each a complete snapshot of
  ``--drivers`` drivers, as many vehicles and one agency per ~100 drivers, with figures that vary per
  driver and month, written through the ingestion path (``store_rows`` + ``swap``).
- Timing: ``--rounds`` rounds; in each, ``--requests`` requests of every page interleaved with the bare
  view. A round's ratio is median(page) / median(bare) of that round; the figures are the median of the
  rounds' ratios with their min–max. The first view of a page after its snapshot became current is
  shown apart ("first view"). The rounds run twice: wall-clock (the goal line), then the thread's CPU
  time, which other processes on a shared machine cannot inflate (shown beside it).

    .venv/bin/python bench/report_latency.py --drivers 1000 --months 12 [--postgres URL [--redis URL]]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _portal import Browser, session_cookie, spread  # noqa: E402 - bench/ is on the path when run

urlpatterns: list = []  # the portal's routes plus the bare view, filled after django.setup()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drivers", type=int, default=1000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=15, help="requests per page and round")
    parser.add_argument("--postgres", default="", help="postgres://user@host:port/name (dropped, created)")
    parser.add_argument("--redis", default="", help="redis://host:port/db for the cache (with --postgres)")
    return parser.parse_args()


def configure(args) -> None:
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="bench-report-latency-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "ocean_portal.settings"
    os.environ["READ_DOT_ENV_FILE"] = "False"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    if args.postgres:
        import psycopg

        base, _sep, name = args.postgres.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.postgres
        if args.redis:
            os.environ["REDIS_URL"] = args.redis
            os.environ["REDIS_CACHE_DB"] = args.redis.rstrip("/").rpartition("/")[2]


def bare_routes() -> list:
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.urls import include, path

    @login_required
    def bare(request):  # noqa: ARG001 - a view takes the request
        return HttpResponse("ok")

    return [path("bare/", bare), path("", include("ocean_portal.urls"))]


def months_back(count: int, today: date) -> list:
    from privacy.reports.services.periods import Period

    period, out = Period.containing_month(today).previous_month(), []
    for _ in range(count):
        out.append(period)
        period = period.previous_month()
    return list(reversed(out))


def parsed_rows(drivers: int, month_index: int) -> list:
    """A month of one fleet: drivers and vehicles of ~100 per agency, figures varying by row and month."""
    from privacy.reports.services.parse import ParsedRow

    rng = random.Random(f"bench:{drivers}:{month_index}")
    agencies = max(3, round(drivers / 100))
    sums: dict[int, dict] = {}
    rows = []
    for kind, base in (("driver", 7001), ("vehicle", 5001)):
        for i in range(drivers):
            entity = 121 + i % agencies
            pro_m = rng.randint(300_000, 4_000_000)
            private_m = int(pro_m * rng.choice((0, 0, 0.02, 0.05, 0.1, 0.2, 0.35)))
            electric = i % 5 == 4
            total = private_m + pro_m
            litres = Decimal(0) if electric else Decimal(total * rng.randint(52, 78) // 10_000) / 1000
            kwh = Decimal(total * rng.randint(150, 190) // 1000) / 1000 if electric else Decimal(0)
            cost = (litres * Decimal("1.85") + kwh * Decimal("0.25")).quantize(Decimal("0.01"))
            share = Decimal(private_m) / total if total else Decimal(0)
            values = {
                "private_m": private_m, "pro_m": pro_m, "private_s": private_m // 11, "pro_s": pro_m // 11,
                "electric_private_m": private_m if electric else 0, "electric_pro_m": pro_m if electric else 0,
                "battery_private": 0, "battery_pro": 0, "litres": litres, "kwh": kwh, "cost": cost,
                "litres_private": (litres * share).quantize(Decimal("0.001")),
                "kwh_private": (kwh * share).quantize(Decimal("0.001")),
                "cost_private": (cost * share).quantize(Decimal("0.01")),
            }
            name = f"DRIVER{i:05d} Prénom" if kind == "driver" else f"AB-{i:03d}-CD"
            rows.append(ParsedRow(kind, base + i, name, entity, f"Agence {entity}", values, {}))
            if kind == "driver":
                acc = sums.setdefault(entity, dict.fromkeys(values, 0))
                for key, value in values.items():
                    acc[key] += value
    rows += [ParsedRow("entity", e, f"Agence {e}", e, f"Agence {e}", v, {}) for e, v in sorted(sums.items())]
    return rows


def populate(args):
    from django.utils import timezone

    from privacy.models import Customer, Role, User
    from privacy.reports.models import ReportSnapshot, VehicleCost
    from privacy.reports.services.ingest import store_rows, swap
    from privacy.reports.services.periods import Period

    customer = Customer.objects.create(name="Bench", ocean_customer_id=1110000000, code_exploitant="1110000001")
    hr = User.objects.create_user("bench-hr", password="bench-password-1234", role=Role.HR, customer=customer)
    periods = months_back(args.months, timezone.localdate())
    started = time.perf_counter()
    year = Period.year(periods[-1].start.year)
    for index, period in enumerate([*periods, year]):  # the year-to-date snapshot feeds the benefit page
        snapshot = ReportSnapshot.objects.create(
            customer=customer, period_kind=period.kind, period_start=period.start, period_end=period.end,
            as_of=timezone.now(), status=ReportSnapshot.Status.BUILDING)
        store_rows(snapshot, parsed_rows(args.drivers, index))
        swap(snapshot)
    cache_fleet(customer, args.drivers)
    VehicleCost.objects.bulk_create(
        VehicleCost(customer=customer, vehicle_id=5001 + i, acquisition="purchase",
                    purchase_price_ttc=Decimal(18_000 + 37 * i), annual_maintenance=Decimal(600),
                    annual_insurance=Decimal(700), made_available=date(2024, 1 + i % 12, 1),
                    employer_pays_fuel=i % 3 == 0, electric=i % 5 == 4) for i in range(0, args.drivers, 2))
    print(f"stored {args.months} monthly snapshots of {args.drivers} drivers + {args.drivers} vehicles "
          f"in {time.perf_counter() - started:.1f} s")
    return customer, hr, periods[-1], year


def cache_fleet(customer, drivers: int) -> None:
    """The fleet directory as another page left it in the cache (the benefit page maps drivers to vehicles)."""
    from django.core.cache import cache

    from privacy.services import fleet as fleet_service

    agencies = max(3, round(drivers / 100))
    fleet = fleet_service.Fleet(synced_at="2026-01-01T00:00:00+00:00", entities={
        121 + e: f"Agence {121 + e}" for e in range(agencies)})
    for i in range(drivers):
        entity = 121 + i % agencies
        fleet.vehicles[5001 + i] = fleet_service.FleetVehicle(
            id=5001 + i, plate=f"AB-{i:03d}-CD", numero_embarque=10_000 + i, privacy_enabled=True,
            label="Renault Clio", motorisation="MONO", entity_id=entity, entity_name=f"Agence {entity}",
            driver_id=7001 + i)
        fleet.drivers[7001 + i] = fleet_service.FleetDriver(
            customer_id=customer.pk, ocean_id=7001 + i, nom=f"DRIVER{i:05d}", prenom="Prénom",
            matricule=f"M{i + 1:04d}", email="", entity_id=entity, entity_name=f"Agence {entity}",
            vehicle_id=5001 + i, vehicle_plate=f"AB-{i:03d}-CD", numero_embarque=10_000 + i)
    key = fleet_service._key(customer)  # noqa: SLF001 - the bench seeds the cache as fleet_get would
    cache.set(key, fleet.to_cache(), 3600)
    cache.set(f"{key}:synced", fleet.synced_at, 3600)


def main() -> None:
    args = parse_args()
    configure(args)
    import django
    from django.conf import settings

    settings.ROOT_URLCONF = __name__ if __name__ != "__main__" else "__main__"
    django.setup()
    urlpatterns.extend(bare_routes())
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    cache.clear()
    customer, hr, period, year = populate(args)
    browser = Browser(session_cookie(hr))
    month = f"month={period.start:%Y-%m}"
    pages = {
        "report page (drivers, page 1)": f"/reports/?{month}",
        "report page (sorted by share, page 3)": f"/reports/?{month}&sort=-private_share&page=3",
        "report page (by vehicle)": f"/reports/?{month}&view=vehicle",
        "report page (by entity)": f"/reports/?{month}&view=entity",
        "benefit page": f"/benefit/?year={year.start.year}",
    }
    first = {label: browser.get(path) for label, path in pages.items()}  # first views after the swap
    browser.get("/bare/")
    wall = measure(browser, pages, args)
    cpu = measure(browser, pages, args, cpu=True)
    engine = connection.vendor + (" + Redis cache" if args.redis else " + file cache" if not args.postgres else "")
    print(f"database: {engine}; {args.drivers} drivers, {args.months} months; {args.rounds} rounds × "
          f"{args.requests} requests per page, interleaved with the bare view; wall-clock rounds, then "
          "CPU-time rounds (the process's own CPU, which other processes on a shared machine do not inflate)\n")
    print("| view | wall ms, median of rounds (min–max) | wall ratio to the bare view | CPU ratio to the bare view "
          "| first view after the snapshot (wall ms) |")
    print("|---|---|---|---|---|")
    print(f"| bare `login_required` view | {spread(wall['bare'], 2)} | 1 | 1 | |")
    for label in pages:
        print(f"| {label} | {spread(wall['ms'][label], 2)} | {spread(wall['ratios'][label], 2, 'x')} | "
              f"{spread(cpu['ratios'][label], 2, 'x')} | {first[label]:.0f} |")
    goal = 2 if args.drivers <= 1000 else 3
    headline = statistics.median(wall["ratios"]["report page (drivers, page 1)"])
    worst = max(statistics.median(r) for r in wall["ratios"].values())
    cpu_worst = max(statistics.median(r) for r in cpu["ratios"].values())
    print(f"report page / bare view: {headline:.1f}x, slowest report page {worst:.1f}x wall-clock "
          f"({cpu_worst:.1f}x in CPU time) (goal <= {goal}x, {connection.vendor}, {args.drivers} drivers)")


def measure(browser, pages: dict, args, *, cpu: bool = False) -> dict:
    """Rounds of requests, each page interleaved with the bare view; per round median(page) / median(bare)."""
    out: dict = {"bare": [], "ms": {label: [] for label in pages}, "ratios": {label: [] for label in pages}}

    def get(path: str) -> float:
        elapsed = browser.get(path)
        return browser.last_cpu_ms if cpu else elapsed

    for _ in range(args.rounds):
        bare_round: list[float] = []
        page_round: dict[str, list[float]] = {label: [] for label in pages}
        for _ in range(args.requests):
            for label, path in pages.items():
                bare_round.append(get("/bare/"))
                page_round[label].append(get(path))
        bare_median = statistics.median(bare_round)
        out["bare"].append(bare_median)
        for label in pages:
            out["ms"][label].append(statistics.median(page_round[label]))
            out["ratios"][label].append(out["ms"][label][-1] / bare_median)
    return out

if __name__ == "__main__":
    main()
