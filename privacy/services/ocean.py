"""Building the Ocean client from settings: the one place where Django meets ``privacy.ocean``.

The token lives in the shared Django cache so every web, worker and command process reuses one
login; the rate limiter lives in Redis when there is one (all processes together stay under
``OCEAN_MAX_RPS``), else in a lock file under var/ (all processes of this machine).
"""
from __future__ import annotations

import threading

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_noop

from privacy.ocean import (
    FileTokenBucket,
    OceanAuthError,
    OceanClient,
    OceanConfig,
    OceanError,
    OceanRejected,
    OceanUnavailable,
    RedisTokenBucket,
    to_utc_from_local,
)
from privacy.ocean.analysis import PATH as ANALYSIS_PATH
from privacy.ocean.http import LOGIN_PATH
from privacy.services.stored_text import coded, shown

# What views, forms and commands may use of the client package: they reach Ocean only through services
# (import contract "views -> services -> privacy.ocean"), but they catch its errors and convert dates.
__all__ = [
    "OceanAuthError", "OceanError", "OceanRejected", "OceanUnavailable", "ocean_client", "ocean_config",
    "ocean_error_coded", "ocean_error_message", "ocean_error_reason", "to_utc_from_local",
]

_READ_POSTS = frozenset({ANALYSIS_PATH, LOGIN_PATH, "individus/list"})


class AuditedOceanClient(OceanClient):
    """The client services use: every write needs an open audit intent first (issue 15, "audit before
    write"; privacy/services/audit.py). Reads are free. The client package itself stays Django-free."""

    def _write(self, method: str, path: str, *, idempotent: bool, **kw) -> None:
        from privacy.services.audit import write_allowed

        write_allowed(method, path)
        super()._write(method, path, idempotent=idempotent, **kw)

    def raw(self, method: str, path: str, **kw):
        """The probe's door: its writes (``--write-driver``) need an open intent too. Some reads are POSTs
        (the analysis, the drivers list, the login): those stay free."""
        if method.upper() != "GET" and path not in _READ_POSTS:
            from privacy.services.audit import write_allowed

            write_allowed(method, path)
        return super().raw(method, path, **kw)


_clients: dict[tuple[int | None, str], OceanClient] = {}
_lock = threading.Lock()


def _rate_limiter(background: bool = False):
    """The shared bucket; a ``background`` caller takes only slots beyond half the burst (pages first)."""
    limits = {"rate": settings.OCEAN_MAX_RPS, "burst": max(1.0, settings.OCEAN_BURST),
              "keep": max(1.0, settings.OCEAN_BURST) // 2 if background else 0.0}
    if settings.OCEAN_RATELIMIT_REDIS_URL:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # Short timeouts and no redis-py retries: the bucket fails open with a warning when Redis is
        # down, and each Ocean call must not stall for seconds first.
        connection = redis.Redis.from_url(
            settings.OCEAN_RATELIMIT_REDIS_URL,
            socket_timeout=0.5,
            socket_connect_timeout=0.5,
            retry=Retry(NoBackoff(), 0),
        )
        return RedisTokenBucket(connection, **limits)
    return FileTokenBucket(settings.VAR_DIR / "ocean-ratelimit", **limits)


def ocean_config(*, customer_id: int | None = None) -> OceanConfig:
    return OceanConfig(
        base_url=settings.OCEAN_BASE_URL,
        login=settings.OCEAN_LOGIN,
        password=settings.OCEAN_PASSWORD,
        customer_id=customer_id if customer_id is not None else settings.OCEAN_CUSTOMER_ID,
        zone_token=settings.OCEAN_ZONE_TOKEN,
        fiche_jour_tz=settings.OCEAN_FICHEJOUR_TZ,
        period_day_cut=settings.OCEAN_PERIOD_DAY_CUT,
        connect_timeout=settings.OCEAN_CONNECT_TIMEOUT,
        read_timeout=settings.OCEAN_READ_TIMEOUT,
        max_retries=settings.OCEAN_MAX_RETRIES,
    )


def ocean_client(customer=None, *, background: bool = False) -> OceanClient:
    """The client for ``customer`` (a Customer or None for the configured default), one per process.
    ``background``: for workers reading in bulk — its requests give way to the pages' (see _rate_limiter)."""
    customer_id = customer.ocean_customer_id if customer is not None else None
    # ficheJour gives local dates and times: they are read in the customer's own zone.
    tz = customer.time_zone if customer is not None else settings.TIME_ZONE
    with _lock:
        client = _clients.get((customer_id, tz, background))
        if client is None:
            client = AuditedOceanClient(
                ocean_config(customer_id=customer_id),
                token_store=cache,
                rate_limiter=_rate_limiter(background),
                tz=tz,
            )
            _clients[(customer_id, tz, background)] = client
        return client


def ocean_clients_reset() -> None:
    """Forget the per-process clients (tests change settings between cases)."""
    with _lock:
        _clients.clear()


def ocean_ping() -> str:
    """Reachability: a real, cheap read (the entity list) — a cached token alone proves nothing."""
    client = ocean_client()
    count = len(client.entities())
    return f"entities ok ({count})"


def ocean_error_coded(exc: OceanError) -> str:
    """``ocean_error_message`` as a stored text (privacy.services.stored_text), translated when shown."""
    if isinstance(exc, OceanUnavailable):
        return coded(gettext_noop(
            "Ocean cannot be reached right now (%(reason)s). Your input is kept: try again in a moment."
        ), reason=_reason(exc))
    if isinstance(exc, OceanAuthError):
        return coded(gettext_noop(
            "The portal cannot log in to Ocean. Nothing was changed; contact your administrator."))
    if isinstance(exc, OceanRejected):
        return coded(gettext_noop("Ocean refused the request: %(reason)s."), reason=_reason(exc))
    return coded(gettext_noop("Ocean answered with an error: %(reason)s."), reason=_reason(exc))


def _reason(exc: OceanError) -> str:
    """The cause in words: never Ocean's own (English, technical) text, an HTTP method or a path;
    those stay in the log and the audit entry."""
    status = exc.status
    if isinstance(exc, OceanUnavailable):
        if status == 429:
            return coded(gettext_noop("Ocean is receiving too many requests"))
        if status is not None:
            return coded(gettext_noop("Ocean met an internal error"))
        return coded(gettext_noop("Ocean does not answer (connection failed or too slow)"))
    words = {401: gettext_noop("Ocean does not give this account access to these data"),
             403: gettext_noop("Ocean does not give this account access to these data"),
             404: gettext_noop("Ocean does not know this item (any more)"),
             409: gettext_noop("Ocean holds a newer version of these data"),
             400: gettext_noop("Ocean found the request invalid"),
             422: gettext_noop("Ocean found the request invalid")}
    return coded(words.get(status, gettext_noop("Ocean answered with an unexpected error")))


def ocean_error_reason(exc: OceanError) -> str:
    """The cause of a failed Ocean call in words, for a French sentence."""
    return shown(_reason(exc))


def ocean_error_message(exc: OceanError) -> str:
    """What to tell a user about a failed Ocean call (French first through i18n, no internals)."""
    return shown(ocean_error_coded(exc))
