"""Reading steps from Ocean: `ficheJour` per (vehicle, day), cached and fetched concurrently.

ocean-api §5.2: a driver's steps are built from the vehicles they drove (assignment history) and one
`ficheJour` per vehicle and day. Past days are cached for hours (they no longer change), today for
two minutes; the misses of a week are fetched together on a small thread pool, so a week costs about
one upstream latency, not seven. Threads only use the Ocean client and the cache, never the DB.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from privacy.models import Customer
from privacy.ocean import OceanError, OceanRejected
from privacy.ocean.fiche import ocean_days
from privacy.ocean.types import StepPoint
from privacy.services.ocean import ocean_client

log = logging.getLogger(__name__)

PAST_DAY_TTL = 6 * 3600
TODAY_TTL = 2 * 60
ASSIGNMENTS_TTL = 10 * 60


@dataclass(frozen=True, slots=True)
class Place:
    """Where a step starts or ends. Only ever shown to the step's own driver, or for pro steps."""

    address: str
    postal_code: str
    town: str
    poi: str
    latitude: float | None
    longitude: float | None

    @property
    def label(self) -> str:
        town = " ".join(p for p in (self.postal_code, self.town) if p)
        text = ", ".join(p for p in (self.address, town) if p)
        return f"{self.poi} — {text}" if self.poi and text else (self.poi or text)


@dataclass(frozen=True, slots=True)
class RawStep:
    """One ficheJour row reduced to what the portal shows (cached; no Ocean raw JSON kept)."""

    vehicle_id: int
    step_id: int
    start: datetime
    end: datetime
    distance_m: int
    duration_s: int
    driver_matricule: str
    start_place: Place
    end_place: Place


@dataclass(frozen=True, slots=True)
class Period:
    vehicle_id: int
    start: datetime | None
    end: datetime | None

    def contains(self, at: datetime) -> bool:
        return (self.start is None or self.start <= at) and (self.end is None or at < self.end)

    def overlaps_day(self, day: date, tz) -> bool:
        lo = datetime.combine(day, time.min, tzinfo=tz)
        hi = lo + timedelta(days=1)
        return (self.start is None or self.start < hi) and (self.end is None or self.end > lo)


def _place(point: StepPoint) -> Place:
    return Place(
        address=point.address or "", postal_code=point.postal_code or "", town=point.town or "",
        poi=point.poi or "", latitude=point.latitude, longitude=point.longitude,
    )


def local_today(customer: Customer) -> date:
    return timezone.now().astimezone(customer.tz).date()


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def fiche_key(customer: Customer, vehicle_id: int, day: date) -> str:
    return f"privacy:v1:fiche:{customer.pk}:{vehicle_id}:{day.isoformat()}"


def _fetch_one(customer: Customer, vehicle_id: int, day: date) -> tuple[RawStep, ...]:
    try:
        steps = ocean_client(customer).fiche_jour(vehicle_id=vehicle_id, day=day)
    except OceanRejected as exc:
        if exc.status == 404:  # unknown vehicle / nothing found (ocean-api §10.18)
            return ()
        raise
    rows = []
    for s in steps:
        seconds = s.duration_s
        if s.id is None or s.start.when is None or s.end.when is None:
            continue  # a row we cannot key or place in time cannot be shown or declared
        rows.append(RawStep(
            vehicle_id=vehicle_id, step_id=s.id, start=s.start.when, end=s.end.when,
            distance_m=s.distance_m or 0,
            duration_s=seconds if seconds is not None else int((s.end.when - s.start.when).total_seconds()),
            driver_matricule=s.start.driver_matricule or "",
            start_place=_place(s.start), end_place=_place(s.end),
        ))
    return tuple(rows)


@dataclass(slots=True)
class FetchResult:
    steps: dict[tuple[int, date], tuple[RawStep, ...]]
    failed: set[tuple[int, date]]


def fiche_start(customer: Customer, pairs: Iterable[tuple[int, date]],
                submit: Callable) -> Callable[[], FetchResult]:
    """Start what the (vehicle, local day) pairs need on ``submit`` (a pool's submit); the returned function
    waits and gives each pair its steps, whichever clock Ocean cuts its days on (D14): every Ocean day a
    local day straddles is read (a week costs one more call per vehicle) and each row is put back on the
    local day its start falls in, once."""
    sources = {p: [(p[0], d) for d in ocean_days(p[1], p[1], customer.time_zone)] for p in set(pairs)}
    finish_days = _ocean_start(customer, {src for srcs in sources.values() for src in srcs}, submit)

    def finish() -> FetchResult:
        fetched, result = finish_days(), FetchResult(steps={}, failed=set())
        for pair, srcs in sources.items():
            if any(src in fetched.failed for src in srcs):
                result.failed.add(pair)
            elif any(src in fetched.steps for src in srcs):  # else a future day: no steps yet
                rows = {r.step_id: r for src in srcs for r in fetched.steps.get(src, ())
                        if r.start.astimezone(customer.tz).date() == pair[1]}
                result.steps[pair] = tuple(sorted(rows.values(), key=lambda r: r.start))
        return result

    return finish


