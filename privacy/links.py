"""Absolute links to the portal, for e-mails (invitations, password resets, reminders, monthly reports).

They always start with ``settings.PORTAL_BASE_URL`` — the public address, derived from ``PORT`` by
`make run` when unset — and never with the Host header a client sent.
"""

from __future__ import annotations

from django.conf import settings


def portal_url(path: str = "") -> str:
    """``portal_url("/trips/")`` → ``https://portal.example.com/trips/``; no argument: the base itself."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path
