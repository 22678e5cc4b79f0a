"""Sending a stored declaration to Ocean (`etapeViePriveePosteriori`, ocean-api §6.8).

One sender at a time per declaration (a lock in the shared cache, so no DB transaction stays open
during the HTTP call): it reads the value wanted *now*, sends it, and confirms only if nobody changed
the choice meanwhile — otherwise it sends the newer value before letting go. Setting a value is
idempotent upstream, so a retried task re-sending the same value is harmless, and an older value is
never sent after a newer one. Ocean down: the row stays "sent" with the error, the task retries with
backoff and a periodic task picks up whatever is still waiting, so nothing is lost.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from privacy.ocean import OceanAuthError, OceanRejected, OceanUnavailable
from privacy.services.audit import audit_record
from privacy.services.ocean import ocean_client
from privacy.steps.models import DeclarationEvent, DeclarationStatus, StepDeclaration

log = logging.getLogger(__name__)

Status = DeclarationStatus
Kind = DeclarationEvent.Kind
LOCK_TTL = 5 * 60  # longer than one declare call with all its retries
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


def _audit(d: StepDeclaration, private: bool, answer: str) -> None:
    audit_record(actor=None, action="declaration.send", customer=d.customer, driver_id=d.driver_id,
                 target=str(d), after={"private": private, "status": d.status, "version": d.version},
                 upstream_result=answer)


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
        _audit(d, private, message)
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
            _audit(d, private, "OK")
            return CONFIRMED
        return None if d.status == Status.SENT else NOTHING


def declaration_send(declaration_id: int) -> str:
    """Send the current value of a "sent" declaration; returns confirmed / failed / nothing.

    Raises ``SendLater`` on a transient problem (the caller retries)."""
    lock = f"privacy:v1:declaration-send:{declaration_id}"
    if not cache.add(lock, 1, LOCK_TTL):
        raise SendLater("another send of this declaration is in progress")
    try:
        for _round in range(MAX_ROUNDS):
            claimed = _claim(declaration_id)
            if claimed is None:
                return NOTHING
            d, private, version = claimed
            try:
                ocean_client(d.customer).declare_step(
                    code_exploitant=d.code_exploitant, numero_embarque=d.numero_embarque, step_id=d.step_id,
                    private=private,
                )
            except (OceanUnavailable, OceanAuthError) as exc:
                _transient(declaration_id, private, exc.message)
                raise SendLater(exc.message) from exc
            except OceanRejected as exc:
                if _refused(declaration_id, private, version, exc.message):
                    return FAILED
                continue
            outcome = _accepted(declaration_id, private, version)
            if outcome is not None:
                return outcome
        raise SendLater("the choice keeps changing; sending again shortly")
    finally:
        cache.delete(lock)


def declarations_waiting(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Ids still to be sent whose last attempt is not recent (Ocean was down, a worker died)."""
    cutoff = timezone.now() - older_than
    return list(StepDeclaration.objects.filter(status=Status.SENT, updated_at__lt=cutoff)
                .order_by("updated_at").values_list("pk", flat=True)[:500])
