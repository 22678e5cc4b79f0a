"""Retention: stored step facts and the access log are kept only as long as needed (CNIL, rules-fr §A5/§A10).

Declarations hold times, distance and duration of a step (no position); they are deleted with their
history once the step is older than ``STEP_RETENTION_DAYS`` (default 61 ≈ 2 months). The audit log
keeps its own lines (who decided what, never a position). Cached ficheJour data expires in hours.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from privacy.services.audit import audit_record
from privacy.steps.models import StepAccessLog, StepDeclaration


def steps_purge(*, now=None) -> dict[str, int]:
    now = now or timezone.now()
    step_cutoff = now - timedelta(days=settings.STEP_RETENTION_DAYS)
    log_cutoff = now - timedelta(days=settings.STEP_ACCESS_LOG_RETENTION_DAYS)
    declarations = StepDeclaration.objects.filter(ended_at__lt=step_cutoff)
    count = declarations.count()
    declarations.delete()  # events go with them (CASCADE)
    accesses, _ = StepAccessLog.objects.filter(at__lt=log_cutoff).delete()
    result = {"declarations": count, "access_log": accesses}
    # The purge report of the CNIL kit: what was deleted, up to which date (counts only).
    audit_record(actor=None, action="retention.purge", target=f"{step_cutoff:%Y-%m-%d}/{log_cutoff:%Y-%m-%d}",
                 after=result)
    return result
