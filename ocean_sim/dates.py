"""Date/time parsing and formatting in the exact formats the Océan API uses."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

JOURS = ("LUNDI", "MARDI", "MERCREDI", "JEUDI", "VENDREDI", "SAMEDI", "DIMANCHE")

# "dd/MM/yyyy HH:mm:ss Z" — the zone token must be a literal Z or +0000 (UTC). A raw "+" in a
# query string decodes to a space, so "… 00:00:00  0000" is rejected on purpose.
_DMY_HMS_Z = re.compile(r"^(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2}):(\d{2}) (Z|\+0000)$")
_DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


class DateError(ValueError):
    """A date parameter is not in the required format."""


def parse_dmy_hms_z(value: str) -> datetime:
    m = _DMY_HMS_Z.match(value or "")
    if not m:
        raise DateError(f"date {value!r} is not in format dd/MM/yyyy HH:mm:ss Z")
    d, mo, y, h, mi, s, _zone = m.groups()
    try:
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=UTC)
    except ValueError as exc:
        raise DateError(str(exc)) from exc


def parse_dmy(value: str) -> date:
    m = _DMY.match(value or "")
    if not m:
        raise DateError(f"date {value!r} is not in format dd/MM/yyyy")
    d, mo, y = m.groups()
    try:
        return date(int(y), int(mo), int(d))
    except ValueError as exc:
        raise DateError(str(exc)) from exc


def parse_periode(value: object) -> datetime:
    """Analysis ``periode.debut``/``fin``: epoch ms (number or digit string) or ISO-8601 string."""
    if isinstance(value, bool) or value is None:
        raise DateError("periode bound missing or not a date")
    if isinstance(value, (int, float)):
        return from_ms(int(value))
    if isinstance(value, str):
        if value.isdigit():
            return from_ms(int(value))
        try:
            dt = datetime.fromisoformat(value)
        except ValueError as exc:
            raise DateError(f"periode bound {value!r} is not ISO-8601") from exc
        return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)
    raise DateError("periode bound must be epoch ms or an ISO-8601 string")


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_ms(dt: datetime) -> int:
    return (dt - EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def iso_z(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def local_midnight(d: date) -> datetime:
    """Aware UTC instant of 00:00 Europe/Paris on day ``d``."""
    return datetime(d.year, d.month, d.day, tzinfo=PARIS).astimezone(UTC)


def local_at(d: date, hour: int, minute: int, second: int = 0) -> datetime:
    """Aware UTC instant of ``hour:minute`` Europe/Paris on day ``d``; hour 24 = next midnight."""
    if hour >= 24:
        return local_midnight(d + timedelta(days=1)) + timedelta(hours=hour - 24, minutes=minute)
    return datetime(d.year, d.month, d.day, hour, minute, second, tzinfo=PARIS).astimezone(UTC)


def local_date(dt: datetime) -> date:
    return dt.astimezone(PARIS).date()
