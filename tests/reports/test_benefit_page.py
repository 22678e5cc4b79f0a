"""Benefit in kind end to end: stored month figures + vehicle costs → the rules-fr §B7 worked examples
on the page and in the export; the vehicle-costs form; roles."""
from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from privacy.models import AuditEntry
from privacy.reports.models import VehicleCost
from privacy.reports.services.benefit import benefit_lines
from privacy.services.fleet import fleet_get

from .benefit_support import END_OF_YEAR, YEAR, cost, driver_row, history, month_snapshot

pytestmark = pytest.mark.usefixtures("sim")
NOW = "2026-12-31 12:00 +01:00"


@pytest.fixture
def vehicle_of_7001(customer, sim, monkeypatch):
    vehicle_id = fleet_get(customer).drivers[7001].vehicle_id
    history(monkeypatch, {7001: [(vehicle_id, "2024-01-01", None, True)]})
    return vehicle_id


@pytest.fixture
def year_figures(customer):
    # rules-fr §B7: 6 000 private km of 30 000, 6.5 L/100 km → 390 private litres (two months of half).
    for month in (1, 2):
        month_snapshot(customer, month, [
            driver_row(private_m=3_000_000, pro_m=12_000_000, litres_private=Decimal("195"),
                       cost_private=Decimal("360.75")),
            driver_row(ocean_id=7004, name="SANS VOITURE", private_m=0, pro_m=0),
        ])


def line_of(customer, driver_id=7001):
    lines, _data, _warning = benefit_lines(customer, YEAR, today=END_OF_YEAR)
    return next(line for line in lines if line.driver_id == driver_id)


def test_actual_expenses_worked_example_2282_50_with_private_fuel_from_litres(customer, year_figures,
                                                                               vehicle_of_7001):
    cost(customer, vehicle_of_7001, employer_pays_fuel=True, fuel_price_per_litre=Decimal("1.75"))
    line = line_of(customer)
    assert line.private_fuel == Decimal("682.50")  # 390 L × 1,75 €
    assert line.actual.amount == Decimal("2282.50")
    assert line.flat.options == {"rate_plus_fuel": Decimal("5482.50"), "all_in": Decimal("6400.00")}
    assert line.flat.amount == Decimal("5482.50")
    assert "6\u202f000" in line.actual.formula and "30\u202f000" in line.actual.formula


def test_flat_rate_worked_examples_bought_and_electric(customer, year_figures, vehicle_of_7001):
    saved = cost(customer, vehicle_of_7001)
    assert line_of(customer).flat.amount == Decimal("4800.00")
    saved.purchase_price_ttc, saved.electric, saved.eligible_abatement = Decimal(45000), True, True
    saved.save()
    assert line_of(customer).flat.amount == Decimal("2168.00")
    saved.purchase_price_ttc = Decimal(30000)
    saved.save()
    assert line_of(customer).flat.amount == Decimal("1350.00")


def test_private_fuel_falls_back_to_oceans_private_cost(customer, year_figures, vehicle_of_7001):
    cost(customer, vehicle_of_7001, employer_pays_fuel=True)
    line = line_of(customer)
    assert line.private_fuel == Decimal("721.50") and line.actual.amount == Decimal("2321.50")


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_both_figures_formula_inputs_and_notes(login, hr, customer, year_figures, vehicle_of_7001):
    cost(customer, vehicle_of_7001, employer_pays_fuel=True, fuel_price_per_litre=Decimal("1.75"))
    html = login(hr).get(reverse("privacy:benefit"), {"year": YEAR}).content.decode()
    assert "DUPONT Jean" in html
    assert "2\u202f282,50 €" in html or "2\u00a0282,50 €" in html
    assert "5\u202f482,50 €" in html or "5\u00a0482,50 €" in html
    assert "<details>" in html and "20\u202f%" in html  # 20 % × purchase price in the formula
    assert "Aucun véhicule" in html or "Saisissez les coûts" in html  # the driver without costs says why


@time_machine.travel(NOW, tick=False)
def test_the_benefit_export_holds_the_page_figures(login, hr, customer, year_figures, vehicle_of_7001):
    cost(customer, vehicle_of_7001, employer_pays_fuel=True, fuel_price_per_litre=Decimal("1.75"))
    response = login(hr).get(reverse("privacy:benefit_export"), {"year": YEAR, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    jean = next(r for r in rows if r[0] == "DUPONT Jean")
    assert (jean[2], jean[3], jean[6], jean[8]) == (6000.0, 30000.0, 5482.5, 2282.5)
    assert jean[14] == 12 and jean[15] == "attribué à partir du 1er février 2025"
    assert (jean[16], jean[17]) == ("01/01/2026", "28/02/2026")
    assert any(r[0] == "Période" and "2026" in r[1] for r in rows)
    assert AuditEntry.objects.filter(action="report.export", target__startswith="benefit").exists()
    page = login(hr).get(reverse("privacy:benefit"), {"year": YEAR}).content.decode()
    assert page.index("format=csv\"") < page.index("format=csv_intl")  # both CSVs offered, French first
    intl = login(hr).get(reverse("privacy:benefit_export"), {"year": YEAR, "format": "csv_intl"}).content.decode()
    assert "5482.5" in intl and "5482,5" not in intl  # the international CSV keeps "." decimals


def test_vehicle_costs_form_validates_beside_the_field_and_saves_with_an_audit(login, hr, customer, sim):
    vehicle_id = next(iter(fleet_get(customer).vehicles))
    url = reverse("privacy:vehicle_cost_edit", args=[vehicle_id])
    client = login(hr)
    bad = client.post(url, {"acquisition": "purchase", "made_available": "2025-03-01", "eligible_abatement": "on"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "prix d’achat" in html and 'role="alert"' in html and "100 % électrique" in html
    assert not VehicleCost.objects.exists()
    good = client.post(url, {"acquisition": "lease", "annual_lease": "6600", "annual_insurance": "900",
                             "annual_maintenance": "500", "made_available": "2025-03-01",
                             "annual_fuel": "0"})
    assert good.status_code == 302
    saved = VehicleCost.objects.get(customer=customer, vehicle_id=vehicle_id)
    assert saved.annual_lease == Decimal(6600)
    assert AuditEntry.objects.filter(action="report.vehicle_cost").count() == 1
    listing = client.get(reverse("privacy:vehicle_costs")).content.decode()
    assert "Loué" in listing


def test_a_vehicle_of_no_fleet_is_404_and_other_roles_are_refused(login, hr, driver, manager, customer, sim):
    assert login(hr).get(reverse("privacy:vehicle_cost_edit", args=[999999])).status_code == 404
    vehicle_id = next(iter(fleet_get(customer).vehicles))
    url = reverse("privacy:vehicle_cost_edit", args=[vehicle_id])
    assert login(driver).post(url, {"acquisition": "lease"}).status_code == 403
    assert login(manager).get(url).status_code == 403
    assert not VehicleCost.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_hr_of_another_customer_cannot_see_or_change_these_costs(login, other_hr, customer, year_figures,
                                                                 vehicle_of_7001):
    cost(customer, vehicle_of_7001)
    client = login(other_hr)
    page = client.get(reverse("privacy:benefit"), {"year": YEAR}).content.decode()
    assert "DUPONT" not in page
    client.post(reverse("privacy:vehicle_cost_edit", args=[vehicle_of_7001]),
                {"acquisition": "lease", "annual_lease": "1", "made_available": "2025-03-01"})
    assert VehicleCost.objects.get(customer=customer).acquisition == "purchase"
