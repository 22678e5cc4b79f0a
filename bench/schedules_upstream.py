"""Upstream requests per private-hours page view and action, counted by the simulator.

Runs the portal in-process (Django test client, a scratch SQLite DB and file cache under a temp dir) against
a fresh simulator and prints a Markdown table: requests by kind for each page/action, plus the wall time of a
template applied to the whole fleet (20 drivers) by the bulk service, one driver after another.

    .venv/bin/python bench/schedules_upstream.py [--latency-ms 0]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-schedules-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocean_portal.settings")
os.environ["READ_DOT_ENV_FILE"] = "False"
os.environ.pop("REDIS_URL", None)
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from ocean_sim.testing import SimServer  # noqa: E402

LOGIN = "POST auth/authenticate2"


def kinds(stats: dict) -> tuple[int, int, int]:
    login = reads = writes = 0
    for endpoint, n in stats["by_endpoint"].items():
        if endpoint == LOGIN:
            login += n
        elif endpoint.startswith("GET ") or endpoint == "POST individus/list":
            reads += n
        else:
            writes += n
    return login, reads, writes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=0)
    args = parser.parse_args()
    setup_test_environment()
    settings.MIGRATION_MODULES = {"privacy": None}  # tables straight from the models (scratch DB)
    call_command("migrate", run_syncdb=True, verbosity=0)
    from privacy.models import Customer, Role, User
    from privacy.schedules.forms import week_to_cells
    from privacy.schedules.models import ScheduleTemplate
    from privacy.schedules.services.bulk import bulk_apply_template, bulk_run
    from privacy.schedules.tasks import bulk_application_run
    from privacy.services.fleet import fleet_get
    from privacy.services.ocean import ocean_clients_reset
    from privacy.week import WeeklySchedule

    bulk_application_run.delay = lambda *_args: None  # the bench runs the job itself, timed
    with SimServer() as sim:
        settings.OCEAN_BASE_URL = sim.base_url
        settings.OCEAN_MAX_RPS = 1000.0
        ocean_clients_reset()
        sim.set_faults(latency_ms=args.latency_ms)
        customer = Customer.objects.create(name="Transports Démo", ocean_customer_id=1110000000,
                                           code_exploitant="1110000001")
        manager = User.objects.create_user("bench-manager", role=Role.MANAGER, customer=customer)
        client = Client()
        client.force_login(manager)
        cache.clear()
        rows = []

        def measure(label: str, action) -> None:
            sim.reset_stats()
            started = time.perf_counter()
            status = action()
            elapsed = (time.perf_counter() - started) * 1000
            login, reads, writes = kinds(sim.stats())
            rows.append((label, status, login, reads, writes, f"{elapsed:.0f}"))

        lunch = WeeklySchedule.preset_evenings_weekends().add_lunch_break()
        measure("drivers list, cold cache (20 drivers on the page)", lambda: client.get("/drivers/").status_code)
        measure("drivers list, warm cache", lambda: client.get("/drivers/").status_code)
        measure("one row summary (htmx, not cached)", lambda: client.get("/drivers/7001/row/").status_code)
        measure("the 19 other row summaries (htmx, not cached)",
                lambda: [client.get(f"/drivers/{i}/row/").status_code for i in range(7002, 7021)][-1])
        measure("drivers list, every row cached", lambda: client.get("/drivers/").status_code)
        measure("driver page (grid), schedule cached", lambda: client.get("/drivers/7001/").status_code)
        cache.delete_many([f"privacy:v1:schedule:{customer.pk}:7003"])
        measure("driver page (grid), schedule not cached", lambda: client.get("/drivers/7003/").status_code)
        measure("diff preview (htmx)", lambda: client.post(
            "/drivers/7001/preview/", {"cells": week_to_cells(lunch)}).status_code)
        measure("save the grid (read, POST, read back)", lambda: client.post(
            "/drivers/7001/", {"cells": week_to_cells(lunch), "action": "save"}).status_code)
        client.get("/drivers/7001/")  # the manager sees the saved grid again
        measure("save the same grid again (unchanged)", lambda: client.post(
            "/drivers/7001/", {"cells": week_to_cells(lunch), "action": "save"}).status_code)
        measure("exceptional periods page, cached", lambda: client.get("/drivers/7001/periods/").status_code)
        measure("add a period (read, POST, read back)", lambda: client.post(
            "/drivers/7001/periods/", {"label": "Congés", "start_date": "2027-07-05",
                                       "end_date": "2027-07-09"}).status_code)
        template = ScheduleTemplate.objects.create(customer=customer, name="T", week=lunch.to_json_days())
        drivers = list(fleet_get(customer).drivers.values())
        job = bulk_apply_template(actor=manager, customer=customer, template=template, drivers=drivers,
                                  valid_from=None)
        measure(f"template applied to {len(drivers)} drivers (bulk_run)", lambda: bulk_run(job.pk) or "done")
        job2 = bulk_apply_template(actor=manager, customer=customer, template=template, drivers=drivers,
                                   valid_from=None)
        measure(f"same template again, {len(drivers)} drivers (all up to date)", lambda: bulk_run(job2.pk) or "done")
    print(f"Simulator latency: {args.latency_ms} ms per request\n")
    print("| page / action | status | logins | reads | writes | ms |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    calls = {row[0]: row[2] + row[3] + row[4] for row in rows}
    cold, warm = calls["drivers list, cold cache (20 drivers on the page)"], calls["drivers list, warm cache"]
    save, same = calls["save the grid (read, POST, read back)"], calls["save the same grid again (unchanged)"]
    verdict = "met" if all(a <= b for a, b in zip((cold, warm, save, same), (4, 0, 3, 0), strict=True)) else "NOT met"
    print(f"upstream requests: drivers list cold {cold} incl. login (goal 4), warm {warm} (goal 0); "
          f"grid save {save} (goal 3), unchanged {same} (goal 0): {verdict}")


if __name__ == "__main__":
    main()
