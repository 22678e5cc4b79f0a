"""A driver's week of trips: upstream calls and wall time, concurrent vs sequential ficheJour.

The simulator answers every request after ``--latency-ms``; the portal builds driver 7001's week
(assignments + 7 ficheJour + schedule + exceptional periods) with a cold cache, then again warm.

    .venv/bin/python bench/steps_week.py [--latency-ms 150] [--rounds 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-steps-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocean_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402

from ocean_sim.testing import SimServer  # noqa: E402

FICHE = "GET mobility/v1/ficheJour"


def build_week(customer, driver, monday):
    from privacy.services.fleet import fleet_get
    from privacy.steps.services.trips import driver_steps_page

    return driver_steps_page(viewer=driver, customer=customer, driver=fleet_get(customer).drivers[7001],
                             first=monday, last=monday + timedelta(days=6))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from privacy.models import Customer, Role, User
    from privacy.services.fleet import fleet_get
    from privacy.services.ocean import ocean_clients_reset
    from privacy.steps.services.fetch import local_today

    customer, _ = Customer.objects.get_or_create(ocean_customer_id=1110000000,
                                                 defaults={"name": "Démo", "code_exploitant": "1110000001"})
    driver, _ = User.objects.get_or_create(username="bench-driver", defaults={
        "role": Role.DRIVER, "customer": customer, "ocean_individu_id": 7001, "matricule": "M0001"})
    with SimServer() as sim:
        settings.OCEAN_BASE_URL = sim.base_url
        settings.OCEAN_MAX_RPS = 1000.0  # measure the fetch strategy, not the configured rate limit
        ocean_clients_reset()
        print(f"latency per upstream request: {args.latency_ms} ms; {args.rounds} rounds, median shown\n")
        print("| variant | workers | ficheJour calls | other calls | max concurrency | wall time (s) |")
        print("|---|---|---|---|---|---|")
        for workers in (6, 1):
            settings.STEPS_FETCH_WORKERS = workers
            times, stats = [], {}
            for r in range(args.rounds):
                cache.clear()
                fleet_get(customer)  # the fleet directory is cached by another feature
                monday = local_today(customer) - timedelta(days=local_today(customer).weekday() + 7 * (r + 1))
                sim.reset_stats()
                sim.set_faults(latency_ms=args.latency_ms)
                started = time.perf_counter()
                build_week(customer, driver, monday)
                times.append(time.perf_counter() - started)
                stats = sim.stats()
            fiche = stats["by_endpoint"].get(FICHE, 0)
            print(f"| week, cold cache | {workers} | {fiche} | {stats['total'] - fiche} | "
                  f"{stats['max_concurrency']} | {statistics.median(times):.2f} |")
            sim.reset_stats()
            started = time.perf_counter()
            build_week(customer, driver, monday)
            warm = time.perf_counter() - started
            stats = sim.stats()
            print(f"| same week again (warm) | {workers} | {stats['by_endpoint'].get(FICHE, 0)} | "
                  f"{stats['total'] - stats['by_endpoint'].get(FICHE, 0)} | {stats['max_concurrency']} | "
                  f"{warm:.3f} |")
            sim.clear_faults()


if __name__ == "__main__":
    main()
