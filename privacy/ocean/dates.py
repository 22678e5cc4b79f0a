"""Date/time formats of the Océan API (ocean-api.md §8.2, §10.10, §10.11).

* Parameters `dd/MM/yyyy HH:mm:ss Z` are always written in UTC with a zone token
  (`+0000` by default, `Z` as the documented fallback).
* `ficheJour` takes `dd/MM/yyyy`.
* Responses mix epoch milliseconds (int or numeric string) and ISO-8601 strings
  (`Z`, `+00:00`, with or without millis) in the same fields: `parse_ocean_time`
  accepts all of them and returns an aware UTC datetime, or None.
* ficheJour `date`/`heure` are customer-local wall-clock strings: see
  `to_utc_from_local` for the DST policy.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

ZONE_TOKENS = ("+0000", "Z")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NUMERIC = re.compile(r"^[+-]?\d+(\.\d+)?$")
_OCEAN_DT = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_TIME = re.compile(r"^(\d{1,2})[:hH](\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?$")


def _require_aware(dt: datetime) -> datetime:
    if not isinstance(dt, datetime):
        raise TypeError(f"expected datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime: pass an aware datetime (Ocean dates are sent in UTC)")
    return dt.astimezone(UTC)


def format_ocean_datetime(dt: datetime, zone_token: str = "+0000") -> str:  # noqa: S107 - not a secret
    """Aware datetime → `dd/MM/yyyy HH:mm:ss +0000` (UTC). Naive → ValueError."""
    if zone_token not in ZONE_TOKENS:
        raise ValueError(f"zone_token must be one of {ZONE_TOKENS}")
    return _require_aware(dt).strftime("%d/%m/%Y %H:%M:%S ") + zone_token


APPLY_NOW_MARGIN = timedelta(minutes=1)


def apply_now_start(now: datetime, margin: timedelta = APPLY_NOW_MARGIN) -> datetime:
    """The start sent for "apply now" (D5): the next whole minute plus a margin, so that a strict
    Océan, whose clock may run a little ahead of ours, never sees a start in the past."""
    now = _require_aware(now)
    return now.replace(second=0, microsecond=0) + timedelta(minutes=1) + margin


def wall_clock_as_utc(dt: datetime, tz_name: str) -> datetime:
    """The local wall-clock time of ``dt`` labelled UTC (periods sent to an Océan that cuts days in
    UTC, D6): 25/12 00:00 Paris is sent as 25/12 00:00 Z so its day slot is the local day."""
    return _require_aware(dt).astimezone(ZoneInfo(tz_name)).replace(tzinfo=UTC)


def utc_as_wall_clock(dt: datetime | None, tz_name: str) -> datetime | None:
    """Inverse of ``wall_clock_as_utc`` for what Océan sends back."""
    if dt is None:
        return None
    return to_utc_from_local(_require_aware(dt).replace(tzinfo=None), tz_name)


def format_fiche_date(day: date) -> str:
    """date → `dd/MM/yyyy` (ficheJour `date`, ocean-api §5.1)."""
    if isinstance(day, datetime):
        day = day.date()
    return day.strftime("%d/%m/%Y")


def to_epoch_ms(dt: datetime) -> int:
    """Aware datetime → epoch milliseconds (analysis `periode`, ocean-api §7)."""
    return (_require_aware(dt) - _EPOCH) // timedelta(milliseconds=1)


def _from_ms(value: float) -> datetime | None:
    try:
        return _EPOCH + timedelta(milliseconds=value)
    except (OverflowError, ValueError):
        return None


def _offset(zone: str | None) -> timezone:
    if not zone or zone == "Z":
        return UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def parse_ocean_time(value: object) -> datetime | None:
    """Lenient: epoch ms (int/float/numeric string), ISO-8601 (Z, +00:00, +0000,
    millis), or `dd/MM/yyyy[ HH:mm[:ss]][ Z|+0000]`. Result is aware UTC.

    Naive ISO strings are taken as UTC. None, "", booleans and anything
    unparseable give None (never an exception).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)):
        return _from_ms(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if _NUMERIC.match(text):
        return _from_ms(float(text))
    m = _OCEAN_DT.match(text)
    if m:
        d, mo, y, hh, mi, ss, zone = m.groups()
        try:
            dt = datetime(
                int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0), tzinfo=_offset(zone)
            )
        except ValueError:
            return None
        return dt.astimezone(UTC)
    iso = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)  # +0000 → +00:00
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def to_utc_from_local(naive_dt: datetime, tz_name: str = "Europe/Paris") -> datetime:
    """Customer-local wall-clock time → aware UTC.

    DST policy (deliberate, documented):
    * ambiguous times (autumn, e.g. 02:30 on 2026-10-25 Paris happens twice)
      resolve to the FIRST occurrence (summer offset, `fold=0`);
    * nonexistent times (spring gap, e.g. 02:30 on 2026-03-29 Paris) are read
      with the offset in force before the gap, i.e. shifted forward by the gap
      length (02:30 → 01:30 UTC = 03:30 CEST). Never raises.
    An aware input is simply converted to UTC.
    """
    if naive_dt.tzinfo is not None:
        return naive_dt.astimezone(UTC)
    return naive_dt.replace(tzinfo=ZoneInfo(tz_name), fold=0).astimezone(UTC)


def parse_local_date_time(date_text: object, time_text: object, tz_name: str) -> datetime | None:
    """ficheJour `date` + `heure` (free strings, ocean-api §5.1) → aware UTC or None.

    Accepts `dd/MM/yyyy` or ISO dates, `HH:mm[:ss[.fff]]` or `HHhMM` times. If the
    date field already carries an offset or is epoch ms, it is used as is.
    """
    if isinstance(date_text, (int, float)) and not isinstance(date_text, bool):
        return parse_ocean_time(date_text)
    if not isinstance(date_text, str) or not date_text.strip():
        return None
    text = date_text.strip()
    day: date | None = None
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    try:
        if m:
            day = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        elif re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            day = date.fromisoformat(text)
    except ValueError:
        return None
    if day is None:  # a full timestamp in the date field
        if re.search(r"(Z|[+-]\d{2}:?\d{2})$", text) or _NUMERIC.match(text):
            return parse_ocean_time(text)
        parsed = parse_ocean_time(text)  # naive full timestamp: treat as local
        return to_utc_from_local(parsed.replace(tzinfo=None), tz_name) if parsed else None
    clock = time(0, 0)
    if isinstance(time_text, str) and time_text.strip():
        t = _TIME.match(time_text.strip())
        if not t:
            return None
        hh, mi, ss, frac = t.groups()
        if int(hh) == 24 and int(mi) == 0:
            return to_utc_from_local(datetime.combine(day + timedelta(days=1), time(0, 0)), tz_name)
        try:
            clock = time(int(hh), int(mi), int(ss or 0), int((frac or "0").ljust(6, "0")))
        except ValueError:
            return None
    return to_utc_from_local(datetime.combine(day, clock), tz_name)
