"""Bulk jobs: a template or public holidays applied to many drivers, one driver at a time.

A job is a ``BulkApplication`` with one ``BulkApplicationItem`` per driver. The Celery task calls
``bulk_run`` which claims pending items with a conditional UPDATE (two workers never process the
same driver), applies the change through the same services as the single-driver pages (so every
driver gets the same validation, confirmation and audit) and records the result per driver. All
Ocean calls go through the shared rate limiter of the client. Re-running is harmless: a driver
whose schedule already equals the template, or who already has the holidays, is "already up to date".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacy import access
from privacy.access import DriverRef
from privacy.models import Customer, Lease, User
from privacy.schedules.models import (
    BulkApplication,
    BulkApplicationItem,
    BulkKind,
    BulkStatus,
    ItemStatus,
    ScheduleTemplate,
)
from privacy.schedules.services.holidays import Holiday, holidays_add, holidays_from_payload
from privacy.schedules.services.weekly import ScheduleError, schedule_save
from privacy.services.audit import audit_record
from privacy.services.fleet import FleetDriver, fleet_get
from privacy.services.jobs import job_queue_on_commit
from privacy.services.leases import lease_held, lease_is_live, lease_of, lease_release, lease_take, leased
from privacy.services.stored_text import coded
from privacy.week import WeeklySchedule

# A driver whose processing killed its worker this many times is failed instead of tried again.
MAX_ATTEMPTS = 3
APP_LEASE, ITEM_LEASE = "bulk", "bulk-item"


def _enqueue(application: BulkApplication) -> None:
    job_queue_on_commit("privacy.schedules.tasks.bulk_application_run", application.pk)


def _create(
    *,
    actor: User,
    customer: Customer,
    kind: str,
    title: str,
    payload: dict,
    drivers: list[FleetDriver],
    template: ScheduleTemplate | None = None,
) -> BulkApplication:
    with transaction.atomic():
        application = BulkApplication.objects.create(
            customer=customer,
            kind=kind,
            template=template,
            title=title[:200],
            payload=payload,
            created_by=actor,
        )
        BulkApplicationItem.objects.bulk_create(
            BulkApplicationItem(application=application, driver_id=d.ocean_id, driver_name=d.full_name[:200],
                                actor=actor)
            for d in drivers
        )
        _enqueue(application)
    return application


def bulk_apply_template(
    *,
    actor: User,
    customer: Customer,
    template: ScheduleTemplate,
    drivers: list[FleetDriver],
    valid_from: datetime | None,
) -> BulkApplication:
    payload = {"week": template.week, "valid_from": valid_from.isoformat() if valid_from else None}
    title = coded(gettext_noop("Template “%(name)s”"), name=template.name)
    return _create(
        actor=actor,
        customer=customer,
        kind=BulkKind.TEMPLATE,
        title=title,
        payload=payload,
        drivers=drivers,
        template=template,
    )


def bulk_add_holidays(
    *, actor: User, customer: Customer, chosen: list[Holiday], drivers: list[FleetDriver], title: str
) -> BulkApplication:
    payload = {"holidays": [[h.day.isoformat(), h.name] for h in chosen]}
    return _create(
        actor=actor, customer=customer, kind=BulkKind.HOLIDAYS, title=title, payload=payload, drivers=drivers
    )


def bulk_drivers(application: BulkApplication) -> list[DriverRef]:
    """The drivers a job touches, with their entity (for the scope check in ``privacy.access``);
    a driver no longer in the fleet has no entity, so only unscoped managers reach the job."""
    drivers = fleet_get(application.customer).drivers
    return [
        DriverRef(application.customer_id, item.driver_id,
                  drivers[item.driver_id].entity_id if item.driver_id in drivers else None)
        for item in application.items.all()
    ]


def bulk_visible(user: User, customer: Customer, limit: int = 10) -> list[BulkApplication]:
    """The latest jobs ``user`` may open: those whose every driver is in their scope."""
    recent = BulkApplication.objects.filter(customer=customer).prefetch_related("items")[: limit * 5]
    return [a for a in recent if access.can_change_drivers(user, bulk_drivers(a))][:limit]


def _claim_next(application: BulkApplication) -> tuple[BulkApplicationItem, Lease] | None:
    """Take one pending item for this process, lease first (so a "running" item always has a lease to
    look at); None when nothing is left to take."""
    for item_id in application.items.filter(status=ItemStatus.PENDING).values_list("pk", flat=True)[:20]:
        lease = lease_take(ITEM_LEASE, item_id)
        if lease is None:
            continue
        taken = BulkApplicationItem.objects.filter(pk=item_id, status=ItemStatus.PENDING).update(
            status=ItemStatus.RUNNING, attempts=F("attempts") + 1, updated_at=timezone.now()
        )
        if taken:
            return BulkApplicationItem.objects.get(pk=item_id), lease
        lease_release(lease)
    return None


def bulk_reset_dead_items(application: BulkApplication) -> int:
    """Items "running" whose worker died: back to the queue, or failed after MAX_ATTEMPTS takes."""
    count = 0
    for item in application.items.filter(status=ItemStatus.RUNNING):
        if lease_is_live(lease_of(ITEM_LEASE, item.pk)):
            continue
        if item.attempts >= MAX_ATTEMPTS:
            fields = {"status": ItemStatus.FAILED, "message": coded(gettext_noop(
                "The worker stopped %(n)s times on this driver: check the driver's schedule, then retry."
            ), n=item.attempts)}
        else:
            fields = {"status": ItemStatus.PENDING}
        count += BulkApplicationItem.objects.filter(pk=item.pk, status=ItemStatus.RUNNING).update(
            updated_at=timezone.now(), **fields)
    return count


def bulk_recover() -> dict[str, int]:
    """Beat: every unfinished job without a live worker is resumed (or closed when nothing is left)."""
    done = resumed = 0
    grace = timezone.now() - timedelta(seconds=settings.LEASE_TTL_S)
    for application in BulkApplication.objects.filter(status=BulkStatus.RUNNING):
        lease = lease_of(APP_LEASE, application.pk)
        if lease_is_live(lease) or (lease is None and application.created_at > grace):
            continue  # a worker is on it, or the job was queued a moment ago
        bulk_reset_dead_items(application)
        if _finish(application):
            done += 1
        else:
            _enqueue(application)
            resumed += 1
    return {"bulk_done": done, "bulk_resumed": resumed}


def _finish(application: BulkApplication) -> bool:
    if application.items.filter(status__in=[ItemStatus.PENDING, ItemStatus.RUNNING]).exists():
        return False
    BulkApplication.objects.filter(pk=application.pk).update(status=BulkStatus.DONE)
    return True


def _apply_template(application: BulkApplication, item: BulkApplicationItem) -> tuple[str, str]:
    payload = application.payload
    week = WeeklySchedule.from_json_days(payload["week"])
    valid_from = datetime.fromisoformat(payload["valid_from"]) if payload.get("valid_from") else None
    if valid_from is not None and valid_from <= timezone.now():
        valid_from = None  # a retry after the chosen start: from now (the past is never changed)
    outcome = schedule_save(
        actor=item.actor or application.created_by,
        customer=application.customer,
        driver_id=item.driver_id,
        week=week,
        valid_from=valid_from,
        action="template.apply",
    )
    if not outcome.changed:
        if item.attempts > 1:  # an earlier take was interrupted: its write may be what is read now
            again = gettext_noop("Confirmed by Ocean (checked again after an interruption).")
            return ItemStatus.CONFIRMED, coded(again)
        return ItemStatus.SKIPPED, coded(gettext_noop("Already up to date."))
    return ItemStatus.CONFIRMED, coded(gettext_noop("Confirmed by Ocean."))


def _apply_holidays(application: BulkApplication, item: BulkApplicationItem) -> tuple[str, str]:
    chosen = holidays_from_payload(application.payload["holidays"])
    result = holidays_add(
        actor=item.actor or application.created_by, customer=application.customer, driver_id=item.driver_id,
        chosen=chosen,
    )
    status = ItemStatus.CONFIRMED if result.added else ItemStatus.SKIPPED
    return status, result.summary_coded()


def bulk_process_item(application: BulkApplication, item: BulkApplicationItem) -> None:
    try:
        if application.kind == BulkKind.TEMPLATE:
            status, message = _apply_template(application, item)
        else:
            status, message = _apply_holidays(application, item)
    except ScheduleError as exc:
        status, message = ItemStatus.FAILED, exc.stored
    BulkApplicationItem.objects.filter(pk=item.pk).update(
        status=status, message=message[:500], updated_at=timezone.now()
    )


def bulk_run(application_id: int) -> None:
    """Work through the job's pending drivers, then mark it done (idempotent, safe to run twice).

    The job's lease (one runner at a time) and each driver's lease (taken before the row says
    "running") let ``bulk_recover`` tell a dead worker from a busy one."""
    application = (
        BulkApplication.objects.select_related("customer", "created_by").filter(pk=application_id).first()
    )
    if application is None:
        return
    with leased(APP_LEASE, application.pk) as lease:
        if lease is None:
            return  # a live worker runs this job (a redelivered or duplicate task)
        bulk_reset_dead_items(application)
        while (claimed := _claim_next(application)) is not None:
            item, item_lease = claimed
            with lease_held(item_lease):
                bulk_process_item(application, item)
        _finish(application)


def bulk_retry_failed(application: BulkApplication, *, actor: User) -> int:
    """Put failed drivers back in the queue and start a worker run; returns how many. The changes the
    retry makes are ``actor``'s (the audit log names who clicked, not who created the job)."""
    with transaction.atomic():
        count = application.items.filter(status=ItemStatus.FAILED).update(
            status=ItemStatus.PENDING, message="", actor=actor
        )
        if count:
            audit_record(actor=actor, action="bulk.retry", customer=application.customer,
                         target=f"{application.pk} {application.title}"[:200], after={"drivers": count})
            BulkApplication.objects.filter(pk=application.pk).update(status=BulkStatus.RUNNING)
            _enqueue(application)
    return count


def bulk_progress(application: BulkApplication) -> dict:
    counts = dict.fromkeys(ItemStatus.values, 0)
    for row in application.items.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    total = sum(counts.values())
    finished = counts[ItemStatus.CONFIRMED] + counts[ItemStatus.SKIPPED] + counts[ItemStatus.FAILED]
    return {
        **counts,
        "total": total,
        "finished": finished,
        "percent": round(100 * finished / total) if total else 100,
        "done": finished == total,
    }
