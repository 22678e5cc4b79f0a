"""Exception hierarchy of the Océan client.

Callers (views, Celery tasks) only need to know three things: retry later
(`OceanUnavailable`), do not retry (`OceanRejected`), or fix the credentials
(`OceanAuthError`). Every message is safe to show: it never contains the token
or the password, and upstream text is truncated.
"""

from __future__ import annotations

MAX_MESSAGE = 200


def _clip(text: str, limit: int = MAX_MESSAGE) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class OceanError(Exception):
    """Base class of everything this package raises on purpose."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.message = _clip(message)
        self.status = status
        super().__init__(self.message)


class OceanUnavailable(OceanError):
    """Transient failure: connection error, timeout, 429, 5xx after the retries
    were spent, or a rate-limiter wait that would exceed its bound.

    `outcome_unknown` is True when a non-idempotent write may have been applied
    upstream (read timeout / 5xx): re-read before trying again.
    `retry_after` (seconds) is set when the server asked for a longer pause than
    the client is allowed to sleep.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after
        self.outcome_unknown = outcome_unknown


class OceanRejected(OceanError):
    """Permanent refusal (4xx other than 401/429, or a `false` body on a write).

    `status` is the HTTP status; `message` carries the upstream text (truncated).
    """

    def __init__(self, status: int, message: str = "") -> None:
        super().__init__(message or f"HTTP {status}", status=status)

    def __str__(self) -> str:
        return f"Ocean rejected the request (HTTP {self.status}): {self.message}"


class OceanAuthError(OceanError):
    """Login refused (401/403 on authenticate2) or a 401 that survived one
    re-login and one replay."""
