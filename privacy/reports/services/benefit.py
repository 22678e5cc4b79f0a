"""Benefit in kind per driver **and per vehicle attribution** for a year: one row per car a driver had,
with that car's kilometres (the month snapshots, ``benefit_data``), that car's costs entered by HR, and
both URSSAF methods (``privacy.reports.benefit``) pro-rated by the months the car was available to the
driver (rules-fr §B3, §B4: a started month counts in full; a lease started in March → 10 months for
both methods).

The attribution date that decides the regime (rules-fr §B2) is the later of the date HR entered for
the vehicle and the start of this driver's assignment in Océan (**Portal choice**: a car reassigned to
another employee is a new attribution).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from privacy.models import Customer
from privacy.reports.benefit import BenefitResult, VehicleCosts, actual_expenses, cents, flat_rate
from privacy.reports.models import VehicleCost
from privacy.reports.services.benefit_data import (
    Attribution,
    Coverage,
    MonthFigures,
    YearData,
    attributions,
    coverage,
    month_figures,
    rest_figures,
    year_data,
)
from privacy.reports.services.benefit_history import Histories, histories
from privacy.services.fleet import Fleet, fleet_get
from privacy.services.ocean import OceanError

logger = logging.getLogger(__name__)
KM = Decimal("0.1")
PAGE_SIZE = 50  # drivers a page (each with all their vehicles)


@dataclass
class BenefitLine:
    driver_id: int
    driver_name: str
    matricule: str
    vehicle_id: int | None
    vehicle_label: str
    attribution: Attribution | None
    months: int = 0
    private_km: Decimal = Decimal(0)
    total_km: Decimal = Decimal(0)
    share: Decimal | None = None
    private_litres: Decimal = Decimal(0)
    private_fuel: Decimal = Decimal(0)
    cost: VehicleCost | None = None
    flat: BenefitResult | None = None
    actual: BenefitResult | None = None
    coverage: Coverage | None = None
    split_months: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pending: bool = False  # the assignment history is being read from Océan: no figures yet


def vehicle_costs_of(cost: VehicleCost, attributed: date | None = None) -> VehicleCosts:
    made_available = max(filter(None, [cost.made_available, attributed]))
    return VehicleCosts(
        acquisition=cost.acquisition, purchase_price_ttc=cost.purchase_price_ttc,
        annual_lease=cost.annual_lease, annual_maintenance=cost.annual_maintenance,
        annual_insurance=cost.annual_insurance, first_registration=cost.first_registration,
        made_available=made_available, employer_pays_fuel=cost.employer_pays_fuel,
        electric=cost.electric, eligible_abatement=cost.eligible_abatement, annual_fuel=cost.annual_fuel,
    )


def private_fuel_of(litres: Decimal, ocean_cost: Decimal, cost: VehicleCost) -> tuple[Decimal, str | None]:
    """Employer-paid fuel used privately: private litres × the price HR gave, else Ocean's private cost."""
    if not cost.employer_pays_fuel or cost.electric:
        return Decimal(0), None
    if cost.fuel_price_per_litre is not None:
        return cents(litres * cost.fuel_price_per_litre), _(
            "Private fuel = private litres × the fuel price entered.")
    return cents(ocean_cost), _("Private fuel = the private cost computed by Ocean.")


def vehicle_label(fleet: Fleet | None, vehicle_id: int | None) -> str:
    vehicle = fleet.vehicles.get(vehicle_id) if fleet and vehicle_id else None
    if vehicle is None:
        return str(vehicle_id or "—")
    return " ".join(x for x in (vehicle.plate, vehicle.label) if x)


def load_fleet(customer: Customer) -> tuple[Fleet | None, str | None]:
    try:
        return fleet_get(customer), None
    except OceanError as exc:
        logger.warning("benefit page: fleet unavailable (%s)", exc)
        return None, _("Ocean could not be reached: vehicles of drivers are unknown for now.")


def driver_attributions(known: Histories, fleet: Fleet | None, driver_id: int, year: int):
    current = fleet.drivers[driver_id].vehicle_id if fleet and driver_id in fleet.drivers else None
    found, warning = attributions(known.of(driver_id), year, current_vehicle=current)
    notes = []
    if warning == "unavailable":
        notes.append(_("Ocean's assignment history could not be read: the current vehicle is taken "
                       "for the whole year."))
    elif warning == "no-history":
        notes.append(_("Ocean has no assignment history for this driver: the current vehicle is taken "
                       "for the whole year."))
    return found, notes


def available_attribution(attribution: Attribution, cost: VehicleCost | None) -> Attribution:
    """The part of the attribution from the date HR entered for the vehicle, if later."""
    return attribution.from_day(cost.made_available if cost else None)


def benefit_lines(customer: Customer, year: int, *, today: date) -> tuple[list[BenefitLine], YearData, str | None]:
    """(one line per driver and vehicle, the year's month data, a warning or None); drivers whose
    assignment history is still being read have one ``pending`` line."""
    data = year_data(customer, year)
    lines, warning = _lines(customer, year, data, _drivers(data), today)
    return lines, data, warning


