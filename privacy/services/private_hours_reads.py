"""A driver's private hours as Océan sends them, read once for every page that needs them.

The trips pages' masking (steps area) and the private-hours pages (schedules area) read the same two
lists: the recurring slots (ocean-api §6.2, no window) and the exceptional periods (§6.5, a window).
Read separately — per page, per week of trips, per process, each first visitor on its own — a driver
cost up to eight requests in the first minute of a busy morning instead of two, all of them on Océan's
shared rate limit, with pages holding a thread while they queued behind each other (issue 16's load test:
"my private hours" pages waiting 17 s). Here each list is read once and kept under the private hours'
generation (``private_hours.py``): a write through the portal makes the next read a new one, a change made
in Océan itself shows within ``READ_TTL``. Readers that miss at the same moment share one request: the
threads of a process wait for its first reader; other processes wait for the one that took the shared
``:reading`` mark (and read themselves if it never comes).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime, timedelta
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone

from privacy.models import Customer
from privacy.ocean.types import ExceptionalPeriod, ScheduleEntry
from privacy.services.ocean import ocean_client
from privacy.services.private_hours import private_hours_generation

# The masking of trips reads through here: a change made in Océan itself (not through the portal) must
# show within minutes.
READ_TTL = 2 * 60
# The exceptional periods' window, around now: what a manager may look back on, far enough ahead for next
# year; a trips week outside it reads its own window.
LOOK_BACK = timedelta(days=2 * 366)
LOOK_AHEAD = timedelta(days=3 * 366)
# How long other processes wait for the reader that took the mark: a read may queue on the rate limiter
# (its ``max_wait`` is 30 s) and then take Océan's read timeout; past this they read themselves.
READING_WAIT_S = 35.0
POLL_S = 0.05

T = TypeVar("T")
_flights: dict[str, Future] = {}
_flights_lock = threading.Lock()


def _key(kind: str, customer: Customer, driver_id: int) -> str:
    generation = private_hours_generation(customer.pk, driver_id)
    return f"privacy:v1:{kind}:{customer.pk}:{driver_id}:{generation}"


def recurring_read(customer: Customer, driver_id: int, *, fresh: bool = False) -> tuple[ScheduleEntry, ...]:
    """Every recurring slot of the driver, all versions (one GET, or none when read lately).
    ``fresh``: read now (a save's conflict check and read-back) and keep that answer for the others."""
    key = _key("recurring", customer, driver_id)
    return _read_once(key, lambda: tuple(ocean_client(customer).recurring_get(driver_id=driver_id)), fresh)


def exceptional_read(customer: Customer, driver_id: int, *, fresh: bool = False) -> tuple[ExceptionalPeriod, ...]:
    """The driver's exceptional periods from ``LOOK_BACK`` ago to ``LOOK_AHEAD`` ahead (one GET, or none)."""
    return _shared_window(customer, driver_id, fresh)[1]


def exceptional_between(customer: Customer, driver_id: int, start: datetime, end: datetime
                        ) -> tuple[ExceptionalPeriod, ...]:
    """The periods overlapping [start, end): from the shared list when the window lies within it, else read
    for that window alone (a trips week more than ``LOOK_BACK`` ago)."""
    (lo, hi), periods = _shared_window(customer, driver_id, False)
    if not lo <= start <= end <= hi:
        periods = tuple(ocean_client(customer).exceptional_list(driver_id=driver_id, start=start, end=end))
    return tuple(p for p in periods if p.start is None or p.end is None or (p.start < end and p.end > start))


def _shared_window(customer: Customer, driver_id: int, fresh: bool) -> tuple[tuple[datetime, datetime], tuple]:
    """The shared list of exceptional periods with the window it was read for (around the time of the read)."""
    def read():
        now = timezone.now()
        start, end = now - LOOK_BACK, now + LOOK_AHEAD
        return (start, end), tuple(ocean_client(customer).exceptional_list(driver_id=driver_id, start=start, end=end))

    return _read_once(_key("exceptional", customer, driver_id), read, fresh)


def _read_once(key: str, read: Callable[[], T], fresh: bool) -> T:
    """The cached answer under ``key``, or ``read()``'s, shared with every reader missing at the same time.
    A ``fresh`` reader (a save's conflict check or read-back) joins nobody: a read that started before its
    write would not show it."""
    if fresh:
        return _store(key, read())
    if (found := cache.get(key)) is not None:
        return found
    with _flights_lock:
        flight = _flights.get(key)
        leader = flight is None
        if leader:
            flight = _flights[key] = Future()
    if not leader:
        return flight.result()
    try:
        value = _read_across_processes(key, read)
    except BaseException as exc:
        flight.set_exception(exc)
        raise
    else:
        flight.set_result(value)
        return value
    finally:
        with _flights_lock:
            _flights.pop(key, None)


def _read_across_processes(key: str, read: Callable[[], T]) -> T:
    mark = key + ":reading"
    if cache.add(mark, 1, int(READING_WAIT_S)):
        try:
            return _store(key, read())
        finally:
            cache.delete(mark)
    deadline = time.monotonic() + READING_WAIT_S
    while time.monotonic() < deadline:
        time.sleep(POLL_S)
        if (found := cache.get(key)) is not None:
            return found
        if cache.get(mark) is None:  # the reader failed: its error is its own page's, try once here
            break
    return _store(key, read())


def _store(key: str, value: T) -> T:
    cache.set(key, value, READ_TTL)
    return value
