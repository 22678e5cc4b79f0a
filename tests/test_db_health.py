"""The PostgreSQL health check (ocean_portal/postgresql): no query while the connection is quiet, and a
connection the server closed is replaced before the request uses it."""
import time

import pytest
from django.db import connection
from django.db.backends.postgresql import base as django_postgresql

from tests.conftest import _missing


@pytest.fixture
def other(db):
    """A second connection to the test database, its own persistent connection with health checks on."""
    if connection.vendor != "postgresql":
        _missing("the PostgreSQL health check needs DATABASE_URL (PostgreSQL)")
    wrapper = connection.copy()
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


@pytest.fixture
def selects(monkeypatch):
    """Each time Django's own check (its ``SELECT 1``) runs."""
    calls = []
    original = django_postgresql.DatabaseWrapper.is_usable

    def counted(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", counted)
    return calls


def _due_for_a_check(wrapper) -> None:
    wrapper.health_check_enabled, wrapper.health_check_done = True, False  # as at the start of a request


def test_a_quiet_connection_is_reused_without_a_query(other, selects):
    with other.cursor() as cursor:
        cursor.execute("SELECT 42")
        assert cursor.fetchone() == (42,)
    _due_for_a_check(other)
    before = other.connection
    other.close_if_health_check_failed()
    assert other.connection is before and other.health_check_done
    assert selects == []


def test_a_connection_the_server_closed_is_replaced_before_it_is_used(other, selects):
    killed = other.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [killed])
    deadline = time.monotonic() + 5
    while not selects and time.monotonic() < deadline:  # the server's goodbye reaches the socket
        other.is_usable()
        time.sleep(0.01)
    assert selects, "the closed connection's socket never became readable"
    _due_for_a_check(other)
    other.close_if_health_check_failed()
    with other.cursor() as cursor:  # a fresh connection, not an error
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != killed
