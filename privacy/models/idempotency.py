"""Answers to write requests, kept by idempotency key so a repeated request is answered, not re-run."""
from __future__ import annotations

from django.db import models


class IdempotentRequest(models.Model):
    """One write request: ``status`` is None while it runs; then the answer to replay (a day)."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=list)
    body = models.BinaryField(default=b"")

    def __str__(self) -> str:
        return self.key
