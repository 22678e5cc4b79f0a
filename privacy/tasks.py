"""Celery tasks: thin interfaces that call services (HackSoft). Each takes ids, never objects."""
from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from privacy.services.health import BEAT_HEARTBEAT_KEY

__all__ = ["BEAT_HEARTBEAT_KEY", "beat_heartbeat", "ping", "recover"]


@shared_task(ignore_result=True)
def ping(token: str) -> None:
    """Proves a worker consumes tasks: leaves ``pong`` in the shared cache under the caller's token."""
    cache.set(f"worker:ping:{token}", "pong", 300)


@shared_task(ignore_result=True)
def beat_heartbeat() -> None:
    """Run by beat every minute so status pages can tell whether beat is alive."""
    cache.set(BEAT_HEARTBEAT_KEY, timezone.now().isoformat(), 24 * 3600)


@shared_task(ignore_result=True)
def recover() -> dict:
    """Beat, every RECOVERY_EVERY_S: resume or finish work whose worker died, settle open audit intents."""
    from privacy.services.recovery import recover_all

    return recover_all()
