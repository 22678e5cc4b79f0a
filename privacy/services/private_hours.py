"""When a driver's private hours changed: a generation token the caches of private hours are keyed on.

The trips pages (steps area) cache a driver's private-hours calendar; the schedules area, its bulk
template runs, the leave-calendar sync and the CLI write the weekly grid and the exceptional periods.
Areas may not import each other, so the core keeps, per customer and per (customer, driver), a token in
the shared cache. Every write to private hours goes through ``audit_write``, which calls
``private_hours_changed`` when the write ends, whatever its outcome (confirmed, refused, unknown, an
exception): the token is replaced, and a calendar cached under the old one is never read again — even
one whose read started before the write and was stored after it. A write that names no driver (the CLI
deleting a period by its id) replaces the customer's token: every driver of the customer reads again.

A token is random, never a counter: a key that expired or was evicted comes back as a *new* token
(``cache.add``), so an evicted generation can never bring back a calendar cached before a change.
"""
from __future__ import annotations

import secrets
import threading

from django.core.cache import cache

# Every audited action that changes what ``PrivacyCalendar`` is built from (ocean-api §6.2–6.7).
PRIVATE_HOURS_ACTIONS = frozenset({
    "schedule.set", "schedule.delete", "schedule.delete_slot", "template.apply",
    "period.add", "period.update", "period.delete",
})
# Any value is safe (an expired token only costs one read again); a day keeps idle drivers' keys few.
GENERATION_TTL = 24 * 3600
_creating = threading.Lock()


def _customer_key(customer_id: int) -> str:
    return f"privacy:v1:private-hours-gen:{customer_id}"


def _driver_key(customer_id: int, driver_id: int) -> str:
    return f"privacy:v1:private-hours-gen:{customer_id}:{driver_id}"


def _token() -> str:
    return secrets.token_hex(6)


def private_hours_generation(customer_id: int, driver_id: int) -> str:
    """The token of the driver's private hours as they are now: part of every cache key built from them."""
    keys = (_customer_key(customer_id), _driver_key(customer_id, driver_id))
    found = cache.get_many(keys)
    if len(found) < len(keys):
        # The embedded file cache's ``add`` checks then writes: the threads of a process at least agree
        # (a page's reads start together and would otherwise key the same lists differently).
        with _creating:
            found = cache.get_many(keys)
            for key in keys:
                if key not in found:
                    cache.add(key, _token(), GENERATION_TTL)  # two first readers agree on the one that was added
                    found[key] = cache.get(key) or _token()  # a cache that keeps nothing: never reuse a calendar
    return f"{found[keys[0]]}.{found[keys[1]]}"


def private_hours_changed(customer_id: int, driver_id: int | None = None) -> None:
    """A write to the driver's private hours ended (any outcome): caches of the old ones are not read again.
    Without a driver, every driver of the customer."""
    key = _customer_key(customer_id) if driver_id is None else _driver_key(customer_id, driver_id)
    cache.set(key, _token(), GENERATION_TTL)
