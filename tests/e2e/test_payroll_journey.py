"""HR's payroll month of the benefit in kind in a browser (issue 19 item 1): open the month, export the
generic CSV, lock the month, and a later change of a vehicle's costs shows as a correction line that HR
records — the locked line never changes."""
from __future__ import annotations

import csv
import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from privacy.reports.models import PayrollLine, ReportRow, ReportSnapshot, VehicleCost
from privacy.reports.services.periods import Period
from privacy.services.fleet import fleet_get
from tests.e2e.conftest import log_in, visit

pytestmark = pytest.mark.e2e


@pytest.fixture
def march(hr, sim, monkeypatch):
    """Driver 7002 changed car on 16 March 2026 (bought car A, then car B leased from 1 March)."""
    from privacy.reports.services import benefit_history

    customer = hr.customer
    car_a, car_b = sorted(fleet_get(customer).vehicles)[-2:]
    monkeypatch.setattr(benefit_history, "_history", lambda c, driver_id, background=False: {
        7002: [(car_a, "2024-01-01", "2026-03-15", True), (car_b, "2026-03-16", None, True)]}.get(driver_id, []))
    period = Period.month(2026, 3)
    snapshot = ReportSnapshot.objects.create(
        customer=customer, period_kind=period.kind, period_start=period.start, period_end=period.end,
        as_of="2026-04-01T03:30:00+00:00", is_current=True, status=ReportSnapshot.Status.COMPLETE)
    ReportRow.objects.create(snapshot=snapshot, kind="driver", ocean_id=7002, name="MARTIN Léa",
                             private_m=640_000, pro_m=2_560_000)
    VehicleCost.objects.create(customer=customer, vehicle_id=car_a, acquisition="purchase",
                               purchase_price_ttc=Decimal(32000), annual_insurance=Decimal(900),
                               annual_maintenance=Decimal(700), made_available=date(2025, 3, 1),
                               first_registration=date(2025, 2, 15))
    VehicleCost.objects.create(customer=customer, vehicle_id=car_b, acquisition="lease", annual_lease=Decimal(6600),
                               annual_maintenance=Decimal(500), annual_insurance=Decimal(900),
                               made_available=date(2026, 3, 1))
    return car_b


def test_hr_exports_locks_and_sees_a_later_change_as_a_correction(page, server, hr, march, tmp_path):
    log_in(page, server, hr)
    page.goto(f"{server}/benefit/?year=2026")
    rows = page.locator("table.benefit-table tbody tr", has_text="MARTIN Léa")
    expect(rows).to_have_count(2)  # one row per car the driver had in the year
    expect(page.locator("#rates-title")).to_be_visible()
    expect(page.get_by_text("Données du 16/03/2026 au 31/03/2026")).to_be_visible()
    visit(page, "the benefit in kind per vehicle", screenshot="benefit-vehicles")
    page.get_by_role("link", name="Par mois, pour la paie").click()
    page.goto(f"{server}/benefit/payroll/?month=2026-03")
    expect(page.locator("h1")).to_contain_text("Avantage en nature par mois")
    row = page.locator("#payroll-current tbody tr", has_text="MARTIN Léa")
    expect(row).to_contain_text("733,33")
    expect(row).to_contain_text("Forfait")
    expect(page.get_by_role("button", name="Verrouiller le mois")).to_be_disabled()
    visit(page, "the payroll month", screenshot="payroll")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("CSV générique")).click()
    path = tmp_path / "paie.csv"
    download.value.save_as(path)
    with path.open(encoding="utf-8-sig") as handle:
        lines = list(csv.DictReader(handle, delimiter=";"))
    assert [(r["nom"], r["montant"], r["methode"], r["dsn_type_s21_g00_54_001"]) for r in lines] == [
        ("MARTIN Léa", "733.33", "forfait", "04")]

    page.reload()
    expect(page.locator("#payroll-status")).to_contain_text("Exporté")
    page.get_by_role("button", name="Verrouiller le mois").click()
    expect(page.locator("#payroll-status")).to_contain_text("Verrouillé")
    expect(page.locator("#payroll-recorded")).to_contain_text("733,33")

    # Later, the lease's insurance is corrected: the locked line stays, a correction line appears.
    VehicleCost.objects.filter(vehicle_id=march).update(annual_insurance=Decimal(1500))
    page.reload()
    expect(page.locator("#payroll-corrections")).to_contain_text("+25,00")
    expect(page.locator("#payroll-recorded")).to_contain_text("733,33")
    visit(page, "the payroll month with a correction")
    page.get_by_role("button", name="Enregistrer les corrections comme transmises à la paie").click()
    expect(page.locator("#payroll-recorded")).to_contain_text("Correction")
    expect(page.locator("#payroll-corrections")).to_have_count(0)
    assert list(PayrollLine.objects.values_list("kind", "amount")) == [
        ("initial", Decimal("733.33")), ("correction", Decimal("25.00"))]
