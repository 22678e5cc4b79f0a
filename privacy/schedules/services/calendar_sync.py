"""Syncing calendar events into a driver's exceptional private periods: preview, then push.

``sync_plan`` compares a source's events with the periods *that source* created before
(``SyncedPeriod``) and says what would be added, changed or removed; nothing else in Ocean is ever
touched (a period a manager typed, or another source's, stays). Ocean never changes the past, so
events already started are skipped with a reason, and so are removals of started periods.
``sync_apply`` pushes the plan through the existing periods service (checks, read-back, audit of each
write) and records what it created; ``sync_source`` is the periodic re-sync of an ICS subscription.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacy.models import Customer, User
from privacy.schedules.models import CalendarKind, CalendarSource, SyncedPeriod
from privacy.schedules.services.calendar_read import CalendarError, CalEvent, fetch_ics, parse_ics
from privacy.schedules.services.periods import period_delete, period_find, period_save
from privacy.schedules.services.weekly import ScheduleError
from privacy.services.audit import audit_record
from privacy.services.fleet import fleet_get
from privacy.services.leases import leased
from privacy.services.ocean import OceanError, ocean_error_message

ADD, CHANGE, REMOVE, SKIP = "add", "change", "remove", "skip"


@dataclass(frozen=True)
class Change:
    action: str
    driver_id: int
    uid: str
    label: str
    start: datetime
    end: datetime
    synced_id: int | None = None  # the SyncedPeriod row (change, remove)
    note: str = ""


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)

    def of(self, action: str) -> list[Change]:
        return [c for c in self.changes if c.action == action]

    @property
    def writes(self) -> int:
        return sum(1 for c in self.changes if c.action != SKIP)


def sync_plan(source: CalendarSource, driver_id: int, events: list[CalEvent], *, now: datetime | None = None) -> Plan:
    now = now or timezone.now()
    synced = {} if source.pk is None else {  # a subscription being previewed has created nothing yet
        s.uid: s for s in SyncedPeriod.objects.filter(source=source, driver_id=driver_id)}
    plan = Plan()
    seen = set()
    for event in events:
        if event.uid in seen:
            continue
        seen.add(event.uid)
        known = synced.get(event.uid)
        same = known is not None and (known.label, known.start, known.end) == (event.label, event.start, event.end)
        if same:
            continue
        started = event.start < now
        if known is not None and known.start < now:
            plan.changes.append(Change(SKIP, driver_id, event.uid, event.label, event.start, event.end, known.pk,
                                       _("already started: Ocean never changes the past")))
        elif started:
            if known is None and event.end > now:
                plan.changes.append(Change(SKIP, driver_id, event.uid, event.label, event.start, event.end,
                                           note=_("already started: Ocean never changes the past")))
        else:
            plan.changes.append(Change(CHANGE if known else ADD, driver_id, event.uid, event.label, event.start,
                                       event.end, known.pk if known else None))
    for uid, known in synced.items():
        if uid not in seen and known.start > now:
            plan.changes.append(Change(REMOVE, driver_id, uid, known.label, known.start, known.end, known.pk))
    plan.changes.sort(key=lambda c: (c.start, c.action))
    return plan


@dataclass
class Outcome:
    done: int = 0
    errors: list[str] = field(default_factory=list)


SYNC_LEASE = "calendar-sync"


def sync_apply(*, actor: User | None, customer: Customer, source: CalendarSource, plan: Plan) -> Outcome:
    """Apply one plan, one source at a time: the hourly re-sync and a manager's "apply" after a preview
    never write the same event twice (each change is checked again against what is recorded)."""
    with leased(SYNC_LEASE, source.pk, wait=20) as lease:
        if lease is None:
            return Outcome(errors=[_("Another synchronisation of this calendar is running: nothing was changed, "
                                     "try again in a moment.")])
        return _sync_apply(actor, customer, source, plan)


def _sync_apply(actor: User | None, customer: Customer, source: CalendarSource, plan: Plan) -> Outcome:
    outcome = Outcome()
    for change in plan.changes:
        try:
            outcome.done += _apply_one(actor, customer, source, change)
        except ScheduleError as exc:
            outcome.errors.append(f"{change.label} ({change.start:%d/%m/%Y}): {exc.message}")
        except OceanError as exc:
            outcome.errors.append(f"{change.label} ({change.start:%d/%m/%Y}): {ocean_error_message(exc)}")
    source.last_synced_at = timezone.now()
    changes = ngettext("%(done)s change", "%(done)s changes", outcome.done) % {"done": outcome.done}
    errors = ngettext("%(errors)s error", "%(errors)s errors", len(outcome.errors)) % {"errors": len(outcome.errors)}
    source.last_result = f"{changes}, {errors}"[:500]
    source.save(update_fields=["last_synced_at", "last_result"])
    audit_record(actor=actor, action="calendar.sync", customer=customer, target=source.label[:200],
                 after={"source": source.pk, "kind": source.kind, "add": len(plan.of(ADD)),
                        "change": len(plan.of(CHANGE)), "remove": len(plan.of(REMOVE)), "done": outcome.done,
                        "errors": outcome.errors[:20]})
    return outcome


def _apply_one(actor, customer: Customer, source: CalendarSource, change: Change) -> bool:
    """One change of a plan; False when there was nothing to do (a skip, or another run already did it:
    the plan may come from a preview made before the last re-sync)."""
    if change.action == ADD:
        if SyncedPeriod.objects.filter(source=source, driver_id=change.driver_id, uid=change.uid).exists():
            return False
        saved = period_save(actor=actor, customer=customer, driver_id=change.driver_id, label=change.label,
                            start=change.start, end=change.end)
        SyncedPeriod.objects.create(source=source, driver_id=change.driver_id, uid=change.uid, period_id=saved.id,
                                    label=change.label, start=change.start, end=change.end)
        return True
    if change.action not in (CHANGE, REMOVE):
        return False
    known = SyncedPeriod.objects.filter(pk=change.synced_id, source=source).first()
    if known is None:
        return False
    if change.action == CHANGE and (known.label, known.start, known.end) == (change.label, change.start, change.end):
        return False
    period = period_find(customer, change.driver_id, known.period_id, fresh=True)
    if change.action == REMOVE:
        if period is not None:
            period_delete(actor=actor, customer=customer, driver_id=change.driver_id, period=period)
        known.delete()
        return True
    # Deleted in Ocean meanwhile: added again; else updated in place.
    saved = period_save(actor=actor, customer=customer, driver_id=change.driver_id, label=change.label,
                        start=change.start, end=change.end, update_id=period.id if period is not None else None)
    known.period_id, known.label, known.start, known.end = saved.id, change.label, change.start, change.end
    known.save()
    return True


def source_drivers(source: CalendarSource) -> list[int]:
    """The drivers a source feeds: its driver, or every driver of its entity (fleet from Ocean)."""
    if source.driver_id is not None:
        return [source.driver_id]
    drivers = fleet_get(source.customer).drivers.values()
    return sorted(d.ocean_id for d in drivers if d.entity_id == source.entity_id)


def subscription_plans(source: CalendarSource) -> dict[int, Plan]:
    """Fetch and read the subscription, then one plan per driver it feeds (raises CalendarError)."""
    events = parse_ics(fetch_ics(source.url), source.customer.tz)
    return {driver_id: sync_plan(source, driver_id, events) for driver_id in source_drivers(source)}


def sync_source(source: CalendarSource, *, actor: User | None = None) -> Outcome:
    """Re-sync one ICS subscription end to end (the periodic task, or "sync now" after a preview)."""
    total = Outcome()
    try:
        plans = subscription_plans(source)
    except (CalendarError, OceanError) as exc:
        source.last_synced_at = timezone.now()
        source.last_result = getattr(exc, "message", str(exc))[:500]
        source.save(update_fields=["last_synced_at", "last_result"])
        total.errors.append(source.last_result)
        return total
    for plan in plans.values():
        outcome = sync_apply(actor=actor, customer=source.customer, source=source, plan=plan)
        total.done += outcome.done
        total.errors += outcome.errors
    return total


def sync_all_subscriptions() -> int:
    """Every ICS subscription, one by one; returns how many were synced."""
    count = 0
    for source in CalendarSource.objects.filter(kind=CalendarKind.URL).select_related("customer"):
        sync_source(source)
        count += 1
    return count


def file_source(customer: Customer, kind: str, driver_id: int, *, actor: User | None) -> CalendarSource:
    """The one source of a driver's file imports of this kind (a new import replaces the previous one's events)."""
    source, _created = CalendarSource.objects.get_or_create(
        customer=customer, kind=kind, driver_id=driver_id, url="",
        defaults={"label": str(CalendarKind(kind).label), "created_by": actor})
    return source
