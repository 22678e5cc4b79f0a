"""Reading leave and holidays from calendars: ICS files or URLs (icalendar) and CSV exports of HR tools.

Every event becomes a ``CalEvent`` (uid, label, aware start and end). All-day events run from local
midnight to local midnight in the customer's zone (DTEND of an all-day event is exclusive, RFC 5545);
floating times are read in the customer's zone. Cancelled and "free" (transparent) events are left
out, so a declined meeting or a reminder never becomes private time. Bad input raises CalendarError
with a message for the page, never a 500.
"""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import requests
from django.utils.translation import gettext as _

MAX_BYTES = 2 * 1024 * 1024
MAX_EVENTS = 2000
LABEL_MAX = 60
FETCH_TIMEOUT = 10


class CalendarError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CalEvent:
    uid: str
    label: str
    start: datetime
    end: datetime

    def to_json(self) -> list:
        return [self.uid, self.label, self.start.isoformat(), self.end.isoformat()]

    @classmethod
    def from_json(cls, data: list) -> CalEvent:
        uid, label, start, end = data
        return cls(uid, label, datetime.fromisoformat(start), datetime.fromisoformat(end))


def _moment(value, tz) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time.min, tzinfo=tz)
    raise CalendarError(_("An event has a date the portal cannot read."))


def _label(text, fallback: str) -> str:
    label = " ".join(str(text or "").split())[:LABEL_MAX]
    return label or fallback


def parse_ics(data: bytes, tz) -> list[CalEvent]:
    from icalendar import Calendar

    if len(data) > MAX_BYTES:
        raise CalendarError(_("The calendar is larger than 2 MB."))
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise CalendarError(_("This is not an ICS calendar the portal can read.")) from exc
    events = []
    for item in calendar.walk("VEVENT"):
        if str(item.get("STATUS", "")).upper() == "CANCELLED" or str(item.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue
        if item.get("DTSTART") is None:
            continue
        start_value = item.decoded("DTSTART")
        if item.get("DTEND") is not None:
            end_value = item.decoded("DTEND")
        elif item.get("DURATION") is not None:
            end_value = start_value + item.decoded("DURATION")
        elif not isinstance(start_value, datetime):
            end_value = start_value + timedelta(days=1)  # an all-day event without end lasts one day
        else:
            continue
        start, end = _moment(start_value, tz), _moment(end_value, tz)
        if end <= start:
            continue
        label = _label(item.get("SUMMARY"), _("Leave"))
        uid = str(item.get("UID") or "") or hashlib.sha256(f"{label}{start}{end}".encode()).hexdigest()
        events.append(CalEvent(uid[:255], label, start, end))
        if len(events) > MAX_EVENTS:
            raise CalendarError(_("The calendar holds more than %(n)s events.") % {"n": MAX_EVENTS})
    return sorted(events, key=lambda e: (e.start, e.uid))


def fetch_ics(url: str) -> bytes:
    """The ICS at ``url`` (http or https only, 2 MB at most, 10 s timeout)."""
    if not url.lower().startswith(("http://", "https://")):
        raise CalendarError(_("The address must start with http:// or https://."))
    try:
        with requests.get(url, timeout=FETCH_TIMEOUT, stream=True, allow_redirects=True) as response:
            if response.status_code != 200:
                raise CalendarError(_("The calendar address answered %(status)s.") % {"status": response.status_code})
            body = response.raw.read(MAX_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise CalendarError(_("The calendar address could not be reached.")) from exc
    if len(body) > MAX_BYTES:
        raise CalendarError(_("The calendar is larger than 2 MB."))
    return body


# -- CSV exports of HR tools ------------------------------------------------------------------------
@dataclass(frozen=True)
class CsvMapping:
    """Column names (as in the file's header) of the matricule, first day, last day and label."""

    matricule: str
    start: str
    end: str
    label: str = ""


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def _day(text: str, line: int) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise CalendarError(_("Line %(line)s: “%(value)s” is not a date (dd/mm/yyyy or yyyy-mm-dd).")
                        % {"line": line, "value": text[:30]})


def csv_header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text), delimiter=_delimiter(text)), [])


def _delimiter(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    return ";" if first.count(";") >= first.count(",") else ","


def parse_csv(text: str, mapping: CsvMapping, tz) -> dict[str, list[CalEvent]]:
    """Events by matricule; the last day is inclusive (leave "from 03/08 to 14/08" ends on the 14th at 24:00)."""
    if "\x00" in text:
        raise CalendarError(_("The file holds a NUL character: it is not a CSV text file."))
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
    missing = [c for c in (mapping.matricule, mapping.start, mapping.end, mapping.label) if c and c not in (
        reader.fieldnames or [])]
    if missing:
        raise CalendarError(_("Column not found in the file: %(columns)s.") % {"columns": ", ".join(missing)})
    found: dict[str, list[CalEvent]] = {}
    for line, row in enumerate(reader, start=2):
        matricule = (row.get(mapping.matricule) or "").strip()
        if not matricule:
            continue
        first, last = _day(row.get(mapping.start) or "", line), _day(row.get(mapping.end) or "", line)
        if last < first:
            raise CalendarError(_("Line %(line)s: the last day comes before the first.") % {"line": line})
        label = _label(row.get(mapping.label) if mapping.label else "", _("Leave"))
        start = datetime.combine(first, time.min, tzinfo=tz)
        end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
        uid = f"csv:{matricule}:{first.isoformat()}"
        found.setdefault(matricule, []).append(CalEvent(uid, label, start, end))
        if line > MAX_EVENTS:
            raise CalendarError(_("The file holds more than %(n)s lines.") % {"n": MAX_EVENTS})
    return found
