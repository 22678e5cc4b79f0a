"""Writes whose outcome Ocean left unknown: settle, re-read, then tell the user the truth.

A read timeout or a 5xx on a write does not say whether Ocean applied it (a slow server may finish
the work after the client gave up). Resending blindly could apply a change twice (exceptional
periods are not idempotent); reporting "failed" could hide a change that did happen. So the services
wait a moment for an in-flight request to land, re-read the driver's state and compare it with what
was asked. Only when even the re-read fails is the user told the outcome is unknown.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings

from privacy.ocean import OceanError

APPLIED, NOT_APPLIED, UNKNOWN = "applied", "not_applied", "unknown"
RECHECKS = 2


def recheck(is_applied: Callable[[], bool]) -> str:
    """``is_applied`` re-reads Ocean (fresh, no cache) and says whether the wanted state is there."""
    for _attempt in range(RECHECKS):
        time.sleep(settings.OCEAN_UNCERTAIN_RECHECK_S)
        try:
            return APPLIED if is_applied() else NOT_APPLIED
        except OceanError:
            continue
    return UNKNOWN