def benefit_page(customer: Customer, year: int, *, today: date, number) -> tuple[Page, YearData, str | None]:
    """One page of ``PAGE_SIZE`` drivers (all their vehicles): only that page's figures are computed;
    the histories a worker reads are those of every driver of the year."""
    data = year_data(customer, year)
    everyone = _drivers(data)
    page = Paginator(everyone, PAGE_SIZE).get_page(number)
    page.object_list, warning = _lines(customer, year, data, list(page.object_list), today,
                                       everyone=[driver_id for driver_id, _name in everyone])
    return page, data, warning


def year_drivers(customer: Customer, year: int) -> list[int]:
    """The drivers of ``year``'s benefit page, in its order."""
    return [driver_id for driver_id, _name in _drivers(year_data(customer, year))]


def _drivers(data: YearData) -> list[tuple[int, str]]:
    return sorted(data.drivers().items(), key=lambda kv: (kv[1], kv[0]))


def _lines(customer: Customer, year: int, data: YearData, drivers: list[tuple[int, str]],
           today: date, everyone: list[int] | None = None) -> tuple[list[BenefitLine], str | None]:
    fleet, warning = load_fleet(customer)
    costs = {c.vehicle_id: c for c in VehicleCost.objects.filter(customer=customer)}
    lines: list[BenefitLine] = []
    known = histories(customer, [driver_id for driver_id, _name in drivers], everyone=everyone)
    for driver_id, name in drivers:
        driver = fleet.drivers.get(driver_id) if fleet else None
        if driver_id in known.pending:
            lines.append(BenefitLine(driver_id, name, driver.matricule if driver else "", None, "—", None,
                                     pending=True))
            continue
        found, notes = driver_attributions(known, fleet, driver_id, year)
        if not found:
            line = BenefitLine(driver_id, name, driver.matricule if driver else "", None, "—", None)
            line.notes = notes + [_("No vehicle assigned to this driver in Ocean.")]
            lines.append(line)
            continue
        for attribution in found:
            cost = costs.get(attribution.vehicle_id)
            line = BenefitLine(driver_id, name, driver.matricule if driver else "", attribution.vehicle_id,
                               vehicle_label(fleet, attribution.vehicle_id), attribution, cost=cost,
                               notes=list(notes))
            _figures(line, data, found, today)
            _compute(line, year)
            lines.append(line)
    return lines, warning


def _figures(line: BenefitLine, data: YearData, found: list[Attribution], today: date) -> None:
    attribution = available_attribution(line.attribution, line.cost)
    figures: dict[int, MonthFigures | None] = {
        m: month_figures(data, line.driver_id, attribution, found, m) for m in attribution.months}
    stored = [f for f in figures.values() if f is not None]
    rest = rest_figures(data, line.driver_id, attribution, found)
    if rest is not None and rest.total_m > 0:
        stored.append(rest)
        line.notes.append(_("The kilometres of the months not loaded yet come from the year's figures, "
                            "shared between vehicles by their days in those months."))
    private_m, total_m = sum(f.private_m for f in stored), sum(f.total_m for f in stored)
    line.attribution, line.months = attribution, len(attribution.months)
    line.private_km = (Decimal(private_m) / 1000).quantize(KM)
    line.total_km = (Decimal(total_m) / 1000).quantize(KM)
    line.share = (Decimal(private_m) * 100 / total_m).quantize(KM) if total_m else None
    line.private_litres = sum((f.litres_private for f in stored), Decimal(0))
    line.split_months = [f.month for f in stored if f.split and f.month]
    line.coverage = coverage(data, attribution, figures, today)
    ocean_cost = sum((f.cost_private for f in stored), Decimal(0))
    if line.cost is not None:
        line.private_fuel, fuel_note = private_fuel_of(line.private_litres, ocean_cost, line.cost)
        if fuel_note:
            line.notes.append(fuel_note)
    if line.split_months:
        line.notes.append(_("Vehicle changed during a month: that month's kilometres are split between the "
                            "two vehicles by the days each was assigned."))
    if line.attribution and not line.attribution.company_car:
        line.notes.append(_("Ocean marks this assignment as not a company car (véhicule de fonction): check "
                            "that the vehicle is at the employee's permanent disposal."))


def _compute(line: BenefitLine, year: int) -> None:
    if line.cost is None:
        line.notes.append(_("Enter this vehicle's costs to compute the benefit."))
        return
    try:
        costs = vehicle_costs_of(line.cost, line.attribution.assigned_on if line.attribution else None)
    except ValueError:
        line.notes.append(_("The vehicle's costs are incomplete (purchase price missing)."))
        return
    line.flat = flat_rate(costs, year=year, months_available=line.months, private_fuel=line.private_fuel)
    line.actual = actual_expenses(costs, private_km=line.private_km, total_km=line.total_km,
                                  private_fuel=line.private_fuel, year=year, months=line.months)


def pending_count(lines: list[BenefitLine]) -> int:
    """Drivers whose assignment history a worker is still reading."""
    return sum(1 for line in lines if line.pending)


def regimes_used(lines: list[BenefitLine]) -> list[str]:
    return sorted({line.flat.inputs["regime"] for line in lines if line.flat}, reverse=True)


def with_months(attribution: Attribution, first: date, last: date) -> Attribution:
    return replace(attribution, start=max(first, attribution.start), end=min(last, attribution.end))
