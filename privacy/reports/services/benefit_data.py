"""Inputs of the benefit in kind per driver and vehicle: who had which vehicle when (Océan's assignment
history, ocean-api §4.2) and the driver's kilometres, litres and private cost per month (the stored
month snapshots of the year, ocean-api §7).

A month's figures belong to the vehicle the driver had that month. **Portal choice** (rules-fr §B4):
when the driver had two vehicles in the same month, the month's figures are split between them by the
number of days each was assigned that month (the analysis gives no split per vehicle); the row says
which months were split. The data coverage is known to the month: a month counts as covered when
its snapshot is stored and the driver drove in it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from privacy.models import Customer
from privacy.reports.models import ReportRow, ReportSnapshot, RowKind
from privacy.reports.services.benefit_history import Items
from privacy.reports.services.periods import Period


@dataclass(frozen=True)
class Attribution:
    """One vehicle at one driver's disposal, clipped to a year (local days, ``end`` inclusive)."""

    vehicle_id: int | None
    start: date
    end: date
    assigned_on: date | None = None  # the assignment's first day (may be before the year)
    company_car: bool = True

    @property
    def months(self) -> list[int]:
        """Months of the year touched by the attribution: a started month counts in full."""
        return list(range(self.start.month, self.end.month + 1)) if self.start <= self.end else []

    def days_in(self, first: date, last: date) -> int:
        lo, hi = max(first, self.start), min(last, self.end)
        return (hi - lo).days + 1 if lo <= hi else 0

    def from_day(self, day: date | None) -> Attribution:
        """The same attribution starting no earlier than ``day`` (the date HR entered, if later)."""
        if day is None or day <= self.start:
            return self
        return Attribution(self.vehicle_id, day, self.end, self.assigned_on, self.company_car)


def attributions(items: Items | None, year: int, *,
                 current_vehicle: int | None = None) -> tuple[list[Attribution], str | None]:
    """The driver's vehicles in ``year`` from their history (``benefit_history``; None: Océan could not
    say), oldest first, and a warning when Océan could not say.

    Without a history (Océan down, or no assignment recorded), the vehicle Océan assigns today is
    taken for the whole year, and the warning says so.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    warning = "unavailable" if items is None else None
    result = []
    for vehicle_id, start_text, end_text, company_car in items or []:
        start = date.fromisoformat(start_text) if start_text else first
        end = date.fromisoformat(end_text) if end_text else last
        if end < first or start > last or vehicle_id is None:
            continue
        result.append(Attribution(vehicle_id, max(start, first), min(end, last),
                                  date.fromisoformat(start_text) if start_text else None, company_car))
    if not result and current_vehicle is not None:
        result = [Attribution(current_vehicle, first, last)]
        warning = warning or "no-history"
    return sorted(result, key=lambda a: (a.start, a.vehicle_id or 0)), warning


@dataclass
class MonthFigures:
    """A driver's figures in one vehicle for one month (after the split of a shared month)."""

    month: int
    private_m: int = 0
    total_m: int = 0
    litres_private: Decimal = Decimal(0)
    cost_private: Decimal = Decimal(0)
    split: bool = False  # the month was shared with another vehicle


@dataclass
class YearData:
    """The month snapshots of a year: ``rows[month][driver_id]`` and when each month was read."""

    year: int
    rows: dict[int, dict[int, ReportRow]] = field(default_factory=dict)
    as_of: dict[int, date] = field(default_factory=dict)
    read_at: datetime | None = None  # the latest "as of" of the stored months
    year_rows: dict[int, ReportRow] = field(default_factory=dict)  # the year's own snapshot, if stored
    year_as_of: date | None = None
    incomplete: str = ""  # the stored months whose analysis could not be read completely (D1), in words

    @property
    def months_stored(self) -> list[int]:
        return sorted(self.as_of)

    def drivers(self) -> dict[int, str]:
        names: dict[int, str] = {}
        for month in sorted(self.rows):
            for driver_id, row in self.rows[month].items():
                names.setdefault(driver_id, row.name)
        for driver_id, row in self.year_rows.items():
            names.setdefault(driver_id, row.name)
        return names


def stored_months(customer: Customer, year: int) -> list[int]:
    """Months of ``year`` whose analysis is stored (one small query)."""
    starts = ReportSnapshot.objects.filter(customer=customer, is_current=True, period_kind="month",
                                           period_start__year=year).values_list("period_start", flat=True)
    return sorted(start.month for start in starts)


