"""Steps and declarations tasks: send a declaration, re-send waiting ones, reminders, retention purge."""
from __future__ import annotations

from celery import shared_task

from privacy.steps.services.send import SendLater


# SendLater = Ocean unreachable or another sender busy: retried with backoff and jitter. After the
# last retry the row simply stays "sent" and `declarations_resend` picks it up (nothing is lost).
@shared_task(ignore_result=True, autoretry_for=(SendLater,), retry_backoff=15,
             retry_backoff_max=600, retry_jitter=True, max_retries=6)
def declaration_send(declaration_id: int) -> str:
    from privacy.steps.services.send import declaration_send as send

    return send(declaration_id)


@shared_task(ignore_result=True)
def declarations_resend() -> int:
    """Queue a send for every declaration still waiting for Ocean (beat, every few minutes)."""
    from privacy.steps.services.send import declarations_waiting

    ids = declarations_waiting()
    for declaration_id in ids:
        declaration_send.delay(declaration_id)
    return len(ids)


@shared_task(ignore_result=True)
def steps_reminders() -> int:
    from privacy.steps.services.reminders import reminders_send

    return reminders_send()


@shared_task(ignore_result=True)
def steps_purge() -> dict:
    from privacy.steps.services.retention import steps_purge as purge

    return purge()
