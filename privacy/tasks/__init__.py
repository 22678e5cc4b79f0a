"""Celery tasks, one module per area; Celery's autodiscovery imports this package."""
from .core import BEAT_HEARTBEAT_KEY, beat_heartbeat, ping

__all__ = ["BEAT_HEARTBEAT_KEY", "beat_heartbeat", "ping"]
from .reports import refresh_report, reports_tick  # noqa: F401
from .schedules import bulk_application_run  # noqa: F401
from .steps import declaration_send, declarations_resend, steps_purge, steps_reminders  # noqa: F401
