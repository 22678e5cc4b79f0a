"""Template filters for periods shown to people."""
from __future__ import annotations

from datetime import datetime

from django import template

from privacy.services.history import period_end_text

register = template.Library()


@register.filter
def period_end(value: datetime | None, fmt: str = "D d/m/Y") -> str:
    """The last moment of a period as a person says it: an end at 00:00 is the end of the day before
    ("Sun 04/01/2026, end of day"), never the next day at 00:00; any other end keeps its time."""
    return period_end_text(value, fmt)


@register.filter
def stored_text(value) -> str:
    """A stored text (bulk-run detail, import error) in the reader's language."""
    from privacy.services.stored_text import shown

    return shown(value)
