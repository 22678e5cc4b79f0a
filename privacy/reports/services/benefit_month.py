"""Benefit in kind per driver **and per month**, as payroll needs it (issue 19): both URSSAF methods side
by side for each vehicle the driver had that month, the method the employer chose for this employee
and year (``BenefitChoice``, flat rate unless HR chose otherwise — rules-fr §B3), the employee's
monthly contribution deducted (never below zero).

One month of a flat rate is the yearly amount × 1/12, the electric abatement cap too; one month of
actual expenses is the yearly costs × 1/12 × that month's private km / total km, + the month's private
fuel (rules-fr §B3, §B4). **Portal choice**: a month counts in full for every vehicle available during
it (a started month counts in full), so a change of car inside a month gives that month two flat rates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from privacy.models import Customer
from privacy.reports.benefit import BenefitResult, actual_expenses, flat_rate
from privacy.reports.models import BenefitChoice, BenefitMethod, VehicleCost
from privacy.reports.services.benefit import (
    KM,
    available_attribution,
    driver_attributions,
    load_fleet,
    private_fuel_of,
    vehicle_costs_of,
    vehicle_label,
)
from privacy.reports.services.benefit_data import month_figures, year_data
from privacy.reports.services.benefit_history import histories
from privacy.reports.services.periods import Period

ZERO = Decimal(0)


@dataclass
class MonthVehicle:
    vehicle_id: int
    label: str
    private_km: Decimal | None = None  # None: the month is not loaded yet
    total_km: Decimal | None = None
    private_fuel: Decimal = ZERO
    flat: BenefitResult | None = None
    actual: BenefitResult | None = None
    regime: str = ""
    acquisition: str = ""
    fuel_paid: bool = False
    electric: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class DriverMonth:
    driver_id: int
    driver_name: str
    matricule: str
    period: Period
    method: str = BenefitMethod.FLAT
    vehicles: list[MonthVehicle] = field(default_factory=list)
    flat_total: Decimal | None = None
    actual_total: Decimal | None = None
    contribution: Decimal = ZERO
    amount: Decimal | None = None  # what goes to payroll; None when it cannot be computed yet
    notes: list[str] = field(default_factory=list)
    pending: bool = False  # the assignment history is being read from Océan: nothing known yet

    @property
    def vehicle_labels(self) -> str:
        return ", ".join(v.label for v in self.vehicles)

    @property
    def lower_method(self) -> str | None:
        if self.flat_total is None or self.actual_total is None:
            return None
        return BenefitMethod.ACTUAL if self.actual_total < self.flat_total else BenefitMethod.FLAT


def _total(results: list[BenefitResult | None]) -> Decimal | None:
    if not results or any(r is None for r in results):
        return None
    return sum((r.amount for r in results), ZERO)


def _vehicle(customer_year: int, month: int, driver_id: int, attribution, found, data, fleet,
             cost: VehicleCost | None) -> MonthVehicle | None:
    period = Period.month(customer_year, month)
    available = available_attribution(attribution, cost)
    if available.days_in(period.start, period.end) == 0:
        return None
    item = MonthVehicle(attribution.vehicle_id, vehicle_label(fleet, attribution.vehicle_id))
    if cost is None:
        item.notes.append(_("Enter this vehicle's costs to compute the benefit."))
        return item
    try:
        costs = vehicle_costs_of(cost, attribution.assigned_on)
    except ValueError:
        item.notes.append(_("The vehicle's costs are incomplete (purchase price missing)."))
        return item
    item.acquisition, item.fuel_paid, item.electric = cost.acquisition, cost.employer_pays_fuel, cost.electric
    figures = month_figures(data, driver_id, available, found, month)
    if figures is not None:
        item.private_km = (Decimal(figures.private_m) / 1000).quantize(KM)
        item.total_km = (Decimal(figures.total_m) / 1000).quantize(KM)
        item.private_fuel, _note = private_fuel_of(figures.litres_private, figures.cost_private, cost)
        item.actual = actual_expenses(costs, private_km=item.private_km, total_km=item.total_km,
                                      private_fuel=item.private_fuel, year=customer_year, months=1)
    else:
        item.notes.append(_("This month's figures are not loaded yet: actual expenses unknown."))
    item.flat = flat_rate(costs, year=customer_year, months_available=1, private_fuel=item.private_fuel)
    item.regime = item.flat.inputs["regime"]
    return item


def driver_months(customer: Customer, period: Period) -> tuple[list[DriverMonth], str | None]:
    """Every driver with a vehicle or kilometres in the calendar month ``period``."""
    year, month = period.start.year, period.start.month
    data = year_data(customer, year)
    fleet, warning = load_fleet(customer)
    costs = {c.vehicle_id: c for c in VehicleCost.objects.filter(customer=customer)}
    choices = {c.driver_id: c for c in BenefitChoice.objects.filter(customer=customer, year=year)}
    names = data.drivers()
    if fleet:
        for d in fleet.drivers.values():
            if d.vehicle_id in costs or d.ocean_id in choices:
                names.setdefault(d.ocean_id, d.full_name)
    result = []
    known = histories(customer, list(names))
    for driver_id, name in sorted(names.items(), key=lambda kv: (kv[1], kv[0])):
        driver = fleet.drivers.get(driver_id) if fleet else None
        if driver_id in known.pending:
            result.append(DriverMonth(driver_id, name, driver.matricule if driver else "", period, pending=True))
            continue
        found, notes = driver_attributions(known, fleet, driver_id, year)
        line = DriverMonth(driver_id, name, driver.matricule if driver else "", period, notes=notes)
        for attribution in found:
            item = _vehicle(year, month, driver_id, attribution, found, data, fleet, costs.get(attribution.vehicle_id))
            if item is not None:
                line.vehicles.append(item)
        if not line.vehicles:
            continue
        if not line.matricule:
            line.notes.append(_("No matricule in Ocean for this driver: the payroll tool cannot match the line."))
        choice = choices.get(driver_id)
        line.method = choice.method if choice else BenefitMethod.FLAT
        _settle(line, choice.monthly_contribution if choice else ZERO)
        result.append(line)
    return result, warning


def _settle(line: DriverMonth, contribution: Decimal) -> None:
    line.flat_total = _total([v.flat for v in line.vehicles])
    line.actual_total = _total([v.actual for v in line.vehicles])
    applied = line.flat_total if line.method == BenefitMethod.FLAT else line.actual_total
    if applied is None:
        line.notes.append(_("The amount cannot be computed yet (costs or figures missing)."))
        return
    line.contribution = min(contribution, applied)
    line.amount = applied - line.contribution
    if contribution > applied:
        line.notes.append(_("The employee contribution exceeds the benefit: the benefit is zero."))
    if len(line.vehicles) > 1:
        line.notes.append(_("Two vehicles this month: each counts the month in full (a started month "
                            "counts in full)."))


def month_of(text: str, today: date) -> Period:
    """``"2026-03"`` → that month; anything else → the previous month (the one usually paid)."""
    try:
        year, month = (int(x) for x in text.split("-"))
        if 2000 <= year <= today.year + 1 and 1 <= month <= 12:
            return Period.month(year, month)
    except ValueError:
        pass
    return Period.containing_month(today).previous_month()
