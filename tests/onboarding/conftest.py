"""Fixtures of the onboarding tests: a worker and beat that answer (or not), CSV uploads."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from privacy.tasks import BEAT_HEARTBEAT_KEY, ping


@pytest.fixture
def worker_up(monkeypatch):
    """A worker that consumes the ping task at once (what a real worker does, minus the broker)."""
    monkeypatch.setattr(ping, "apply_async", lambda args, **kw: ping.run(*args))


@pytest.fixture
def worker_down(monkeypatch, settings):
    """The task is queued but nobody takes it."""
    settings.SETUP_WORKER_TIMEOUT = 0.2
    monkeypatch.setattr(ping, "apply_async", lambda args, **kw: None)


@pytest.fixture
def beat_up():
    cache.set(BEAT_HEARTBEAT_KEY, timezone.now().isoformat(), 3600)


def csv_upload(text: str, name: str = "comptes.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
