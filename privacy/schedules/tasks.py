"""Celery tasks of the private-hours area: thin, by id, the work is in privacy.schedules.services.bulk."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)  # acks_late, reject_on_worker_lost: settings ("Crash safety")
def bulk_application_run(application_id: int) -> None:
    """Apply a template or holidays to the job's pending drivers, one by one, recording each result.

    No automatic retry of the whole task: each driver's failure (after the client's own retries of
    transient errors) is recorded on its row, and the manager retries failed drivers explicitly.
    """
    from privacy.schedules.services.bulk import bulk_run

    bulk_run(application_id)


@shared_task(ignore_result=True)
def calendars_resync() -> None:
    """Re-sync every ICS subscription (beat): only the periods each one created are changed or removed."""
    from privacy.schedules.services.calendar_sync import sync_all_subscriptions

    sync_all_subscriptions()
