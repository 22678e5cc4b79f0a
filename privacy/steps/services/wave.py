"""A week of trips in about one round trip: everything a driver's week needs starts at once.

On one pool wide enough for the whole wave (``STEPS_FETCH_WORKERS``): the assignment history, both
private-hours reads and the ``ficheJour`` days of the vehicle the fleet directory says the driver has now
(a good guess: assignments rarely change within a week). When the history arrives, any (vehicle, day)
the guess missed starts too, and rows outside the driver's periods are dropped as before — the guess only
decides what starts early, never what is shown. With the history cached (warmed at the home page), the
exact days start at once.

``warm_driver_week`` fetches the history and private hours of a week in the background (the home page
calls it for drivers), so the trips page finds them cached.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache

from privacy.models import Customer
from privacy.services.ocean import OceanError
from privacy.steps.services.classify import PrivacyCalendar, calendar_keys, calendar_start
from privacy.steps.services.fetch import (
    FetchResult,
    RawStep,
    days_between,
    driver_pairs,
    driver_periods,
    driver_periods_key,
    driver_rows,
    fiche_key,
    fiche_start,
    local_today,
)

log = logging.getLogger(__name__)
_WARM_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="steps-warm")
_BACKGROUND = ThreadPoolExecutor(max_workers=8, thread_name_prefix="steps-week")
_in_flight: dict[tuple, Future] = {}
_in_flight_lock = threading.Lock()


@dataclass(slots=True)
class DriverWeek:
    raws: list[RawStep]
    failed: set[tuple[int, date]]
    calendar: PrivacyCalendar | None


def driver_week(customer: Customer, *, driver_id: int, matricule: str, first: date, last: date,
                vehicle_hint: int | None = None) -> DriverWeek:
    """The driver's steps between two local days and their private-hours calendar, in one wave.

    Raises OceanError when the assignment history cannot be read (nothing can be shown without it)."""
    days = [d for d in days_between(first, last) if d <= local_today(customer)]
    with ThreadPoolExecutor(max_workers=max(1, settings.STEPS_FETCH_WORKERS),
                            thread_name_prefix="steps-wave") as pool:
        periods = cache.get(driver_periods_key(customer, driver_id))
        history = pool.submit(driver_periods, customer, driver_id) if periods is None else None
        calendar = calendar_start(customer, driver_id, first, last, pool.submit)
        if periods is not None:
            guessed: set = driver_pairs(customer, periods, first, last)
        else:
            guessed = {(vehicle_hint, d) for d in days} if vehicle_hint else set()
        started = [fiche_start(customer, guessed, pool.submit)]
        if history is not None:
            periods = history.result()  # an OceanError here leaves the pool to finish, then propagates
            exact = driver_pairs(customer, periods, first, last)
            started.append(fiche_start(customer, exact - guessed, pool.submit))
        else:
            exact = guessed
        fetched = FetchResult(steps={}, failed=set())
        for finish in started:
            part = finish()
            fetched.steps.update({p: rows for p, rows in part.steps.items() if p in exact})
            fetched.failed |= part.failed & exact
        return DriverWeek(driver_rows(fetched, periods, matricule), fetched.failed, calendar())


def week_in_background(key: tuple, fetch: Callable[[], object]) -> Future:
    """``fetch`` (upstream reads only: it fills the cache, never touches the database) running in the
    background, or the run already going on for ``key`` in this process: a page that stops waiting after a
    moment and the request its day cards make next share one wave."""
    with _in_flight_lock:
        future = _in_flight.get(key)
        if future is None:
            future = _BACKGROUND.submit(fetch)
            _in_flight[key] = future
            future.add_done_callback(lambda _done: _forget(key, future))
        return future


def _forget(key: tuple, future: Future) -> None:
    with _in_flight_lock:
        if _in_flight.get(key) is future:
            del _in_flight[key]


def driver_week_cached(customer: Customer, driver_id: int, first: date, last: date) -> bool:
    """Whether everything ``driver_week`` needs is in the cache (the page can then show at once)."""
    periods = cache.get(driver_periods_key(customer, driver_id))
    if periods is None:
        return False
    today = local_today(customer)
    fiche = [fiche_key(customer, v, d) for v, d in driver_pairs(customer, periods, first, last) if d <= today]
    calendars = calendar_keys(customer, driver_id, first, last)
    found = cache.get_many(fiche + calendars)
    return all(k in found for k in fiche) and any(k in found for k in calendars)


def warm_driver_week(customer: Customer, driver_id: int, first: date, last: date, *, wait: bool = False) -> None:
    """Fetch (and cache) a driver's assignment history and private hours of a week in the background."""

    def warm() -> None:
        try:
            with ThreadPoolExecutor(max_workers=3, thread_name_prefix="steps-warm-reads") as pool:
                history = pool.submit(driver_periods, customer, driver_id)
                calendar_start(customer, driver_id, first, last, pool.submit)()
                history.result()
        except OceanError as exc:  # only a head start: the page will say what failed
            log.info("warming the week of driver %s failed: %s", driver_id, exc.message)
        except Exception:  # a background warm-up never breaks anything
            log.warning("warming the week of driver %s failed", driver_id, exc_info=True)

    if wait:
        warm()
    else:
        _WARM_POOL.submit(warm)
