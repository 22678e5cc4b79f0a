"""Writing to the append-only audit log, and the "audit before write" protocol of Ocean changes.

A service that changes something in Ocean does::

    with audit_write(actor=..., action="schedule.set", customer=..., driver_id=..., before=..., after=...) as w:
        client.recurring_set(...)          # refused unless an intent is open (see ``write_allowed``)
        ...read back...
        w.done(APPLIED, "confirmed (post)", after=...)

``audit_write`` commits the intent *before* the block runs (the caller must not be inside a
transaction that could still roll it back); ``done`` writes the outcome. A block that ends without an
outcome (a crash, a bug) leaves the intent open: ``audit_resolve_open`` (beat) re-reads Ocean through
the area's resolver and writes the outcome then. The Ocean client the services use checks
``write_allowed`` before every write, so no change can leave without an entry. A block whose action changes
private hours (``PRIVATE_HOURS_ACTIONS``) tells ``privacy.services.private_hours`` when it ends, whatever its
outcome, so the trips pages' cached calendars are read again.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from privacy.models import AuditEntry, Customer, User
from privacy.models.audit import Outcome, Phase
from privacy.services.private_hours import PRIVATE_HOURS_ACTIONS, private_hours_changed

log = logging.getLogger(__name__)

APPLIED, REFUSED, UNKNOWN = Outcome.APPLIED, Outcome.REFUSED, Outcome.UNKNOWN
# Re-reads that settle an intent left open, by action (each returns applied / refused / unknown / None =
# not settled yet). Dotted paths: the core never imports an area at import time.
RESOLVERS = {
    "schedule.set": "privacy.schedules.services.recovery.resolve_schedule",
    "schedule.delete": "privacy.schedules.services.recovery.resolve_schedule",
    "template.apply": "privacy.schedules.services.recovery.resolve_schedule",
    "period.add": "privacy.schedules.services.recovery.resolve_period_add",
    "period.update": "privacy.schedules.services.recovery.resolve_period_add",
    "period.delete": "privacy.schedules.services.recovery.resolve_period_delete",
    "declaration.send": "privacy.steps.services.send.resolve_declaration",
}

_open_intent: ContextVar[AuditEntry | None] = ContextVar("audit_open_intent", default=None)


class UnauditedWrite(RuntimeError):
    """A write to Ocean was attempted without an open audit intent: a programming error."""


def audit_record(
    *,
    actor: User | None,
    action: str,
    customer: Customer | None = None,
    driver_id: int | None = None,
    target: str = "",
    before: Any = None,
    after: Any = None,
    upstream_result: str = "",
    phase: str = Phase.SINGLE,
    intent: AuditEntry | None = None,
    outcome: str = "",
) -> AuditEntry:
    label = actor.get_username() if actor is not None else "system"
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=label,
        customer=customer,
        action=action,
        driver_id=driver_id,
        target=target[:200],
        before=before,
        after=after,
        upstream_result=upstream_result[:500],
        phase=phase,
        intent=intent,
        outcome=outcome,
    )


def audit_outcome(intent: AuditEntry, outcome: str, answer: str, *, after: Any = None) -> AuditEntry | None:
    """Complete ``intent`` once; None when it already has an outcome (the database refuses a second)."""
    try:
        with transaction.atomic():
            return AuditEntry.objects.create(
                actor_id=intent.actor_id, actor_label=intent.actor_label, customer_id=intent.customer_id,
                action=intent.action, driver_id=intent.driver_id, target=intent.target, before=intent.before,
                after=intent.after if after is None else after, upstream_result=answer[:500],
                phase=Phase.OUTCOME, intent=intent, outcome=outcome,
            )
    except IntegrityError:
        log.info("audit intent %s already completed; outcome %s (%s) not recorded", intent.pk, outcome, answer)
        return None


def _in_real_transaction() -> bool:
    """True inside a transaction that could still roll the intent back (a test case's own is not one)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


class Write:
    """The open intent of one ``audit_write`` block."""

    def __init__(self, intent: AuditEntry) -> None:
        self.intent = intent
        self.outcome: str | None = None

    def done(self, outcome: str, answer: str, *, after: Any = None) -> None:
        if self.outcome is None:
            self.outcome = outcome
            audit_outcome(self.intent, outcome, answer, after=after)


@contextmanager
def audit_write(
    *, actor: User | None, action: str, customer: Customer | None, driver_id: int | None = None,
    target: str = "", before: Any = None, after: Any = None,
) -> Iterator[Write]:
    """Record the intent (committed now), allow Ocean writes inside the block, then expect ``done``."""
    if _in_real_transaction() and not settings.AUDIT_INTENT_IN_TRANSACTION_OK:
        raise UnauditedWrite("an audit intent must be committed before the write: call outside a transaction")
    intent = audit_record(actor=actor, action=action, customer=customer, driver_id=driver_id, target=target,
                          before=before, after=after, phase=Phase.INTENT)
    write = Write(intent)
    token = _open_intent.set(intent)
    try:
        yield write
    finally:
        _open_intent.reset(token)
        if action in PRIVATE_HOURS_ACTIONS and customer is not None:
            _private_hours_changed(customer.pk, driver_id)


def _private_hours_changed(customer_id: int, driver_id: int | None) -> None:
    """Whatever the write's outcome, caches of the driver's private hours are not read again."""
    try:
        private_hours_changed(customer_id, driver_id)
    except Exception:  # noqa: BLE001 - the write's own outcome matters more; the calendar TTL bounds the rest
        log.exception("private hours of driver %s changed but the cache could not be told", driver_id)


def write_allowed(method: str, path: str) -> None:
    """Called by the services' Ocean client before every write (privacy/services/ocean.py)."""
    if _open_intent.get() is None:
        raise UnauditedWrite(f"{method} {path}: no audit intent open (use privacy.services.audit.audit_write)")


def audit_open_intents(*, older_than: timedelta) -> list[AuditEntry]:
    cutoff = timezone.now() - older_than
    return list(
        AuditEntry.objects.filter(phase=Phase.INTENT, at__lt=cutoff, outcomes__isnull=True)
        .select_related("customer").order_by("at")[:200]
    )


def audit_resolve_open(*, older_than: timedelta | None = None) -> dict[str, int]:
    """Settle intents a crash left open by re-reading Ocean (beat). Returns counts by outcome."""
    grace = older_than if older_than is not None else timedelta(seconds=settings.AUDIT_INTENT_GRACE_S)
    counts: dict[str, int] = {}
    for intent in audit_open_intents(older_than=grace):
        path = RESOLVERS.get(intent.action)
        resolver: Callable[[AuditEntry], tuple[str, str] | None] | None = import_string(path) if path else None
        try:
            settled = resolver(intent) if resolver else (UNKNOWN, "no re-read known for this action")
        except Exception as exc:  # noqa: BLE001 - Ocean down or unreadable: try again at the next beat
            log.warning("audit intent %s: re-read failed (%s)", intent.pk, type(exc).__name__)
            continue
        if settled is None:
            continue  # the work is still going on (e.g. a declaration waiting to be re-sent)
        outcome, answer = settled
        if audit_outcome(intent, outcome, f"after a crash, re-read: {answer}") is not None:
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts
