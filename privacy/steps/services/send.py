"""Sending a stored declaration to Ocean (`etapeViePriveePosteriori`, ocean-api §6.8).

One sender at a time per declaration (a lease, privacy/services/leases.py, so no DB transaction stays
open during the HTTP call and a killed sender is noticed): it reads the value wanted *now*, sends it,
and confirms only if nobody changed the choice meanwhile — otherwise it sends the newer value before
letting go. Setting a value is idempotent upstream, so a retried task re-sending the same value is
harmless, and an older value is never sent after a newer one. Ocean down: the row stays "sent" with the
error, the task retries with backoff and a periodic task picks up whatever is still waiting, so nothing
is lost. Each request to Ocean is audited before it leaves (intent) and after (outcome).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from privacy.models import AuditEntry, Lease
from privacy.ocean import OceanAuthError, OceanRejected, OceanUnavailable
from privacy.services.audit import APPLIED, REFUSED, UNKNOWN, audit_write
from privacy.services.jobs import job_queue_on_commit
from privacy.services.leases import lease_held, lease_is_live, lease_take
from privacy.services.ocean import ocean_client
from privacy.steps.models import DeclarationEvent, DeclarationStatus, StepDeclaration

log = logging.getLogger(__name__)

Status = DeclarationStatus
Kind = DeclarationEvent.Kind
LEASE = "declaration"
MAX_ROUNDS = 5
RETRY_NOTE = "Ocean unavailable: "

CONFIRMED, FAILED, NOTHING = "confirmed", "failed", "nothing"


class SendLater(Exception):
    """Transient: Ocean unreachable, or another sender is busy with this declaration. Retry later."""


def _locked(declaration_id: int) -> StepDeclaration | None:
    return StepDeclaration.objects.select_for_update().filter(pk=declaration_id).first()


def _event(d: StepDeclaration, kind: str, answer: str, private: bool) -> None:
    DeclarationEvent.objects.create(declaration=d, kind=kind, private=private, actor_label="Ocean",
                                    upstream_answer=answer[:500])


def _claim(declaration_id: int) -> tuple[StepDeclaration, bool, int] | None:
    with transaction.atomic():
        d = _locked(declaration_id)
        if d is None or d.status != Status.SENT:
            return None
        d.attempts += 1
        d.save(update_fields=["attempts", "updated_at"])
        return d, d.private, d.version


def _transient(declaration_id: int, private: bool, message: str) -> None:
    with transaction.atomic():
        d = _locked(declaration_id)
        if d is None:
            return
        note = (RETRY_NOTE + message)[:500]
        first_failure = not d.upstream_answer.startswith(RETRY_NOTE)
        d.upstream_answer = note
        d.save(update_fields=["upstream_answer", "updated_at"])
        if first_failure:  # one history line per outage, not one per retry
            _event(d, Kind.RETRY, note, private)


def _refused(declaration_id: int, private: bool, version: int, message: str) -> bool:
    """Ocean refused ``private``: final unless a newer choice is waiting. True = stop."""
    with transaction.atomic():
        d = _locked(declaration_id)
        if d is None or d.version != version:
            return d is None
        d.status, d.upstream_answer = Status.FAILED, message[:500]
        d.save(update_fields=["status", "upstream_answer", "updated_at"])
        _event(d, Kind.FAIL, message, private)
        return True


def _accepted(declaration_id: int, private: bool, version: int) -> str | None:
    """Ocean now holds ``private``. Confirm if the choice did not change; None = send again."""
    with transaction.atomic():
        d = _locked(declaration_id)
        if d is None:
            return NOTHING
        d.confirmed_private, d.confirmed_at, d.upstream_answer = private, timezone.now(), "OK"
        if d.version == version and d.status == Status.SENT:
            d.status = Status.CONFIRMED
        d.save(update_fields=["confirmed_private", "confirmed_at", "upstream_answer", "status", "updated_at"])
        if d.status == Status.CONFIRMED and d.version == version:
            _event(d, Kind.CONFIRM, "OK", private)
            return CONFIRMED
        return None if d.status == Status.SENT else NOTHING


def declaration_send(declaration_id: int) -> str:
    """Send the current value of a "sent" declaration; returns confirmed / failed / nothing.

    Raises ``SendLater`` on a transient problem (the caller retries)."""
    lease = lease_take(LEASE, declaration_id)
    if lease is None:
        raise SendLater("another send of this declaration is in progress")
    with lease_held(lease):
        for _round in range(MAX_ROUNDS):
            claimed = _claim(declaration_id)
            if claimed is None:
                return NOTHING
            d, private, version = claimed
            outcome = _send_once(d, private, version)
            if outcome is not None:
                return outcome
        raise SendLater("the choice keeps changing; sending again shortly")


def _send_once(d: StepDeclaration, private: bool, version: int) -> str | None:
    """One audited request to Ocean; None = a newer choice is waiting, send again."""
    with audit_write(actor=None, action="declaration.send", customer=d.customer, driver_id=d.driver_id,
                     target=str(d), after={"declaration": d.pk, "private": private, "version": version}) as write:
        try:
            ocean_client(d.customer).declare_step(
                code_exploitant=d.code_exploitant, numero_embarque=d.numero_embarque, step_id=d.step_id,
                private=private,
            )
        except (OceanUnavailable, OceanAuthError) as exc:
            # A timeout may have been applied anyway: unknown, and the value is sent again (idempotent).
            write.done(UNKNOWN if isinstance(exc, OceanUnavailable) else REFUSED, exc.message)
            _transient(d.pk, private, exc.message)
            raise SendLater(exc.message) from exc
        except OceanRejected as exc:
            write.done(REFUSED, exc.message)
            return FAILED if _refused(d.pk, private, version, exc.message) else None
        write.done(APPLIED, "OK")
    return _accepted(d.pk, private, version)


def resolve_declaration(intent: AuditEntry) -> tuple[str, str] | None:
    """An open "declaration.send" intent (its sender died). Ocean offers no read of a step's choice
    (ocean-api §10), but the send is idempotent: the row stays "sent" until a later send confirms it, so
    the intent is settled by that send's result (None meanwhile: not settled yet)."""
    wanted = intent.after or {}
    d = StepDeclaration.objects.filter(pk=wanted.get("declaration")).first()
    if d is None:
        return UNKNOWN, "the declaration no longer exists"
    if d.status == Status.SENT:
        return None
    if d.confirmed_private is not None and d.confirmed_private == wanted.get("private"):
        return APPLIED, f"Ocean confirmed this value on a later send ({d.upstream_answer})"
    return UNKNOWN, f"a later send settled the declaration as {d.status} ({d.upstream_answer})"


def declarations_waiting(*, older_than: timedelta | None = None) -> list[int]:
    """Ids still to be sent whose last attempt is not recent and whose sender is not alive (Ocean was
    down, a worker died); by default "recent" is one lease TTL."""
    grace = older_than if older_than is not None else timedelta(seconds=settings.LEASE_TTL_S)
    cutoff = timezone.now() - grace
    ids = list(StepDeclaration.objects.filter(status=Status.SENT, updated_at__lt=cutoff)
               .order_by("updated_at").values_list("pk", flat=True)[:500])
    live = {lease.object_id for lease in Lease.objects.filter(kind=LEASE, object_id__in=ids).exclude(owner="")
            if lease_is_live(lease)}
    return [pk for pk in ids if pk not in live]


def declarations_recover() -> dict[str, int]:
    """Beat: queue a send for every declaration still waiting whose sender is not alive."""
    ids = declarations_waiting()
    for declaration_id in ids:
        job_queue_on_commit("privacy.steps.tasks.declaration_send", declaration_id)
    return {"declarations_resent": len(ids)}
