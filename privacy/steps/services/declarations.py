"""Declaring a step private or pro: request, approve, reject — stored before anything is sent.

Send protocol (no double send, the last choice wins): a choice is written with ``version + 1`` in a
short transaction and, when it must go to Ocean, a send task is queued *after commit*. The sender
(declarations_send.py) sends the value current at send time and confirms only the version it sent.
Choosing the value that is already live changes nothing, so a double tap sends once.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from privacy import access
from privacy.models import Customer, Role, User
from privacy.services.audit import audit_record
from privacy.services.fleet import fleet_drivers_visible
from privacy.services.jobs import job_queue_on_commit
from privacy.steps.models import DeclarationEvent, DeclarationStatus, StepDeclaration

Status = DeclarationStatus
Kind = DeclarationEvent.Kind


class DeclarationRefused(Exception):
    """A choice the user may not make now; ``message`` is shown next to the row."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _enqueue_send(declaration_id: int) -> None:
    job_queue_on_commit("privacy.steps.tasks.declaration_send", declaration_id)


def _event(d: StepDeclaration, kind: str, actor_label: str, *, reason: str = "", answer: str = "") -> None:
    DeclarationEvent.objects.create(declaration=d, kind=kind, private=d.private, actor_label=actor_label,
                                    reason=reason[:500], upstream_answer=answer[:500])


def _audit_value(d: StepDeclaration | None) -> dict | None:
    if d is None:
        return None
    return {"private": d.private, "status": d.status, "version": d.version}


def deadline_message(deadline) -> str:
    when = date_format(timezone.localtime(deadline, deadline.tzinfo), "DATETIME_FORMAT")
    return _("Deadline passed: declaring was possible until %(when)s.") % {"when": when}


def strict_message(deadline) -> str:
    when = date_format(timezone.localtime(deadline, deadline.tzinfo), "DATETIME_FORMAT")
    return _("Strict logbook: this trip could be changed until %(when)s; nothing changes after that, not even "
             "by a manager.") % {"when": when}


def declaration_request(*, actor: User, customer: Customer, row, private: bool, reason: str = "",
                        on_behalf: bool = False) -> StepDeclaration:
    """Record ``actor``'s choice for the step of ``row`` (a row from services.steps, already
    checked to belong to a driver the actor may see).

    Driver: before the deadline; the customer's rule for the direction (``Customer.declaration_rule``)
    says whether it waits for a manager and needs a reason. Manager on the driver's behalf: with a
    reason, straight to Ocean, any time — except after the deadline in strict logbook mode.
    """
    if row.numero_embarque is None or row.driver_id is None:
        raise DeclarationRefused(_("This trip cannot be declared: its vehicle has no on-board unit."))
    if row.deadline_passed and (not on_behalf or customer.strict_mode):
        raise DeclarationRefused(strict_message(row.deadline) if on_behalf else deadline_message(row.deadline))
    if on_behalf and not reason.strip():
        raise DeclarationRefused(_("Give a reason for declaring on the driver's behalf."))
    needs_approval, needs_reason = customer.declaration_rule(private) if not on_behalf else (False, False)
    if needs_reason and not reason.strip():
        raise DeclarationRefused(_("Give a reason to declare this trip private.") if private else _(
            "Give a reason to declare this trip professional."))
    target = Status.PENDING if needs_approval else Status.SENT
    record = (actor, customer, row, private, reason, on_behalf, needs_approval, target)
    try:
        return _record_choice(*record)
    except IntegrityError:
        # Another request made the step's first choice between our lookup and our insert (two tabs, two
        # taps on two phones): its row exists now, locked by the lookup this time, so the last choice wins.
        return _record_choice(*record)


def _locked(customer: Customer, row) -> StepDeclaration | None:
    """The step's declaration, locked until the transaction ends (None: no choice made yet)."""
    return StepDeclaration.objects.select_for_update().filter(
        code_exploitant=customer.code_exploitant, numero_embarque=row.numero_embarque, step_id=row.step_id
    ).first()


def _record_choice(actor: User, customer: Customer, row, private: bool, reason: str, on_behalf: bool,
                   needs_approval: bool, target: str) -> StepDeclaration:
    now = timezone.now()
    with transaction.atomic():
        d = _locked(customer, row)
        before = _audit_value(d)
        if d is not None and d.private == private and d.status in (target, Status.SENT, Status.CONFIRMED):
            return d  # already the live choice: a double tap or a replayed request changes nothing
        if d is None:
            d = StepDeclaration(customer=customer, code_exploitant=customer.code_exploitant,
                                numero_embarque=row.numero_embarque, step_id=row.step_id, version=0)
        d.driver_id, d.vehicle_id, d.vehicle_label = row.driver_id, row.vehicle_id, row.vehicle_label
        d.started_at, d.ended_at = row.start, row.end
        d.distance_m, d.duration_s = row.distance_m, row.duration_s
        d.private, d.version = private, d.version + 1
        d.on_behalf, d.reason = on_behalf, reason.strip()[:500]
        d.requested_by, d.requested_by_label, d.requested_at = actor, actor.get_username(), now
        d.decided_by_label, d.decided_at, d.rejection_reason = "", None, ""
        if needs_approval and d.confirmed_private == private:
            d.status = Status.CONFIRMED  # back to what Ocean already holds: the request is withdrawn
        else:
            d.status = target
        d.save()
        _event(d, Kind.ON_BEHALF if on_behalf else Kind.REQUEST, d.requested_by_label, reason=d.reason)
        audit_record(actor=actor, action="declaration.on_behalf" if on_behalf else "declaration.request",
                     customer=customer, driver_id=d.driver_id, target=str(d), before=before,
                     after=_audit_value(d) | ({"reason": d.reason} if d.reason else {}))
        if d.status == Status.SENT:
            _enqueue_send(d.pk)
    return d


