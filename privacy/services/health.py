"""Status of what the portal depends on, for /healthz and the setup page."""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
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


OCEAN_STATUS_KEY = "healthz:ocean"


def probe_ocean() -> str:
    """A real, cheap Océan call (the entity list), its outcome cached ``HEALTHZ_OCEAN_CACHE_S`` seconds
    so a polling load balancer or an anonymous caller never drives traffic to Océan."""
    from privacy.services.ocean import ocean_ping

    try:
        remembered = cache.get(OCEAN_STATUS_KEY)
    except Exception:  # noqa: BLE001 - the cache being down is reported by its own check
        remembered = None
    if remembered is None:
        try:
            remembered = (True, ocean_ping())
        except Exception as exc:  # noqa: BLE001 - reported, never raised
            remembered = (False, f"{type(exc).__name__}: {exc}"[:200])
        try:
            cache.set(OCEAN_STATUS_KEY, remembered, settings.HEALTHZ_OCEAN_CACHE_S)
        except Exception:  # noqa: BLE001, S110 - see above
            pass
    ok, detail = remembered
    if not ok:
        raise RuntimeError(detail)
    return detail


def health_checks() -> list[Check]:
    return [
        timed_check("database", probe_database),
        timed_check("cache", probe_cache),
        timed_check("broker", probe_broker),
        timed_check("ocean", probe_ocean),
    ]