def _ocean_start(customer: Customer, pairs: Iterable[tuple[int, date]],
                 submit: Callable) -> Callable[[], FetchResult]:
    """Start every (vehicle, Ocean day) not in the cache on ``submit`` and return the function that waits
    for them and caches what came back."""
    today = local_today(customer)
    wanted = sorted({p for p in pairs if p[1] <= today})  # a future day has no steps yet
    keys = {p: fiche_key(customer, *p) for p in wanted}
    cached = cache.get_many(list(keys.values())) if keys else {}
    result = FetchResult(steps={p: cached[k] for p, k in keys.items() if k in cached}, failed=set())
    futures = {p: submit(_fetch_one, customer, *p) for p in wanted if keys[p] not in cached}

    def finish() -> FetchResult:
        past, current = {}, {}
        for pair, future in futures.items():
            try:
                rows = future.result()
            except OceanError as exc:
                log.warning("ficheJour vehicle=%s day=%s failed: %s", pair[0], pair[1], exc.message)
                result.failed.add(pair)
                continue
            result.steps[pair] = rows
            (current if pair[1] == today else past)[keys[pair]] = rows
        if past:
            cache.set_many(past, PAST_DAY_TTL)
        if current:
            cache.set_many(current, TODAY_TTL)
        return result

    return finish


def fiche_days(customer: Customer, pairs: Iterable[tuple[int, date]]) -> FetchResult:
    """Steps of each (vehicle, day): cache first, then every miss at once on a bounded pool."""
    pairs = list(pairs)
    workers = max(1, min(settings.STEPS_FETCH_WORKERS, len(pairs)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fichejour") as pool:
        return fiche_start(customer, pairs, pool.submit)()


def driver_periods_key(customer: Customer, driver_id: int) -> str:
    return f"privacy:v1:assign:driver:{customer.pk}:{driver_id}"


def _driver_vehicles_key(customer: Customer, driver_id: int) -> str:
    return f"privacy:v1:assign:driver-vehicles:{customer.pk}:{driver_id}"


def driver_periods(customer: Customer, driver_id: int) -> list[Period]:
    """The vehicles a driver drove and when (ocean-api §4.2), cached for a few minutes, with the plate and
    on-board unit number each item carries (``driver_vehicles``)."""
    key = driver_periods_key(customer, driver_id)
    periods = cache.get(key)
    if periods is None:
        history = ocean_client(customer).assignment_history(driver_id=driver_id)
        periods = [Period(a.vehicle_id, a.start, a.end) for a in history if a.vehicle_id is not None]
        vehicles = {a.vehicle_id: (a.vehicle_plate or "", a.vehicle_numero_embarque)
                    for a in history if a.vehicle_id is not None}
        cache.set_many({key: periods, _driver_vehicles_key(customer, driver_id): vehicles}, ASSIGNMENTS_TTL)
    return periods


def driver_vehicles(customer: Customer, driver_id: int) -> dict[int, tuple[str, int | None]] | None:
    """(plate, numeroEmbarque) of each vehicle in the driver's cached assignment history; None when not cached."""
    return cache.get(_driver_vehicles_key(customer, driver_id))


def driver_current_vehicle(customer: Customer, driver_id: int) -> int | None:
    """The vehicle of the driver's assignment running now (else the one that ended last), from the cached
    history only; None when it is not cached or holds none."""
    periods = cache.get(driver_periods_key(customer, driver_id))
    return current_vehicle(periods, timezone.now()) if periods else None


def current_vehicle(periods: list[Period], now: datetime) -> int | None:
    """The vehicle of the assignment running at ``now``, else of the one that ended last."""
    running = [p for p in periods if p.contains(now)]
    if running:
        return running[-1].vehicle_id
    ended = [p for p in periods if p.end is not None and p.end <= now]
    return max(ended, key=lambda p: p.end).vehicle_id if ended else None


def vehicle_periods(customer: Customer, vehicle_id: int) -> list[tuple[int, Period]]:
    """(driver id, period) of every assignment of a vehicle, to name unidentified steps' drivers."""
    key = f"privacy:v1:assign:vehicle:{customer.pk}:{vehicle_id}"
    periods = cache.get(key)
    if periods is None:
        history = ocean_client(customer).assignment_history(vehicle_id=vehicle_id)
        periods = [(a.driver_id, Period(vehicle_id, a.start, a.end)) for a in history if a.driver_id]
        cache.set(key, periods, ASSIGNMENTS_TTL)
    return periods


def driver_raw_steps(
    customer: Customer, *, driver_id: int, matricule: str, first: date, last: date
) -> tuple[list[RawStep], set[tuple[int, date]]]:
    """The driver's steps between two local days (ocean-api §5.2 step 3), sorted by start.

    A row belongs to the driver when its start driver's matricule is theirs, or — no driver
    identified on the row — when it starts inside one of their assignment periods of that vehicle.
    """
    periods = driver_periods(customer, driver_id)
    fetched = fiche_days(customer, driver_pairs(customer, periods, first, last))
    return driver_rows(fetched, periods, matricule), fetched.failed


def driver_pairs(customer: Customer, periods: list[Period], first: date, last: date) -> set[tuple[int, date]]:
    """The (vehicle, day) pairs a driver's assignment periods cover between two local days."""
    tz = customer.tz
    return {(p.vehicle_id, d) for d in days_between(first, last) for p in periods if p.overlaps_day(d, tz)}


def driver_rows(fetched: FetchResult, periods: list[Period], matricule: str) -> list[RawStep]:
    """The fetched rows that are the driver's, sorted by start (see ``driver_raw_steps``)."""
    mine: dict[tuple[int, int], RawStep] = {}
    for (vehicle_id, _day), rows in fetched.steps.items():
        vehicle_periods_ = [p for p in periods if p.vehicle_id == vehicle_id]
        for row in rows:
            if row.driver_matricule:
                if not matricule or row.driver_matricule != matricule:
                    continue
            elif not any(p.contains(row.start) for p in vehicle_periods_):
                continue
            mine[(row.vehicle_id, row.step_id)] = row
    return sorted(mine.values(), key=lambda r: (r.start, r.vehicle_id))
