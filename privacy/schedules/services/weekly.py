"""A driver's recurring private hours in Ocean: read (versions, current week), save and confirm.

Ocean is the record (ocean-api §6.2–6.4): every save sends the WHOLE week (recurring POST) and is
confirmed only by reading it back. A week without any private hour is reached with the DELETE
endpoint (the documented way to remove slots; an empty POST body is not documented). Reads are
cached for a few minutes per driver so the drivers list and the driver page never read the same
schedule twice; every write here drops that cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import groupby

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from privacy.models import Customer, User
from privacy.ocean import OceanError
from privacy.ocean.dates import apply_now_start
from privacy.ocean.errors import OceanRejected, OceanUnavailable
from privacy.services.audit import REFUSED, audit_write
from privacy.services.concurrency import check_version, remember
from privacy.services.ocean import ocean_client, ocean_error_coded, ocean_error_message
from privacy.services.private_hours_reads import recurring_read
from privacy.services.stored_text import coded, shown
from privacy.services.uncertain import APPLIED, UNKNOWN, recheck
from privacy.week import WeeklySchedule, WeekValidationError

SCHEDULE_TTL = 5 * 60
# "Now" as the user meant it: a start typed or defaulted a few seconds ago is not in the past
# (the simulator and, we assume, Ocean tolerate the same minute).
PAST_TOLERANCE = timedelta(minutes=1)
_MIN = datetime.min.replace(tzinfo=UTC)
_MAX = datetime.max.replace(tzinfo=UTC)


class ScheduleError(Exception):
    """A save that did not happen (or was not confirmed); ``message`` is shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None, unknown: bool = False,
                 code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.unknown = unknown  # Ocean may or may not have applied it (not even a re-read answered)
        self.code = code  # the same message as a stored text (bulk-run details), translated when shown

    @property
    def stored(self) -> str:
        return self.code or self.message


def verdict_after(exc: OceanError, is_applied) -> str:
    """After a failed write: re-read when Ocean may have applied it anyway (see services/uncertain.py)."""
    if isinstance(exc, OceanUnavailable):
        return recheck(is_applied)
    return "not_applied"  # a refusal or a login problem: Ocean did not process the write


def failure_error(exc: OceanError, verdict: str) -> ScheduleError:
    """The error for a write that is not confirmed: not applied (try again) or unknown (look first)."""
    if verdict == UNKNOWN:
        code = coded(gettext_noop(
            "Ocean did not answer in time and could not be checked afterwards: the change may or may "
            "not have been applied. Reload the page to see what Ocean holds before trying again."))
        return ScheduleError(shown(code), unknown=True, code=code)
    return ScheduleError(ocean_error_message(exc), code=ocean_error_coded(exc))


@dataclass(frozen=True)
class ScheduleVersion:
    """One validity period of the weekly grid (closed versions are history, never changed)."""

    valid_from: datetime | None
    valid_until: datetime | None
    week: WeeklySchedule

    def state(self, now: datetime) -> str:
        if self.valid_until is not None and self.valid_until <= now:
            return "past"
        if self.valid_from is not None and self.valid_from > now:
            return "future"
        return "current"


@dataclass(frozen=True)
class DriverSchedule:
    versions: tuple[ScheduleVersion, ...]  # newest first

    def at(self, moment: datetime) -> WeeklySchedule:
        for version in self.versions:
            if version.state(moment) == "current":
                return version.week
        return WeeklySchedule.empty()

    @property
    def current(self) -> WeeklySchedule:
        """The week in force from the next "apply now" start: a week saved a moment ago counts."""
        return self.at(apply_now_start(timezone.now()))

    def current_version(self) -> ScheduleVersion | None:
        moment = apply_now_start(timezone.now())
        return next((v for v in self.versions if v.state(moment) == "current"), None)


def _key(customer: Customer, driver_id: int) -> str:
    return f"privacy:v1:schedule:{customer.pk}:{driver_id}"


