"""The audit log is append-only."""
from __future__ import annotations

import pytest

from privacy.models import AuditEntry
from privacy.models.audit import AppendOnlyError
from privacy.services.audit import audit_record


def test_entries_cannot_be_changed_or_deleted(manager, customer):
    entry = audit_record(actor=manager, action="schedule.set", customer=customer, driver_id=7001,
                         before={"LUNDI": []}, after={"LUNDI": [["18:00", "23:59"]]}, upstream_result="true")
    entry.action = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == "schedule.set"


def test_deleting_a_user_keeps_their_history(manager, customer):
    audit_record(actor=manager, action="period.add", customer=customer)
    manager.delete()
    entry = AuditEntry.objects.get()
    assert entry.actor is None
    assert entry.actor_label == "manager"
