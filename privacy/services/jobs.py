"""Queue background work by task name, once the current transaction commits.

Tasks call services, never the reverse (the import contracts in pyproject.toml forbid a service importing
a task module): a service names the task it needs instead. ``PrivacyConfig.ready`` imports every area's
task module, so the name resolves to the registered task in any process and Celery's eager mode (tests)
still runs it in place; an unknown name is a programming error and fails loudly.
"""
from __future__ import annotations

from celery import current_app
from django.db import transaction


def job_queue_on_commit(task_name: str, *args, **options) -> None:
    """Send ``task_name(*args)`` to the workers after the surrounding transaction commits."""
    task = current_app.tasks[task_name]  # KeyError: a task was renamed without its callers
    if options:
        transaction.on_commit(lambda: task.apply_async(args=args, **options))
    else:
        transaction.on_commit(lambda: task.delay(*args))


def job_send_now(task_name: str, *args, **options) -> None:
    """Send ``task_name(*args)`` at once (no transaction to wait for), e.g. the setup check's ping."""
    current_app.tasks[task_name].apply_async(args=args, **options)