def _versions(entries) -> tuple[ScheduleVersion, ...]:
    """Group the flat slot list (ocean-api §6.2) by validity; each group is one version."""

    def bounds(e):
        return (e.valid_from or _MIN, e.valid_until or _MAX)

    versions = []
    for (start, end), group in groupby(sorted(entries, key=bounds), key=bounds):
        if start >= end:
            continue  # a version closed the instant it began holds nothing
        week = WeeklySchedule.from_entries(group, at=start)
        versions.append(
            ScheduleVersion(
                valid_from=None if start == _MIN else start,
                valid_until=None if end == _MAX else end,
                week=week,
            )
        )
    return tuple(sorted(versions, key=lambda v: v.valid_from or _MIN, reverse=True))


def _to_cache(schedule: DriverSchedule) -> list:
    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return [[iso(v.valid_from), iso(v.valid_until), v.week.to_json_days()] for v in schedule.versions]


def _from_cache(data: list) -> DriverSchedule:
    return DriverSchedule(
        tuple(
            ScheduleVersion(
                datetime.fromisoformat(a) if a else None,
                datetime.fromisoformat(b) if b else None,
                WeeklySchedule.from_json_days(days),
            )
            for a, b, days in data
        )
    )


def schedule_read(customer: Customer, driver_id: int, *, fresh: bool = False) -> DriverSchedule:
    """The driver's schedule versions: one recurring GET, or none when cached (``fresh`` skips the cache).

    Raises OceanError; a grid Ocean sends that we cannot read becomes OceanRejected (not a 500).
    """
    key = _key(customer, driver_id)
    if not fresh and (data := cache.get(key)) is not None:
        return _from_cache(data)
    entries = recurring_read(customer, driver_id, fresh=fresh)  # shared with the trips pages' masking
    try:
        schedule = DriverSchedule(_versions(entries))
    except WeekValidationError as exc:
        raise OceanRejected(200, f"unreadable schedule: {exc}") from exc
    cache.set(key, _to_cache(schedule), SCHEDULE_TTL)
    return schedule


def schedule_version(schedule: DriverSchedule) -> str:
    """What an edit form sends back as ``base_version``: the fingerprint of the versions it showed."""
    return remember(_to_cache(schedule))


def schedule_from_version(state: list | None) -> DriverSchedule | None:
    return _from_cache(state) if state is not None else None


def schedule_cached(customer: Customer, driver_id: int) -> DriverSchedule | None:
    """The cached schedule, or None: never calls Ocean."""
    data = cache.get(_key(customer, driver_id))
    return _from_cache(data) if data is not None else None


def schedules_cached(customer: Customer, driver_ids: list[int]) -> dict[int, DriverSchedule]:
    """The cached schedules of many drivers in one cache round trip (those not cached are left out)."""
    keys = {_key(customer, d): d for d in driver_ids}
    return {keys[k]: _from_cache(data) for k, data in cache.get_many(list(keys)).items()}


def schedule_forget(customer: Customer, driver_id: int) -> None:
    cache.delete(_key(customer, driver_id))


@dataclass(frozen=True)
class SaveOutcome:
    before: WeeklySchedule
    confirmed: WeeklySchedule
    changed: bool
    start: datetime


def effective_start(valid_from: datetime | None, now: datetime) -> datetime:
    """The start actually sent. "Now" (empty, or within the tolerance) becomes the next whole minute
    plus a margin, never the current second: a strict Océan refuses a start already past when the
    request lands (D5). Refuses the past."""
    if valid_from is None or valid_from <= now:
        if valid_from is not None and valid_from < now - PAST_TOLERANCE:
            raise ScheduleError(
                _("The start cannot be in the past: Ocean never changes the past."), field="valid_from"
            )
        return apply_now_start(now)
    return valid_from


