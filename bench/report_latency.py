"""Report-page latency: the HR report page (500 drivers, paginated, charts) against a bare authenticated
Django view, both through the full middleware stack with Django's test client (no network).

    .venv/bin/python bench/report_latency.py [--drivers 500] [--requests 200]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocean_portal.settings")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-report-latency-"))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

urlpatterns: list = []  # filled after django.setup(): the bare view beside the portal's routes


def _routes() -> list:
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.urls import include, path

    @login_required
    def bare(request):  # noqa: ARG001 - a view takes the request
        return HttpResponse("ok")

    return [path("bare/", bare), path("", include("ocean_portal.urls"))]


class _NoMigrations(dict):
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


def measure(client, url, params, count: int) -> dict:
    for _ in range(5):  # warm-up: templates, translations, connections
        assert client.get(url, params).status_code == 200
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    timings.sort()
    p95 = timings[int(0.95 * len(timings)) - 1]
    return {"median_ms": round(statistics.median(timings), 2), "p95_ms": round(p95, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drivers", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    settings.ROOT_URLCONF = __name__ if __name__ != "__main__" else "__main__"
    settings.MIGRATION_MODULES = _NoMigrations()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = False
    django.setup()
    urlpatterns.extend(_routes())
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    try:
        from privacy.models import Customer, Role, User
        from privacy.reports.services.periods import Period
        from tests.reports.conftest import make_snapshot, row

        customer = Customer.objects.create(name="Bench", ocean_customer_id=1, code_exploitant="1")
        hr = User.objects.create_user("hr", password="x" * 12, role=Role.HR, customer=customer)
        period = Period.month(2026, 1)
        rows = [row(ocean_id=10_000 + i, name=f"DRIVER {i:04d}", entity_id=100 + i % 5, entity_name=f"E{i % 5}",
                    private_m=i * 137, pro_m=100_000 + i) for i in range(args.drivers)]
        rows += [row(kind="entity", ocean_id=100 + e, name=f"E{e}", entity_id=100 + e) for e in range(5)]
        for month in range(2, 13):  # the eleven months before, for the trend chart
            make_snapshot(customer, Period.month(2025, month), rows[-5:])
        make_snapshot(customer, period, rows)
        client = Client()
        client.force_login(hr)
        params = period.query()
        bare_result = measure(client, "/bare/", {}, args.requests)
        page_result = measure(client, "/reports/", params, args.requests)
        sorted_result = measure(client, "/reports/", {**params, "sort": "-private_share", "page": "3"}, args.requests)
        print(f"drivers={args.drivers} requests={args.requests}")
        print(f"bare authenticated view: {bare_result}")
        print(f"report page (drivers, page 1): {page_result}")
        print(f"report page (sorted by share, page 3): {sorted_result}")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
