"""Template filters for periods shown to people."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def period_end(value: datetime | None, fmt: str = "D d/m/Y") -> str:
    """The last moment of a period as a person says it: an end at 00:00 is the end of the day before
    ("Sun 04/01/2026, end of day"), never the next day at 00:00; any other end keeps its time."""
    if not isinstance(value, datetime):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if local.time() == time(0):
        return _("%(day)s, end of day") % {"day": date_format(local.date() - timedelta(days=1), fmt)}
    return date_format(local, f"{fmt} H:i")