def schedule_save(
    *,
    actor: User | None,
    customer: Customer,
    driver_id: int,
    week: WeeklySchedule,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    action: str = "schedule.set",
    base_version: str | None = None,
) -> SaveOutcome:
    """Make ``week`` the driver's private hours from ``valid_from`` (None = now) to ``valid_until``.

    Nothing is sent when ``week`` is what the cached schedule (the one the page showed) already holds.
    Otherwise re-reads the schedule first (ids and versions change under us), writes only when something
    differs, reads back and compares. Every write is audited before it leaves (intent) and after (outcome).
    Raises ScheduleError with a user-facing message; nothing is reported as saved unless confirmed.
    ``base_version`` (from ``schedule_version``): EditConflict when Ocean no longer holds what the form showed.
    """
    now = timezone.now()
    start = effective_start(valid_from, now)
    if valid_until is not None and valid_until <= start:
        raise ScheduleError(_("The end must be after the start."), field="valid_until")
    empty_now = week.is_empty() and (valid_from is None or valid_from <= now)
    if week.is_empty() and not empty_now:
        raise ScheduleError(
            _("Removing every private hour takes effect immediately: leave the start empty."),
            field="valid_from",
        )
    if empty_now and valid_until is not None:
        raise ScheduleError(_("Removing every private hour cannot have an end date."), field="valid_until")
    cached = schedule_cached(customer, driver_id)  # what the page showed: unchanged means no request at all
    if cached is not None and valid_until is None and (shown := cached.at(start)) == week:
        return SaveOutcome(before=shown, confirmed=shown, changed=False, start=start)
    client = ocean_client(customer)
    target = f"driver {driver_id}"
    try:
        entries = client.recurring_get(driver_id=driver_id)
        before = WeeklySchedule.from_entries(entries, at=start)
        current = _to_cache(DriverSchedule(_versions(entries)))
    except (OceanError, WeekValidationError) as exc:
        raise ScheduleError(_read_failure(exc), code=ocean_error_coded(exc) if isinstance(exc, OceanError)
                            else "") from exc
    check_version(base_version, current)
    if before == week and valid_until is None:
        return SaveOutcome(before=before, confirmed=before, changed=False, start=start)
    method = "delete" if empty_now else "post"
    wanted = {
        "week": week.to_json_days(),
        "valid_from": start.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None,
    }
    # The intent is committed before anything leaves; every way out below completes it once.
    with audit_write(actor=actor, action="schedule.delete" if empty_now and action == "schedule.set" else action,
                     customer=customer, driver_id=driver_id, target=target, before=before.to_json_days(),
                     after=wanted) as write:
        try:
            if empty_now:
                ids = [e.id for e in entries if e.id is not None and e.is_active(now)]
                if ids:
                    client.recurring_delete(driver_id=driver_id, slot_ids=ids)
            else:
                client.recurring_set(
                    driver_id=driver_id, inner_map=week.to_inner_map(), start=start, end=valid_until
                )
            schedule_forget(customer, driver_id)
            readback = schedule_read(customer, driver_id, fresh=True)
            confirmed = readback.at(max(start, timezone.now()))
        except OceanError as exc:
            schedule_forget(customer, driver_id)
            verdict = verdict_after(
                exc, lambda: schedule_read(customer, driver_id, fresh=True).at(max(start, timezone.now())) == week
            )
            if verdict != APPLIED:
                write.done(UNKNOWN if verdict == UNKNOWN else REFUSED,
                           f"{'outcome unknown' if verdict == UNKNOWN else 'failed'} ({method}): {exc.message}")
                raise failure_error(exc, verdict) from exc
            confirmed, method = week, f"{method}, re-read after: {exc.message}"
        if confirmed != week:
            write.done(REFUSED, f"not confirmed ({method}): Ocean reads back another week",
                       after={**wanted, "week": confirmed.to_json_days()})
            raise ScheduleError(
                _(
                    "Ocean accepted the request but reads back a different schedule. "
                    "Check the grid below and save again."
                )
            )
        write.done(APPLIED, f"confirmed ({method})")
    return SaveOutcome(before=before, confirmed=confirmed, changed=True, start=start)


def _read_failure(exc: Exception) -> str:
    if isinstance(exc, OceanError):
        return ocean_error_message(exc)
    return _("Ocean sent a schedule the portal cannot read: %(reason)s") % {"reason": exc}
