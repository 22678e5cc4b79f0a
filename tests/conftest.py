"""Shared fixtures: customers, one user per role, logged-in clients, real-server guards."""
from __future__ import annotations

import os
import socket
from contextlib import contextmanager
from urllib.parse import urlparse

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from privacy.models import Customer, Role, User

IN_CI = os.environ.get("CI", "").lower() == "true"
# `make mutation` (scripts/mutation.py) runs two mutants at once from one forked process: property
# tests replay the same fixed examples for every mutant ("mutation" profile), and each process keeps its
# own cache (below).
MUTATION_RUN = bool(os.environ.get("MUTATION_RUN"))

# Hypothesis profiles (every property test uses the loaded one): "dev" is quick for a local run, "ci" is
# chosen when CI=true (enough examples per form to matter), "long" is the documented deep run
# (`HYPOTHESIS_PROFILE=long make test`, see SECURITY.md).
_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
hypothesis_settings.register_profile("dev", max_examples=4, deadline=None, suppress_health_check=_HEALTH)
hypothesis_settings.register_profile("ci", max_examples=25, deadline=None, suppress_health_check=_HEALTH,
                                     derandomize=True, print_blob=True)
hypothesis_settings.register_profile("long", max_examples=200, deadline=None, suppress_health_check=_HEALTH,
                                     print_blob=True)
hypothesis_settings.register_profile("mutation", max_examples=50, deadline=None, suppress_health_check=_HEALTH,
                                     derandomize=True, database=None)
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or (
    "mutation" if MUTATION_RUN else "ci" if IN_CI else "dev")
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)


def pytest_addoption(parser):
    parser.addoption(
        "--pin-clock", metavar="YYYY-MM-DD", default=os.environ.get("PIN_CLOCK", ""),
        help="Run the whole session with the clock pinned to that day at 10:00 Europe/Paris (time-machine, "
             "ticking), e.g. a Monday or a Sunday: date-sensitive suites must pass on any weekday (CI does both).",
    )


def pytest_configure(config):
    day = config.getoption("--pin-clock")
    if day:
        from datetime import date, datetime, time
        from zoneinfo import ZoneInfo

        import time_machine

        moment = datetime.combine(date.fromisoformat(day), time(10), tzinfo=ZoneInfo("Europe/Paris"))
        # Ticking, so timeouts and backoffs still elapse; threads (the simulator) see the same clock.
        config._pinned_clock = time_machine.travel(moment, tick=True)
        config._pinned_clock.start()


