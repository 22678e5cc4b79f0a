"""Report tasks: a refresh (download + store one customer's period), the beat tick, and the assignment
histories the benefit pages wait for."""
from __future__ import annotations

import random

from celery import shared_task

from privacy.models import Customer
from privacy.reports.models import ReportRefresh
from privacy.reports.services import benefit_history, ingest, nightly
from privacy.services.ocean import OceanUnavailable

MAX_RETRIES = 4
BACKOFF_BASE, BACKOFF_MAX = 30, 600


def backoff(retries: int, retry_after: float | None = None) -> int:
    """Exponential backoff with jitter (30 s, 60 s, 120 s… capped), never below Ocean's Retry-After."""
    delay = min(BACKOFF_MAX, BACKOFF_BASE * 2**retries)
    return int(max(retry_after or 0, random.uniform(delay / 2, delay)))


@shared_task(bind=True, ignore_result=True, max_retries=MAX_RETRIES)
def refresh_report(self, refresh_id: int) -> None:
    try:
        ingest.run_refresh(refresh_id)
    except OceanUnavailable as exc:
        refresh = ReportRefresh.objects.get(pk=refresh_id)
        if self.request.retries >= self.max_retries:
            ingest.fail_refresh(refresh, ingest.failure_text(exc))
            return
        countdown = backoff(self.request.retries, exc.retry_after)
        ingest.note_retry(refresh, countdown, self.request.retries + 1, self.max_retries)
        raise self.retry(countdown=countdown) from None


@shared_task(ignore_result=True)
def reports_tick() -> None:
    nightly.tick()


@shared_task(ignore_result=True)
def benefit_histories(customer_id: int, driver_ids: list[int], older_than_s: float | None = None) -> None:
    """Read the assignment histories the benefit pages are waiting for, or the night's reading
    (privacy/reports/services/benefit_history.py)."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is not None:
        benefit_history.worker_read(customer, driver_ids, older_than_s)
