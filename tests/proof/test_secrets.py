"""The Ocean token, the Ocean password and users' passwords never reach a page or a log line.

A full scenario runs with every logger at DEBUG and every response body kept: logins through the
real form, a grid save, a period added, a declaration, a report refresh, CLI calls, an expired token
(401 → re-login) and an upstream failure. Then everything captured is searched for the secrets.
"""
from __future__ import annotations

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from privacy.services.ocean import ocean_clients_reset
from tests.conftest import PASSWORD
from tests.schedules.conftest import DEFAULT_WEEK, grid_post
from tests.steps.conftest import find_row

OCEAN_PASSWORD = "Oc3an-S3cret-pw!9"
LOGGERS = ("", "django", "django.request", "django.db.backends", "privacy", "celery", "urllib3", "werkzeug",
           "axes", "ocean_sim", "requests")


@pytest.fixture(scope="module")
def secret_sim(tmp_path_factory):
    """A simulator of its own whose Ocean password is distinctive enough to search for."""
    from ocean_sim.testing import SimServer

    path = str(tmp_path_factory.mktemp("sim-secrets") / "sim.sqlite3")
    with SimServer(db_path=path, password=OCEAN_PASSWORD) as server:
        yield server


@pytest.fixture
def ocean_settings(secret_sim, settings):
    settings.OCEAN_BASE_URL, settings.OCEAN_LOGIN = secret_sim.base_url, "demo"
    settings.OCEAN_PASSWORD = OCEAN_PASSWORD
    settings.OCEAN_CUSTOMER_ID, settings.OCEAN_CODE_EXPLOITANT = 1110000000, "1110000001"
    settings.OCEAN_MAX_RETRIES = 1
    settings.CELERY_TASK_ALWAYS_EAGER = True
    ocean_clients_reset()
    secret_sim.reset()
    secret_sim.clear_faults()
    yield secret_sim
    secret_sim.clear_faults()
    ocean_clients_reset()


def _issued_tokens(sim) -> set[str]:
    with sim.state._tokens_lock:  # the simulator's own record of every live token
        return set(sim.state._tokens)


def _log_text(records) -> str:
    parts = []
    for record in records:
        parts.append(record.getMessage())
        parts.append(repr({k: v for k, v in vars(record).items() if k not in ("msg", "args", "exc_info")}))
        if record.exc_text:
            parts.append(record.exc_text)
    return "\n".join(parts)


def test_no_secret_in_any_page_or_log_line(ocean_settings, caplog, customer, manager, driver, hr,
                                           django_capture_on_commit_callbacks):
    sim, bodies, tokens = ocean_settings, [], set()
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)

    def keep(response):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        bodies.append(body.decode("utf-8", "replace") + "\n" + "\n".join(f"{k}: {v}" for k, v in response.items()))
        return response

    def logged_in(user) -> Client:
        client = Client(raise_request_exception=False)
        keep(client.get(reverse("login")))
        answer = keep(client.post(reverse("login"), {"username": user.username, "password": PASSWORD}))
        assert answer.status_code == 302
        return client

    boss, me, rh = logged_in(manager), logged_in(driver), logged_in(hr)
    keep(Client().post(reverse("login"), {"username": "manager", "password": PASSWORD + "x"}))  # a failed login
    keep(boss.get("/drivers/"))
    saved = keep(boss.post("/drivers/7001/", grid_post(DEFAULT_WEEK.add_lunch_break(), action="save")))
    assert saved.status_code in (200, 302)
    keep(boss.post("/drivers/7001/periods/", {"label": "CONGES", "start_date": "2027-07-05",
                                              "end_date": "2027-07-09"}))
    row = find_row(customer, driver)
    with django_capture_on_commit_callbacks(execute=True):
        keep(me.post(f"/trips/{row.vehicle_id}/{row.step_id}/declare/",
                     {"day": row.day.isoformat(), "private": "true"}))
    keep(me.get("/trips/", follow=True))
    with django_capture_on_commit_callbacks(execute=True):
        keep(rh.post(reverse("privacy:report_refresh"), {}))
    keep(rh.get("/reports/"))
    tokens |= _issued_tokens(sim)
    out, err = StringIO(), StringIO()
    for command in (("ping",), ("drivers",), ("schedule", "show", "--driver", "7001")):
        call_command("ocean", *command, stdout=out, stderr=err)
    tokens |= _issued_tokens(sim)
    sim.set_faults(expire_tokens=True)  # the next call gets a 401 and logs in again
    keep(boss.get("/drivers/7002/"))
    tokens |= _issued_tokens(sim)
    sim.set_faults(error_rate=1.0)  # Ocean fails
    keep(boss.get("/drivers/7003/"))
    keep(boss.post("/drivers/7003/", grid_post(DEFAULT_WEEK, action="save")))
    sim.clear_faults()
    tokens |= _issued_tokens(sim)

    assert len(tokens) >= 2, "the scenario should have logged in to Ocean at least twice"
    assert sim.stats()["by_endpoint"].get("POST auth/authenticate2", 0) >= 2
    captured = {"pages": "\n".join(bodies), "logs": _log_text(caplog.records),
                "cli": out.getvalue() + err.getvalue()}
    assert len(captured["logs"]) > 1000 and "authenticate2" in captured["logs"]  # the logs were really captured
    secrets = {"Ocean password": OCEAN_PASSWORD, "user password": PASSWORD}
    secrets |= {f"Ocean token {t[:6]}…": t for t in tokens} | {f"half token {t[:6]}…": t[:32] for t in tokens}
    leaks = [f"{what} in {where}" for what, secret in secrets.items() for where, text in captured.items()
             if secret in text]
    assert not leaks, leaks
