"""Who had which vehicle when: each driver's assignment history in Océan (ocean-api §4.2), kept for the
benefit pages (the year's page and the payroll month).

Océan answers one driver per call, so a fleet of 1,000 drivers is 1,000 calls — 100 s at the portal's
10 requests a second. A page never waits for that (issue 16: the load test's benefit page held every
web thread and the shared rate limiter): a few missing histories (``INLINE_READS``, one wave) are read
in the request, side by side; more are read by a worker (``privacy.reports.tasks.benefit_histories``)
through the rate limiter's background door, and the page shows those drivers as being read and fills
itself in. Each night the year's histories are read again with the reports (``nightly_reading``), so the
pages HR opens by day are complete and stay as they are, like the reports' own "as of last night" figures.
A history is reused for ``HISTORY_FRESH_S`` (a day and the nightly window); older, it is still shown (for up
to ``HISTORY_KEEP_S``) while a worker reads it again. A failed read is remembered for ``FAILED_KEEP_S`` so the
page shows its fallback (the current vehicle for the year, with a note) instead of waiting forever.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache

from privacy.models import Customer
from privacy.services.jobs import job_send_now
from privacy.services.ocean import OceanError, ocean_client

logger = logging.getLogger(__name__)
HISTORY_FRESH_S = 26 * 3600
NIGHTLY_OLDER_THAN_S = 12 * 3600  # the night's reading skips what a page had read since the evening
HISTORY_KEEP_S = 7 * 24 * 3600
FAILED_KEEP_S = 5 * 60
INLINE_READS = 10  # at most one wave of reads within the rate limiter's burst
CHUNK = 50  # a worker keeps what it read every CHUNK drivers (a page of the benefit page) so pages fill in
READ_TASK = "privacy.reports.tasks.benefit_histories"

Items = list[tuple[int | None, str | None, str | None, bool]]  # (vehicle, first day, last day, company car)


@dataclass
class Histories:
    """The histories of some drivers as a page can use them now."""

    items: dict[int, Items] = field(default_factory=dict)  # read (possibly a little old)
    failed: set[int] = field(default_factory=set)  # Océan could not say, lately
    pending: set[int] = field(default_factory=set)  # being read by a worker

    def of(self, driver_id: int) -> Items | None:
        """The driver's history, or None when it could not be read."""
        return self.items.get(driver_id)


def _key(customer_id: int, driver_id: int) -> str:
    return f"privacy:v2:benefit:assign:{customer_id}:{driver_id}"


def _version_key(customer_id: int) -> str:
    return f"privacy:v2:benefit:assign-version:{customer_id}"


def _queued_key(customer_id: int) -> str:
    return f"privacy:v2:benefit:assign-queued:{customer_id}"


def _local_day(value: datetime | None, tz):
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(tz).date()


def _history(customer: Customer, driver_id: int, *, background: bool = False) -> Items:
    """One driver's history from Océan, as local days (the one upstream read; tests replace it)."""
    tz, items = customer.tz, []
    for a in ocean_client(customer, background=background).assignment_history(driver_id=driver_id):
        if a.driver_id not in (None, driver_id):
            continue
        start, end = _local_day(a.start, tz), None
        if a.end is not None:  # the end instant is exclusive: its last day is the day before at midnight
            end = _local_day(a.end - timedelta(microseconds=1), tz)
        items.append((a.vehicle_id, start and start.isoformat(), end and end.isoformat(), a.company_car))
    return items


def read_histories(customer: Customer, driver_ids: list[int], *, background: bool = False) -> None:
    """Read and keep the histories of ``driver_ids`` side by side (a failure is kept as such)."""
    if not driver_ids:
        return

    def one(driver_id: int) -> tuple[str, dict]:
        try:
            return _key(customer.pk, driver_id), {"at": time.time(), "items": _history(
                customer, driver_id, background=background)}
        except OceanError as exc:
            logger.warning("benefit: assignment history of driver %s unavailable (%s)", driver_id, exc)
            return _key(customer.pk, driver_id), {"at": time.time(), "failed": True}

    workers = max(1, min(len(driver_ids), settings.STEPS_FETCH_WORKERS))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="benefit-history") as pool:
        found = dict(pool.map(one, driver_ids))
    read = {k: v for k, v in found.items() if not v.get("failed")}
    cache.set_many(read, HISTORY_KEEP_S)
    cache.set_many({k: v for k, v in found.items() if k not in read}, FAILED_KEEP_S)
    cache.set(_version_key(customer.pk), f"{time.time():.6f}", HISTORY_KEEP_S)


