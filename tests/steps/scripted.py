"""A scripted Ocean for the declaration sender's tests (no simulator), and the rows they send."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import F

from privacy.steps.models import DeclarationStatus, StepDeclaration
from privacy.steps.services import send

NOW = datetime(2026, 1, 7, 9, 0, tzinfo=UTC)


class Ocean:
    """``declare_step`` answers the scripted outcomes in turn (an exception, a callable run first, or OK)."""

    def __init__(self, *outcomes):
        self.outcomes, self.sent = list(outcomes), []

    def __call__(self, customer):
        assert customer.pk is not None and customer.code_exploitant == "1110000001"  # the declaration's customer
        return self

    def declare_step(self, **kw):
        self.sent.append(kw)
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if callable(outcome) and not isinstance(outcome, BaseException):
            outcome = outcome()
        if isinstance(outcome, BaseException):
            raise outcome


def install(monkeypatch, *outcomes) -> Ocean:
    """The sender talks to a new scripted Ocean answering ``outcomes`` in turn."""
    fake = Ocean(*outcomes)
    monkeypatch.setattr(send, "ocean_client", fake)
    return fake


def stored(customer, private=True, status=DeclarationStatus.SENT, step_id=77, **kw) -> StepDeclaration:
    return StepDeclaration.objects.create(
        customer=customer, code_exploitant="1110000001", numero_embarque=2, step_id=step_id, driver_id=7001,
        vehicle_id=5001, started_at=NOW - timedelta(days=1), ended_at=NOW - timedelta(days=1), private=private,
        status=status, requested_by_label="driver", requested_at=NOW - timedelta(hours=1), **kw)


def change_to(pk, private):
    """What the driver tapping the other choice does to the stored row (services.declarations)."""
    return lambda: StepDeclaration.objects.filter(pk=pk).update(private=private, version=F("version") + 1,
                                                                status=DeclarationStatus.SENT)


def history(d):
    return [(e.kind, e.private, e.actor_label, e.upstream_answer) for e in d.events.order_by("pk")]
