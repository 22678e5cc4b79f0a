"""A template applied to an entity by a real Celery worker on Redis and PostgreSQL (run in CI).

The worker is a separate process: it reads the test database (DATABASE_URL → the test DB name), shares
the Redis cache and rate limiter, and calls the simulator started by this test. One driver is made to
fail (the simulator answers 500 for that driver), then retried after the fault is lifted; a second
application of the same template finds every driver already up to date.
"""
from __future__ import annotations

import os
import time
from urllib.parse import parse_qs

import pytest
from django.db import connection

from privacy.schedules.models import BulkApplication, BulkStatus, ScheduleTemplate
from privacy.schedules.services.bulk import bulk_apply_template, bulk_retry_failed
from privacy.services.fleet import fleet_get
from tests.conftest import require_postgres_and_redis
from tests.integration.test_worker import start_worker, stop
from tests.schedules.conftest import DEFAULT_WEEK, sim_week

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
TEMPLATE_WEEK = DEFAULT_WEEK.add_lunch_break()
FAILING_DRIVER = 7002


class FailOneDriver:
    """WSGI wrapper around the simulator: every request about one driver answers 500 while enabled."""

    def __init__(self, app, driver_id: int):
        self.app, self.driver_id, self.enabled = app, str(driver_id), True

    def __call__(self, environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if self.enabled and self.driver_id in query.get("individuId", []):
            start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "application/json")])
            return [b'{"status": 500, "error": "injected"}']
        return self.app(environ, start_response)


@pytest.fixture
def worker_env(sim):
    require_postgres_and_redis("the worker (it must see the test database)")
    db = connection.settings_dict
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "OCEAN_BASE_URL": sim.base_url, "OCEAN_LOGIN": "demo", "OCEAN_PASSWORD": "demo",
        "OCEAN_CUSTOMER_ID": "1110000000", "OCEAN_MAX_RETRIES": "1", "READ_DOT_ENV_FILE": "False",
    })
    return env


def wait_done(application: BulkApplication, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        application.refresh_from_db()
        if application.status == BulkStatus.DONE:
            return
        time.sleep(0.3)
    raise AssertionError(f"application {application.pk} not done: {list(application.items.values('status'))}")


def test_a_real_worker_applies_a_template_to_an_entity_with_a_failure_and_its_retry(
        sim, worker_env, customer, manager):
    template = ScheduleTemplate.objects.create(customer=customer, name="Standard", week=TEMPLATE_WEEK.to_json_days())
    paris = [d for d in fleet_get(customer).drivers.values() if d.entity_id == 122]
    assert FAILING_DRIVER in {d.ocean_id for d in paris}
    fault = FailOneDriver(sim.app.wsgi_app, FAILING_DRIVER)
    original, sim.app.wsgi_app = sim.app.wsgi_app, fault
    worker = start_worker(worker_env)
    try:
        application = bulk_apply_template(actor=manager, customer=customer, template=template, drivers=paris,
                                          valid_from=None)
        wait_done(application)
        items = {i.driver_id: i for i in application.items.all()}
        assert items[FAILING_DRIVER].status == "failed"
        assert "Océan" in items[FAILING_DRIVER].message or "Ocean" in items[FAILING_DRIVER].message
        others = [i for d, i in items.items() if d != FAILING_DRIVER]
        assert others and {i.status for i in others} == {"confirmed"}
        for driver_id in items:
            expected = DEFAULT_WEEK if driver_id == FAILING_DRIVER else TEMPLATE_WEEK
            assert sim_week(sim, driver_id) == expected, driver_id

        fault.enabled = False
        assert bulk_retry_failed(application, actor=manager) == 1
        wait_done(application)
        retried = application.items.get(driver_id=FAILING_DRIVER)
        assert retried.status == "confirmed" and retried.attempts == 2
        assert sim_week(sim, FAILING_DRIVER) == TEMPLATE_WEEK

        again = bulk_apply_template(actor=manager, customer=customer, template=template, drivers=paris,
                                    valid_from=None)
        wait_done(again)
        assert set(again.items.values_list("status", flat=True)) == {"skipped"}
    finally:
        sim.app.wsgi_app = original
        log = stop(worker)
    assert "bulk_application_run" in log, log[-3000:]
