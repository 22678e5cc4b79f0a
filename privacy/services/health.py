"""Status of what the portal depends on, for /healthz and the setup page."""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.db import connection

# Beat writes its last run here every minute (privacy.tasks.beat_heartbeat); status pages read it.
BEAT_HEARTBEAT_KEY = "beat:last-run"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str
    ms: int


def timed_check(name: str, probe: Callable[[], str]) -> Check:
    started = time.monotonic()
    try:
        detail, ok = probe(), True
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure, it never raises
        detail, ok = f"{type(exc).__name__}: {exc}"[:200], False
        log.warning("health check %s failed: %s", name, detail)
    return Check(name, ok, detail, int((time.monotonic() - started) * 1000))


def probe_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def probe_cache() -> str:
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, 10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("value written was not read back")
    finally:
        cache.delete(key)
    return caches["default"].__class__.__name__


def probe_broker() -> str:
    from ocean_portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return conn.transport.driver_type


def probe_ocean() -> str:
    from privacy.services.ocean import ocean_ping

    return ocean_ping()


def health_checks() -> list[Check]:
    return [
        timed_check("database", probe_database),
        timed_check("cache", probe_cache),
        timed_check("broker", probe_broker),
        timed_check("ocean", probe_ocean),
    ]
