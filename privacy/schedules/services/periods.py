"""A driver's exceptional private periods (holidays, leave) in Ocean: list, add, update, delete.

ocean-api §6.5–6.7: GET and DELETE use the plural path, POST the singular one; the past is never
changed, so only periods entirely in the future may be updated or deleted. Every write is checked
here first (end after start, start not in the past, no overlap with the driver's other periods),
so invalid input never reaches Ocean, then confirmed by reading the list back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.models import Customer, User
from privacy.ocean import OceanError
from privacy.ocean.vieprivee import observed_day_cut
from privacy.schedules.services.weekly import (
    PAST_TOLERANCE,
    ScheduleError,
    failure_error,
    verdict_after,
)
from privacy.services.audit import REFUSED, audit_write
from privacy.services.concurrency import check_version, remember
from privacy.services.ocean import ocean_client, ocean_error_message
from privacy.services.private_hours_reads import exceptional_read
from privacy.services.uncertain import APPLIED, UNKNOWN

PERIODS_TTL = 5 * 60


@dataclass(frozen=True)
class Period:
    id: int  # extension id: the one Ocean wants for updates and deletions (ocean-api §10.7)
    label: str
    start: datetime
    end: datetime
    day_cut: str | None = field(default=None, compare=False)  # the clock Ocean cut it into days on (D6)

    @property
    def day_cut_setting(self) -> str | None:
        """"OCEAN_PERIOD_DAY_CUT=…" when Ocean cut this period on another clock than configured."""
        if self.day_cut is None or self.day_cut == settings.OCEAN_PERIOD_DAY_CUT:
            return None
        return f"OCEAN_PERIOD_DAY_CUT={self.day_cut}"

    def state(self, now: datetime) -> str:
        if self.end <= now:
            return "past"
        return "current" if self.start <= now else "future"

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def _key(customer: Customer, driver_id: int) -> str:
    return f"privacy:v1:periods:{customer.pk}:{driver_id}"


def periods_forget(customer: Customer, driver_id: int) -> None:
    cache.delete(_key(customer, driver_id))


def _from_cache(data: list) -> list[Period]:
    return [Period(i, label, datetime.fromisoformat(a), datetime.fromisoformat(b), *cut)
            for i, label, a, b, *cut in data]


def periods_cached(customer: Customer, driver_id: int) -> list[Period] | None:
    """The cached list, or None: never calls Ocean."""
    data = cache.get(_key(customer, driver_id))
    return _from_cache(data) if data is not None else None


def periods_cached_many(customer: Customer, driver_ids: list[int]) -> dict[int, list[Period]]:
    """The cached lists of many drivers in one cache round trip (those not cached are left out)."""
    keys = {_key(customer, d): d for d in driver_ids}
    return {keys[k]: _from_cache(data) for k, data in cache.get_many(list(keys)).items()}


def periods_list(customer: Customer, driver_id: int, *, fresh: bool = False) -> list[Period]:
    """Past, current and future periods sorted by start: one exceptional GET, or none when cached."""
    key = _key(customer, driver_id)
    if not fresh and (data := cache.get(key)) is not None:
        return _from_cache(data)
    raw = exceptional_read(customer, driver_id, fresh=fresh)  # shared with the trips pages' masking
    periods = sorted(
        (
            Period(p.delete_id, p.label or "", p.start, p.end, observed_day_cut(p, customer.time_zone))
            for p in raw
            if p.delete_id is not None and p.start is not None and p.end is not None
        ),
        key=lambda p: (p.start, p.end, p.id),
    )
    cache.set(key, [[p.id, p.label, p.start.isoformat(), p.end.isoformat(), p.day_cut] for p in periods],
              PERIODS_TTL)
    return periods


def next_period(periods: list[Period], now: datetime) -> Period | None:
    """The period running now, else the next one to start."""
    return next((p for p in periods if p.end > now), None)


def period_check(
    periods: list[Period], *, start: datetime, end: datetime, now: datetime, exclude_id: int | None = None
) -> None:
    """Refuse what Ocean would refuse or what makes no sense, with the field to blame."""
    if end <= start:
        raise ScheduleError(_("The end must be after the start."), field="end_date")
    if start < now - PAST_TOLERANCE:
        raise ScheduleError(_("The start cannot be in the past: Ocean never changes the past."), field="start_date")
    for other in periods:
        if other.id != exclude_id and other.overlaps(start, end):
            raise ScheduleError(
                _("This period overlaps “%(label)s” (%(start)s – %(end)s).")
                % {
                    "label": other.label,
                    "start": timezone.localtime(other.start).strftime("%d/%m/%Y %H:%M"),
                    "end": timezone.localtime(other.end).strftime("%d/%m/%Y %H:%M"),
                },
                field="start_date",
            )


def period_find(customer: Customer, driver_id: int, period_id: int, *, fresh: bool = False) -> Period | None:
    return next((p for p in periods_list(customer, driver_id, fresh=fresh) if p.id == period_id), None)


def period_save(
    *,
    actor: User | None,
    customer: Customer,
    driver_id: int,
    label: str,
    start: datetime,
    end: datetime,
    update_id: int | None = None,
    base_version: str = "",
) -> Period:
    """Add (or, with ``update_id``, change) a period; returns it as Ocean reads it back. ``base_version``
    (``period_version`` of the period the form showed): EditConflict when Ocean holds another one now."""
    now = timezone.now()
    try:
        periods = periods_list(customer, driver_id, fresh=True)
    except OceanError as exc:
        raise ScheduleError(ocean_error_message(exc)) from exc
    before = None
    if update_id is not None:
        before = next((p for p in periods if p.id == update_id), None)
        if before is None:
            raise ScheduleError(_("This period no longer exists in Ocean."))
        check_version(base_version, before.to_json())
        if before.state(now) != "future":
            raise ScheduleError(_("This period has already started: Ocean never changes the past."))
    period_check(periods, start=start, end=end, now=now, exclude_id=update_id)
    action = "period.update" if update_id is not None else "period.add"
    wanted = {"label": label, "start": start.isoformat(), "end": end.isoformat()}
    # The intent is committed before anything leaves; every way out below completes it once.
    with audit_write(actor=actor, action=action, customer=customer, driver_id=driver_id, target=label,
                     before=before.to_json() if before else None, after=wanted) as write:
        try:
            ocean_client(customer).exceptional_add(
                driver_id=driver_id, start=start, end=end, label=label, update_id=update_id
            )
            periods_forget(customer, driver_id)
            after = periods_list(customer, driver_id, fresh=True)
        except OceanError as exc:
            # Not idempotent: never resend blindly. Re-read; the period is there or it is not.
            periods_forget(customer, driver_id)
            after = []

            def applied() -> bool:
                after[:] = periods_list(customer, driver_id, fresh=True)
                return _matching(after, label, start, end) is not None

            verdict = verdict_after(exc, applied)
            if verdict != APPLIED:
                write.done(UNKNOWN if verdict == UNKNOWN else REFUSED,
                           f"{'outcome unknown' if verdict == UNKNOWN else 'failed'}: {exc.message}")
                raise failure_error(exc, verdict) from exc
        saved = _matching(after, label, start, end)
        if saved is None:
            write.done(REFUSED, "not confirmed: the period is not in Ocean's list")
            raise ScheduleError(
                _(
                    "Ocean accepted the request but the period does not appear in its list. "
                    "Check the list below before trying again."
                )
            )
        write.done(APPLIED, "confirmed", after=saved.to_json())
    return saved


def period_version(period: Period) -> str:
    return remember(period.to_json())


def period_from_json(data: dict) -> Period:
    return Period(data["id"], data["label"], datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"]))


def _matching(periods: list[Period], label: str, start: datetime, end: datetime) -> Period | None:
    return next((p for p in periods if p.label == label and p.start == start and p.end == end), None)


def period_delete(*, actor: User | None, customer: Customer, driver_id: int, period: Period) -> None:
    """Delete a period entirely in the future (checked again here, never sent otherwise)."""
    if period.state(timezone.now()) != "future":
        raise ScheduleError(_("Only a period entirely in the future can be deleted: Ocean never changes the past."))
    with audit_write(actor=actor, action="period.delete", customer=customer, driver_id=driver_id,
                     target=period.label, before=period.to_json()) as write:
        try:
            ocean_client(customer).exceptional_delete(extension_id=period.id)
            periods_forget(customer, driver_id)
            gone = period_find(customer, driver_id, period.id, fresh=True) is None
        except OceanError as exc:
            periods_forget(customer, driver_id)
            verdict = verdict_after(exc, lambda: period_find(customer, driver_id, period.id, fresh=True) is None)
            if verdict != APPLIED:
                write.done(UNKNOWN if verdict == UNKNOWN else REFUSED,
                           f"{'outcome unknown' if verdict == UNKNOWN else 'failed'}: {exc.message}")
                raise failure_error(exc, verdict) from exc
            gone = True
        write.done(APPLIED if gone else REFUSED, "confirmed" if gone else "not confirmed: still listed")
    if not gone:
        raise ScheduleError(_("Ocean accepted the deletion but still lists the period."))
