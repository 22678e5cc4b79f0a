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

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacy import access
from privacy.access import DriverRef
from privacy.models import Customer, User
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
from privacy.services.stored_text import coded
from privacy.week import WeeklySchedule

# An item left "running" this long belongs to a worker that died: it may be taken again.
STALE_AFTER = timedelta(minutes=10)


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


def _claim_next(application: BulkApplication) -> BulkApplicationItem | None:
    """Take one pending item for this process; None when nothing is left to take."""
    for item_id in application.items.filter(status=ItemStatus.PENDING).values_list("pk", flat=True)[:20]:
        taken = BulkApplicationItem.objects.filter(pk=item_id, status=ItemStatus.PENDING).update(
            status=ItemStatus.RUNNING, attempts=F("attempts") + 1, updated_at=timezone.now()
        )
        if taken:
            return BulkApplicationItem.objects.get(pk=item_id)
    return None


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
    """Work through the job's pending drivers, then mark it done (idempotent, safe to run twice)."""
    application = (
        BulkApplication.objects.select_related("customer", "created_by").filter(pk=application_id).first()
    )
    if application is None:
        return
    application.items.filter(status=ItemStatus.RUNNING, updated_at__lt=timezone.now() - STALE_AFTER).update(
        status=ItemStatus.PENDING
    )
    while (item := _claim_next(application)) is not None:
        bulk_process_item(application, item)
    if not application.items.filter(status__in=[ItemStatus.PENDING, ItemStatus.RUNNING]).exists():
        BulkApplication.objects.filter(pk=application.pk).update(status=BulkStatus.DONE)


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