def year_data(customer: Customer, year: int) -> YearData:
    snapshots = list(ReportSnapshot.objects.filter(customer=customer, is_current=True, period_kind="month",
                                                   period_start__year=year))
    data = YearData(year)
    by_pk = {}
    for snap in snapshots:
        if snap.incomplete:
            month = f"{snap.period_start:%m/%Y}: {snap.incomplete}"
            data.incomplete = "; ".join(filter(None, [data.incomplete, month]))
        data.as_of[snap.period_start.month] = snap.as_of.astimezone(customer.tz).date()
        data.read_at = max(filter(None, [data.read_at, snap.as_of]))
        data.rows[snap.period_start.month] = {}
        by_pk[snap.pk] = snap.period_start.month
    for row in ReportRow.objects.filter(snapshot__in=snapshots, kind=RowKind.DRIVER):
        data.rows[by_pk[row.snapshot_id]][row.ocean_id] = row
    whole = ReportSnapshot.objects.filter(customer=customer, is_current=True, period_kind="year",
                                          period_start=date(year, 1, 1)).first()
    if whole is not None:
        data.year_as_of = whole.as_of.astimezone(customer.tz).date()
        data.read_at = max(filter(None, [data.read_at, whole.as_of]))
        data.year_rows = {r.ocean_id: r for r in ReportRow.objects.filter(snapshot=whole, kind=RowKind.DRIVER)}
    return data


def rest_figures(data: YearData, driver_id: int, attribution: Attribution,
                 others: list[Attribution]) -> MonthFigures | None:
    """What the year's own snapshot holds beyond the stored months (year − stored months, never below
    zero), this vehicle's part by its days in the months not stored; None without a year snapshot."""
    year_row = data.year_rows.get(driver_id)
    if year_row is None:
        return None
    last_month = 12 if not data.year_as_of or data.year_as_of.year > data.year else data.year_as_of.month
    months = [m for m in range(1, last_month + 1) if m not in data.as_of]
    if not months:
        return None

    def days(a: Attribution) -> int:
        return sum(a.days_in(Period.month(data.year, m).start, Period.month(data.year, m).end) for m in months)

    mine, together = days(attribution), sum(days(a) for a in others)
    if mine == 0:
        return MonthFigures(0)
    loaded = [rows[driver_id] for rows in data.rows.values() if driver_id in rows]
    share = Decimal(mine) / Decimal(together or mine)
    private = max(0, year_row.private_m - sum(r.private_m for r in loaded))
    total = max(0, year_row.private_m + year_row.pro_m - sum(r.private_m + r.pro_m for r in loaded))
    litres = max(Decimal(0), year_row.litres_private - sum((r.litres_private for r in loaded), Decimal(0)))
    cost = max(Decimal(0), year_row.cost_private - sum((r.cost_private for r in loaded), Decimal(0)))
    return MonthFigures(0, int((private * share).to_integral_value()), int((total * share).to_integral_value()),
                        (litres * share).quantize(Decimal("0.001")), (cost * share).quantize(Decimal("0.01")),
                        split=together > mine)


def month_figures(data: YearData, driver_id: int, attribution: Attribution,
                  others: list[Attribution], month: int) -> MonthFigures | None:
    """This vehicle's share of the driver's month (None when the month is not stored)."""
    row = data.rows.get(month, {}).get(driver_id)
    if month not in data.as_of:
        return None
    period = Period.month(data.year, month)
    mine = attribution.days_in(period.start, period.end)
    if row is None or mine == 0:
        return MonthFigures(month)
    together = sum(a.days_in(period.start, period.end) for a in others)
    share = Decimal(mine) / Decimal(together) if together else Decimal(1)
    figures = MonthFigures(month, split=together > mine)
    figures.private_m = int((row.private_m * share).to_integral_value())
    figures.total_m = int(((row.private_m + row.pro_m) * share).to_integral_value())
    figures.litres_private = (row.litres_private * share).quantize(Decimal("0.001"))
    figures.cost_private = (row.cost_private * share).quantize(Decimal("0.01"))
    return figures


@dataclass
class Coverage:
    """Which part of an attribution the stored data covers (month precision)."""

    first_day: date | None
    last_day: date | None
    days_expected: int
    days_with_data: int
    months_not_loaded: list[int]

    @property
    def days_missing(self) -> int:
        return max(0, self.days_expected - self.days_with_data)


def coverage(data: YearData, attribution: Attribution, figures: dict[int, MonthFigures | None],
             today: date) -> Coverage:
    last_expected = min(attribution.end, today)
    expected = (last_expected - attribution.start).days + 1 if last_expected >= attribution.start else 0
    covered: list[tuple[date, date]] = []
    for month in attribution.months:
        fig = figures.get(month)
        if fig is None or fig.total_m <= 0:
            continue
        period = Period.month(data.year, month)
        lo = max(period.start, attribution.start)
        hi = min(period.end, attribution.end, data.as_of.get(month, period.end), last_expected)
        if lo <= hi:
            covered.append((lo, hi))
    not_loaded = [m for m in attribution.months
                  if figures.get(m) is None and Period.month(data.year, m).start <= today]
    return Coverage(
        first_day=covered[0][0] if covered else None, last_day=covered[-1][1] if covered else None,
        days_expected=expected, days_with_data=sum((hi - lo).days + 1 for lo, hi in covered),
        months_not_loaded=not_loaded,
    )
