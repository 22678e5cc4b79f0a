"""Writing to the append-only audit log."""
from __future__ import annotations

from typing import Any

from privacy.models import AuditEntry, Customer, User


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
    )