def declarations_in_scope(user: User, customer: Customer):
    """Declarations of drivers ``user`` may see: an administrator all of the customer's, a manager
    those of their entity scope, anyone else none."""
    queryset = StepDeclaration.objects.filter(customer=customer)
    if access.is_admin(user):
        return queryset
    if not access.has_role(user, Role.MANAGER) or user.customer_id != customer.pk:
        return queryset.none()
    if not user.entity_ids:
        return queryset
    return queryset.filter(driver_id__in=[d.ocean_id for d in fleet_drivers_visible(user, customer)])


def _decide(*, actor: User, customer: Customer, ids: Iterable[int], approve: bool, reason: str = "") -> int:
    done = 0
    ids = [int(i) for i in ids]
    if not ids:
        return 0
    scope = declarations_in_scope(actor, customer).filter(pk__in=ids)
    with transaction.atomic():
        for d in scope.select_for_update().filter(status=Status.PENDING):
            before = _audit_value(d)
            d.decided_by_label, d.decided_at = actor.get_username(), timezone.now()
            if approve:
                d.status = Status.SENT
            else:
                d.status, d.rejection_reason = Status.REJECTED, reason.strip()[:500]
            d.save()
            _event(d, Kind.APPROVE if approve else Kind.REJECT, d.decided_by_label, reason=d.rejection_reason)
            audit_record(actor=actor, action="declaration.approve" if approve else "declaration.reject",
                         customer=customer, driver_id=d.driver_id, target=str(d), before=before,
                         after=_audit_value(d) | ({"reason": d.rejection_reason} if not approve else {}))
            if approve:
                _enqueue_send(d.pk)
            done += 1
    return done


def declarations_approve(*, actor: User, customer: Customer, ids: Iterable[int]) -> int:
    """Approve pending requests (one or many) in the actor's scope; each is then sent to Ocean."""
    return _decide(actor=actor, customer=customer, ids=ids, approve=True)


def declarations_reject(*, actor: User, customer: Customer, ids: Iterable[int], reason: str) -> int:
    """Reject pending requests with a reason (required); nothing goes to Ocean."""
    if not reason.strip():
        raise DeclarationRefused(_("Give a reason for the rejection."))
    return _decide(actor=actor, customer=customer, ids=ids, approve=False, reason=reason)


def declaration_withdraw(*, actor: User, customer: Customer, row) -> bool:
    """Back to "not declared": the driver's own choice is removed while nothing of it reached Ocean
    (awaiting approval, rejected, refused by Ocean). Once Ocean holds a value the driver can switch it
    between private and pro, not remove it. Returns False when there was nothing to withdraw."""
    if row.deadline_passed:
        raise DeclarationRefused(deadline_message(row.deadline))
    with transaction.atomic():
        d = _locked(customer, row)
        if d is None:
            return False
        if d.status == Status.SENT or d.confirmed_private is not None:
            raise DeclarationRefused(_("Ocean already holds a choice for this trip: switch it between Private "
                                       "and Pro; it cannot go back to “not declared”."))
        audit_record(actor=actor, action="declaration.withdraw", customer=customer, driver_id=d.driver_id,
                     target=str(d), before=_audit_value(d), after=None)
        d.delete()
    return True


def schedule_classes(customer: Customer, declarations: list[StepDeclaration]) -> dict[int, object]:
    """The schedule class (private / pro / mixed / unknown) of each declaration's trip, by pk: what a
    manager needs to judge a request. One calendar per driver over the requests' days."""
    from privacy.steps.services.classify import classify, privacy_calendar

    out: dict[int, object] = {}
    by_driver: dict[int, list[StepDeclaration]] = {}
    for d in declarations:
        by_driver.setdefault(d.driver_id, []).append(d)
    tz = customer.tz
    for driver_id, items in by_driver.items():
        first = min(d.started_at.astimezone(tz).date() for d in items)
        last = max(d.ended_at.astimezone(tz).date() for d in items)
        calendar = privacy_calendar(customer, driver_id, first, last)
        for d in items:
            out[d.pk] = classify(calendar, d.started_at, d.ended_at, tz)
    return out
