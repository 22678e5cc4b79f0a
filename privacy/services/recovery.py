"""The recovery pass run by beat (issue 15): after a crash, every page ends in a final state.

Each area knows how to resume its own work; this module only calls them in order (dotted paths: the
core does not import the areas at import time) and purges old released leases. See ocean_portal/settings.py
("Crash safety") for the timings.
"""
from __future__ import annotations

import logging

from django.utils.module_loading import import_string

from privacy.services.audit import audit_resolve_open
from privacy.services.leases import leases_purge

log = logging.getLogger(__name__)

AREA_RECOVERIES = (
    "privacy.schedules.services.bulk.bulk_recover",
    "privacy.reports.services.ingest.refresh_recover",
    "privacy.steps.services.send.declarations_recover",
)


def recover_all() -> dict[str, int]:
    """Resume or finish dead work, then settle audit intents left open; returns what was done."""
    done: dict[str, int] = {}
    for path in AREA_RECOVERIES:
        try:
            done.update(import_string(path)())
        except Exception:  # one area failing (its database table locked, Ocean down) never stops the others
            log.exception("recovery %s failed", path)
    for outcome, n in audit_resolve_open().items():
        done[f"intent_{outcome}"] = n
    done["leases_purged"] = leases_purge()
    if any(done.values()):
        log.info("recovery: %s", {k: v for k, v in done.items() if v})
    return done