def histories_version(customer: Customer) -> str:
    """Changes whenever a history is read again (part of the benefit page's cache key)."""
    return cache.get(_version_key(customer.pk)) or "0"


def to_read(customer: Customer, driver_ids: list[int], older_than_s: float | None = None) -> list[int]:
    """The drivers whose history is missing or older than ``older_than_s`` (``HISTORY_FRESH_S`` unless
    said): what a worker reads."""
    entries = _entries(customer, driver_ids)
    now, limit = time.time(), HISTORY_FRESH_S if older_than_s is None else older_than_s
    return [d for d in driver_ids if d not in entries or now - entries[d]["at"] > limit]


def histories(customer: Customer, driver_ids: list[int], *, everyone: list[int] | None = None) -> Histories:
    """What a page can show now for ``driver_ids``: a few missing ones are read in place; more, or old
    ones, are handed to a worker, which reads those of ``everyone`` (the page's whole list, so the next
    pages are ready too)."""
    entries = _entries(customer, driver_ids)
    now = time.time()
    missing = [d for d in driver_ids if d not in entries]
    old = [d for d, e in entries.items() if not e.get("failed") and now - e["at"] > HISTORY_FRESH_S]
    if missing and len(missing) <= INLINE_READS:
        read_histories(customer, missing)
        entries |= _entries(customer, missing)
    elif missing or old:
        request_reading(customer, everyone or driver_ids)
        entries |= _entries(customer, missing)  # a worker in this process (eager mode) already read them
    result = Histories()
    for driver_id in driver_ids:
        entry = entries.get(driver_id)
        if entry is None:
            result.pending.add(driver_id)
        elif entry.get("failed"):
            result.failed.add(driver_id)
        else:
            result.items[driver_id] = entry["items"]
    return result


def request_reading(customer: Customer, driver_ids: list[int], older_than_s: float | None = None) -> bool:
    """Queue one worker read of these drivers' missing or old histories (once per customer at a time)."""
    if not cache.add(_queued_key(customer.pk), 1, 10 * 60):
        return False
    try:
        job_send_now(READ_TASK, customer.pk, list(driver_ids), *([older_than_s] if older_than_s else []))
    except Exception:  # noqa: BLE001 - broker down: the page says "being read"; the next view queues again
        cache.delete(_queued_key(customer.pk))
        logger.warning("benefit: could not queue the assignment histories of customer %s", customer.pk,
                       exc_info=True)
        return False
    return True


def nightly_reading(customer: Customer, driver_ids: list[int]) -> bool:
    """The night's reading of the year's histories (queued by the reports' nightly tick)."""
    return bool(driver_ids) and request_reading(customer, driver_ids, NIGHTLY_OLDER_THAN_S)


def worker_read(customer: Customer, driver_ids: list[int], older_than_s: float | None = None) -> None:
    """The worker's pass: the missing and old histories, in the pages' order, through the background
    door; kept every ``CHUNK`` drivers so the first page is complete long before the last."""
    wanted = to_read(customer, driver_ids, older_than_s)
    try:
        for first in range(0, len(wanted), CHUNK):
            read_histories(customer, wanted[first:first + CHUNK], background=True)
    finally:
        cache.delete(_queued_key(customer.pk))


def _entries(customer: Customer, driver_ids: list[int]) -> dict[int, dict]:
    keys = {_key(customer.pk, d): d for d in driver_ids}
    return {keys[k]: v for k, v in cache.get_many(list(keys)).items()}
