"""A real Celery worker (Redis broker, PostgreSQL test database) runs a refresh queued from the page,
against a simulator started by the test."""
from __future__ import annotations

import os
import time

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from privacy.reports.models import ReportRefresh, ReportRow
from tests.conftest import IN_CI, require_server
from tests.integration.test_worker import start_worker, stop

from .conftest import previous_month

pytestmark = pytest.mark.integration


@pytest.fixture
def worker_env(transactional_db, _sim_server):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        message = "needs DATABASE_URL (PostgreSQL) and REDIS_URL: the worker must share the test database"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    require_server(settings.REDIS_URL, "Redis")
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "OCEAN_BASE_URL": _sim_server.base_url,
            "OCEAN_LOGIN": "demo", "OCEAN_PASSWORD": "demo", "OCEAN_CUSTOMER_ID": "1110000000",
            "CELERY_TASK_ALWAYS_EAGER": "False"}


def test_a_real_worker_runs_a_refresh_queued_from_the_page(worker_env, sim, customer, hr, login):
    period = previous_month(customer)
    worker = start_worker(worker_env)
    try:
        response = login(hr).post(reverse("privacy:report_refresh"), period.query(), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        refresh = ReportRefresh.objects.get()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            refresh.refresh_from_db()
            if not refresh.is_active:
                break
            time.sleep(0.5)
    finally:
        log = stop(worker)
    assert refresh.status == ReportRefresh.Status.DONE, (refresh.message, log[-3000:])
    assert ReportRow.objects.filter(snapshot__is_current=True, kind="driver").count() >= 15
    page = login(hr).get(reverse("privacy:reports"), period.query()).content.decode()
    assert "DUPONT" in page or "Agence" in page
