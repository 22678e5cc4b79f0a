"""Report periods: calendar month / quarter / year or a custom range of local days.

A period is a range of *local* days in the customer's time zone; ``bounds_utc`` turns it into the
UTC instants of local midnight at both ends, so a DST change inside the period is handled by
``zoneinfo`` (the day of the change is 23 or 25 hours long, nothing is lost or counted twice).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _

from privacy.reports.models import PeriodKind

MAX_CUSTOM_DAYS = 366
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class PeriodError(ValueError):
    """A period asked for in a URL that does not exist (shown next to the picker)."""


@dataclass(frozen=True, slots=True)
class Period:
    kind: str
    start: date  # first local day
    end: date  # last local day, inclusive

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        return cls(PeriodKind.MONTH, first, _next_month(first) - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = date(year, 3 * (quarter - 1) + 1, 1)
        last = _next_month(_next_month(_next_month(first))) - timedelta(days=1)
        return cls(PeriodKind.QUARTER, first, last)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def containing_month(cls, day: date) -> Period:
        return cls.month(day.year, day.month)

    def previous_month(self) -> Period:
        return Period.containing_month(self.start - timedelta(days=1))

    def bounds_utc(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[local midnight of ``start``, local midnight after ``end``) as aware UTC datetimes."""
        begin = datetime.combine(self.start, time(0), tzinfo=tz)
        finish = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz)
        return begin.astimezone(UTC), finish.astimezone(UTC)

    @property
    def is_calendar_month(self) -> bool:
        return self.kind == PeriodKind.MONTH

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return formats.date_format(self.start, "F Y").capitalize()
        if self.kind == PeriodKind.QUARTER:
            return _("Q%(q)s %(year)s") % {"q": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        if self.kind == PeriodKind.YEAR:
            return str(self.start.year)
        return _("%(start)s to %(end)s") % {
            "start": formats.date_format(self.start, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(self.end, "SHORT_DATE_FORMAT"),
        }

    def query(self) -> dict[str, str]:
        """The GET parameters that select this period again (links, exports, redirects)."""
        if self.kind == PeriodKind.MONTH:
            return {"period": "month", "month": f"{self.start:%Y-%m}"}
        if self.kind == PeriodKind.QUARTER:
            return {"period": "quarter", "quarter": f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"}
        if self.kind == PeriodKind.YEAR:
            return {"period": "year", "year": str(self.start.year)}
        return {"period": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def period_from_params(params, today: date) -> Period:
    """Read the picker's GET parameters; the default is the current month. Raises PeriodError."""
    kind = params.get("period") or PeriodKind.MONTH
    try:
        if kind == PeriodKind.MONTH:
            match = _MONTH.match(params.get("month") or f"{today:%Y-%m}")
            if not match or not 1 <= int(match[2]) <= 12:
                raise PeriodError(_("Choose a month as YYYY-MM."))
            return Period.month(int(match[1]), int(match[2]))
        if kind == PeriodKind.QUARTER:
            match = _QUARTER.match(params.get("quarter") or f"{today.year}-Q{(today.month - 1) // 3 + 1}")
            if not match:
                raise PeriodError(_("Choose a quarter as YYYY-Qn."))
            return Period.quarter(int(match[1]), int(match[2]))
        if kind == PeriodKind.YEAR:
            year = params.get("year") or str(today.year)
            if not year.isdigit() or not 2000 <= int(year) <= 2100:
                raise PeriodError(_("Choose a year between 2000 and 2100."))
            return Period.year(int(year))
        if kind == PeriodKind.CUSTOM:
            return _custom(params.get("start", ""), params.get("end", ""))
    except ValueError as exc:
        if isinstance(exc, PeriodError):
            raise
        raise PeriodError(_("This date does not exist.")) from None
    raise PeriodError(_("Unknown kind of period."))


def _custom(start_text: str, end_text: str) -> Period:
    try:
        start, end = date.fromisoformat(start_text), date.fromisoformat(end_text)
    except ValueError:
        raise PeriodError(_("Enter a start and an end date.")) from None
    if end < start:
        raise PeriodError(_("The end date is before the start date."))
    if (end - start).days + 1 > MAX_CUSTOM_DAYS:
        raise PeriodError(_("A custom period covers at most 366 days."))
    return Period(PeriodKind.CUSTOM, start, end)


def period_of(obj) -> Period:
    """The Period of a snapshot or refresh row."""
    return Period(obj.period_kind, obj.period_start, obj.period_end)