def pytest_collection_modifyitems(config, items):
    # Under a pinned clock a child process still reads the real date while the in-process simulator reads
    # the pinned one: such tests are left out of the pinned runs (they run in the ordinary one).
    if not config.getoption("--pin-clock"):
        return
    kept = [item for item in items if item.get_closest_marker("real_clock") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def pytest_unconfigure(config):
    if getattr(config, "_pinned_clock", None) is not None:
        config._pinned_clock.stop()


def pytest_report_header(config):
    day = config.getoption("--pin-clock")
    return f"clock pinned to {day} 10:00 Europe/Paris" if day else None
PASSWORD = "correct horse battery"


@contextmanager
def celery_eager():
    """Celery tasks run in-process while inside; afterwards the app reads Django's setting again.

    Setting ``app.conf.task_always_eager`` back to its old value would keep an explicit override that
    shadows ``settings.CELERY_TASK_ALWAYS_EAGER`` for every later test (an order-dependent failure)."""
    from ocean_portal.celery import app

    had, before = "task_always_eager" in app.conf.changes, app.conf.changes.get("task_always_eager")
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        if had:
            app.conf.task_always_eager = before
        else:
            app.conf.changes.pop("task_always_eager", None)


def _missing(message: str) -> None:
    """Skip on a developer's machine; in CI (CI=true) fail instead: CI must run against real servers."""
    if IN_CI:
        pytest.fail(f"{message}; CI=true requires it")
    pytest.skip(message)


def require_server(url: str, what: str) -> None:
    """A real server answering at ``url``, else skip (fail in CI)."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), timeout=1):
            return
    except OSError as exc:
        _missing(f"{what} not reachable at {parsed.hostname}:{parsed.port} ({exc})")


def require_postgres_and_redis(why: str) -> None:
    """The test database on PostgreSQL and a reachable Redis (``why``: what needs them), else skip (fail in CI)."""
    from django.conf import settings
    from django.db import connection

    if not (settings.REDIS_URL and connection.vendor == "postgresql"):
        _missing(f"{why} needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    require_server(settings.REDIS_URL, "Redis")


@pytest.fixture(autouse=True)
def _fast_hasher_and_clean_cache(settings):
    # Argon2 is the production hasher (settings); tests only need a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Trips pages render their day cards in the same answer (tests/steps/test_lazy_days.py turns this on).
    settings.STEPS_LAZY_DAYS = False
    if MUTATION_RUN:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache
    from django.utils import translation

    from privacy.reports.services.cache import forget_recent

    cache.clear()
    forget_recent()  # the reports' in-process copies: test databases reuse ids, production never does
    # The embedded rate limiter's bucket (a file under VAR_DIR, as in production) starts full in each test: a
    # test whose clock is frozen before the bucket's last refill (written by earlier tests at the run's pinned
    # time) never refills it (test-any-day hung in the night's history reads behind an empty bucket).
    (settings.VAR_DIR / "ocean-ratelimit").unlink(missing_ok=True)
    translation.deactivate()  # the default language (French): a test that switched to English leaves nothing behind
    yield
    cache.clear()
    forget_recent()
    translation.deactivate()


@pytest.fixture
def early_2027():
    """For tests whose data are fixed 2027 dates that must stay in the future (Océan never changes the
    past): the clock at Monday 4 January 2027, ticking, so they pass whatever today is."""
    from datetime import UTC, datetime

    import time_machine

    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def customer(db) -> Customer:
    return Customer.objects.create(
        name="Transports Démo", ocean_customer_id=1110000000, code_exploitant="1110000001"
    )


@pytest.fixture
def other_customer(db) -> Customer:
    return Customer.objects.create(name="Autre Société", ocean_customer_id=2220000000, code_exploitant="2220000001")


def make_user(username: str, **fields) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


@pytest.fixture
def manager(customer) -> User:
    return make_user("manager", role=Role.MANAGER, customer=customer, first_name="Marie", last_name="Gestion")


@pytest.fixture
def scoped_manager(customer) -> User:
    """A manager limited to the simulator's entity 122 (Agence Paris)."""
    return make_user("scoped", role=Role.MANAGER, customer=customer, entity_ids=[122])


@pytest.fixture
def driver(customer) -> User:
    return make_user("driver", role=Role.DRIVER, customer=customer, ocean_individu_id=7001, matricule="M0001")


@pytest.fixture
def other_driver(customer) -> User:
    return make_user("driver2", role=Role.DRIVER, customer=customer, ocean_individu_id=7002, matricule="M0002")


@pytest.fixture
def hr(customer) -> User:
    return make_user("hr", role=Role.HR, customer=customer)


@pytest.fixture
def other_manager(other_customer) -> User:
    return make_user("othermanager", role=Role.MANAGER, customer=other_customer)


@pytest.fixture
def other_hr(other_customer) -> User:
    return make_user("otherhr", role=Role.HR, customer=other_customer)


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser(username="admin", password=PASSWORD, email="admin@example.com")


def logged_in(user: User | None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def login():
    """``login(user)`` → a test client logged in as ``user`` (None = anonymous)."""
    return logged_in


# --- The Ocean simulator -------------------------------------------------------------------------
@pytest.fixture(scope="session")
def _sim_server(tmp_path_factory):
    from ocean_sim.testing import SimServer

    with SimServer(db_path=str(tmp_path_factory.mktemp("ocean-sim") / "sim.sqlite3")) as server:
        yield server


@pytest.fixture
def sim(_sim_server, settings):
    """The simulator in its seeded state, with the portal's settings pointing at it.

    Faults, stats and writes are reset before each test; each test starts with no cached token.
    """
    from privacy.services.ocean import ocean_clients_reset

    _sim_server.reset()
    _sim_server.clear_faults()
    _sim_server.set_variants()  # the default reading of the docs (tests switch variants on explicitly)
    _sim_server.reset_stats()
    settings.OCEAN_BASE_URL = _sim_server.base_url
    settings.OCEAN_LOGIN = "demo"
    settings.OCEAN_PASSWORD = "demo"
    settings.OCEAN_CUSTOMER_ID = 1110000000
    settings.OCEAN_CODE_EXPLOITANT = "1110000001"
    settings.OCEAN_MAX_RETRIES = 2
    # After an unanswered write the portal waits before re-reading Ocean; tests need no real pause.
    settings.OCEAN_UNCERTAIN_RECHECK_S = 0.05
    ocean_clients_reset()
    yield _sim_server
    _sim_server.clear_faults()
    _sim_server.set_variants()
    ocean_clients_reset()
