"""Benefit in kind per driver and year: the year's stored analysis (private and total km, private
fuel) and the vehicle costs HR entered, run through ``privacy.reports.benefit`` (URSSAF flat rate and actual
expenses, side by side, with formula, inputs and notes).

The vehicle of a driver is the one Ocean currently assigns (fleet directory); a driver without a
vehicle, or whose vehicle has no costs entered yet, gets a line that says so instead of a figure.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from privacy.models import Customer
from privacy.ocean.errors import OceanError
from privacy.reports.benefit import BenefitResult, VehicleCosts, actual_expenses, cents, flat_rate
from privacy.reports.models import ReportRow, RowKind, VehicleCost
from privacy.reports.services.periods import Period
from privacy.reports.services.queries import current_snapshot
from privacy.services.fleet import fleet_get

logger = logging.getLogger(__name__)
PAGE_SIZE = 50


@dataclass
class BenefitLine:
    driver_id: int
    driver_name: str
    vehicle_id: int | None
    vehicle_label: str
    private_km: Decimal
    total_km: Decimal
    share: Decimal | None
    private_litres: Decimal
    private_fuel: Decimal = Decimal(0)
    cost: VehicleCost | None = None
    flat: BenefitResult | None = None
    actual: BenefitResult | None = None
    notes: list[str] = field(default_factory=list)


def vehicle_costs_of(cost: VehicleCost) -> VehicleCosts:
    return VehicleCosts(
        acquisition=cost.acquisition, purchase_price_ttc=cost.purchase_price_ttc,
        annual_lease=cost.annual_lease, annual_maintenance=cost.annual_maintenance,
        annual_insurance=cost.annual_insurance, first_registration=cost.first_registration,
        made_available=cost.made_available, employer_pays_fuel=cost.employer_pays_fuel,
        electric=cost.electric, eligible_abatement=cost.eligible_abatement, annual_fuel=cost.annual_fuel,
    )


def private_fuel_of(row: ReportRow, cost: VehicleCost) -> tuple[Decimal, str | None]:
    """Employer-paid fuel used privately: private litres × the price HR gave, else Ocean's private cost."""
    if not cost.employer_pays_fuel or cost.electric:
        return Decimal(0), None
    if cost.fuel_price_per_litre is not None:
        return cents(row.litres_private * cost.fuel_price_per_litre), _(
            "Private fuel = private litres × the fuel price entered.")
    return cents(row.cost_private), _("Private fuel = the private cost computed by Ocean.")


def _vehicle_map(customer: Customer) -> tuple[dict[int, int], dict[int, str], str | None]:
    try:
        fleet = fleet_get(customer)
    except OceanError as exc:
        logger.warning("benefit page: fleet unavailable (%s)", exc)
        return {}, {}, _("Ocean could not be reached: vehicles of drivers are unknown for now.")
    drivers = {d.ocean_id: d.vehicle_id for d in fleet.drivers.values() if d.vehicle_id}
    labels = {v.id: " ".join(x for x in (v.plate, v.label) if x) for v in fleet.vehicles.values()}
    return drivers, labels, None


def benefit_lines(customer: Customer, year: int, snapshot=None) -> tuple[list[BenefitLine], object, str | None]:
    """(lines, the year's snapshot or None, a warning or None); ``snapshot``: the caller already has it."""
    snapshot = snapshot if snapshot is not None else current_snapshot(customer, Period.year(year))
    if snapshot is None:
        return [], None, None
    lines, warning = _lines(customer, year, _driver_rows(snapshot))
    return lines, snapshot, warning


def benefit_page(customer: Customer, year: int, snapshot, number) -> tuple[Page | None, str | None]:
    """One page of the lines (``PAGE_SIZE`` drivers by name): only that page's figures are computed."""
    if snapshot is None:
        return None, None
    page = Paginator(_driver_rows(snapshot), PAGE_SIZE).get_page(number)
    page.object_list, warning = _lines(customer, year, page.object_list)
    return page, warning


def _driver_rows(snapshot):
    return ReportRow.objects.filter(snapshot=snapshot, kind=RowKind.DRIVER).order_by("name", "ocean_id")


def _lines(customer: Customer, year: int, rows) -> tuple[list[BenefitLine], str | None]:
    vehicle_of, labels, warning = _vehicle_map(customer)
    costs = {c.vehicle_id: c for c in VehicleCost.objects.filter(customer=customer)}
    lines = []
    for row in rows:
        total_m = row.private_m + row.pro_m
        vehicle_id = vehicle_of.get(row.ocean_id)
        line = BenefitLine(
            driver_id=row.ocean_id, driver_name=row.name, vehicle_id=vehicle_id,
            vehicle_label=labels.get(vehicle_id, str(vehicle_id or "—")),
            private_km=(Decimal(row.private_m) / 1000).quantize(Decimal("0.1")),
            total_km=(Decimal(total_m) / 1000).quantize(Decimal("0.1")),
            share=(Decimal(row.private_m) * 100 / total_m).quantize(Decimal("0.1")) if total_m else None,
            private_litres=row.litres_private, cost=costs.get(vehicle_id),
        )
        _compute(line, row, year)
        lines.append(line)
    return lines, warning


def _compute(line: BenefitLine, row: ReportRow, year: int) -> None:
    if line.vehicle_id is None:
        line.notes.append(_("No vehicle assigned to this driver in Ocean."))
        return
    if line.cost is None:
        line.notes.append(_("Enter this vehicle's costs to compute the benefit."))
        return
    try:
        costs = vehicle_costs_of(line.cost)
    except ValueError:
        line.notes.append(_("The vehicle's costs are incomplete (purchase price missing)."))
        return
    line.private_fuel, fuel_note = private_fuel_of(row, line.cost)
    if fuel_note:
        line.notes.append(fuel_note)
    line.flat = flat_rate(costs, year=year, private_fuel=line.private_fuel)
    line.actual = actual_expenses(costs, private_km=line.private_km, total_km=line.total_km,
                                  private_fuel=line.private_fuel, year=year)
