"""Leases on background work (issue 15, "leases, not hopes").

A unit of work (a bulk-run item, a report refresh, a declaration send…) is done by the process holding
its lease: one row per ``(kind, object_id)``, taken by a conditional UPDATE, kept alive by a heartbeat
and released when the work reaches a final state. A process that dies stops beating: ``expires_at``
passes and the recovery task (privacy/services/leases.py, run by beat) re-reads Ocean where needed and
resumes or finishes the work. ``attempts`` counts the takes, so work that kills its worker every time
ends as failed instead of looping.
"""
from __future__ import annotations

from django.db import models


class Lease(models.Model):
    kind = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    owner = models.CharField(max_length=120, blank=True)  # "host:pid:nonce"; empty = released
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_lease_per_work")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.owner or 'released'}"
