"""Optimistic concurrency for every edit form: nothing saved over a newer version without the person
seeing it.

A form carries ``base_version``, the fingerprint of what the portal showed when the form was opened (for
Océan data: what the portal last read from Océan). The service re-reads the current state just before
writing and compares fingerprints; a difference raises ``EditConflict`` carrying the current state and its
fingerprint, and the page shows what changed in between and offers the person's change re-applied on top
(``reapply``) or cancelling. The state each fingerprint stands for is kept in the cache for a day, so the
"changed in between" can be described; without it every field counts as the person's.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.cache import cache

BASE_TTL = 24 * 3600


def fingerprint(state: Any) -> str:
    text = json.dumps(state, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def remember(state: Any) -> str:
    """The fingerprint of ``state``, which a form sends back as its ``base_version``."""
    version = fingerprint(state)
    cache.set(f"edit-base:{version}", state, BASE_TTL)
    return version


def recalled(version: str) -> Any | None:
    """The state a fingerprint stands for, if still known."""
    return cache.get(f"edit-base:{version}") if version else None


class EditConflict(Exception):
    """Someone saved a newer version since the form was opened."""

    def __init__(self, current: Any, base: Any | None):
        super().__init__("edit conflict")
        self.current = current
        self.base = base
        self.version = remember(current)


def check_version(base_version: str | None, current: Any) -> None:
    """Raise ``EditConflict`` when ``current`` is not what the form was based on. A form without a
    version (a script, an old page) is not checked."""
    if base_version and fingerprint(current) != base_version:
        raise EditConflict(current, recalled(base_version))


def changed_fields(before: dict, after: dict) -> list[str]:
    return [key for key in after if before.get(key) != after.get(key)]


def reapply(base: dict | None, mine: dict, current: dict) -> dict:
    """``current`` with the fields the person changed (compared to what they started from) set to theirs."""
    if base is None:
        return {**current, **mine}
    return {**current, **{k: v for k, v in mine.items() if base.get(k) != v}}
