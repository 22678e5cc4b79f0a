"""Issue 19 item 1: the benefit in kind per driver and per month — both methods, the employer's choice,
the employee contribution — exported for payroll (generic CSV with the DSN figures, tool mappings), locked
once exported, a later change shown and exported as a correction line, never a silent edit."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from privacy.models import AuditEntry
from privacy.reports.models import BenefitChoice, PayrollLine, PayrollMonth, VehicleCost
from privacy.reports.services.benefit_month import driver_months
from privacy.reports.services.payroll import PayrollError, lock_month, mark_exported, payroll_state
from privacy.reports.services.periods import Period
from privacy.services.fleet import fleet_get

from .benefit_support import cost, driver_row, history, month_snapshot

pytestmark = pytest.mark.usefixtures("sim")
MARCH = Period.month(2026, 3)
NOW = "2026-04-10 12:00 +02:00"


@pytest.fixture
def march(customer, monkeypatch):
    """Driver 7002 (matricule from the simulator) changed car on 16 March 2026: A bought, B leased (two
    of the simulator's pool vehicles, so no other driver has costs entered)."""
    car_a, car_b = sorted(fleet_get(customer).vehicles)[-2:]
    history(monkeypatch, {7002: [(car_a, "2024-01-01", "2026-03-15", True), (car_b, "2026-03-16", None, True)]})
    month_snapshot(customer, 3, [driver_row(ocean_id=7002, name="MARTIN Léa", private_m=640_000,
                                            pro_m=2_560_000)])
    cost(customer, car_a)
    cost(customer, car_b, acquisition="lease", purchase_price_ttc=None, annual_lease=Decimal(6600),
         annual_maintenance=Decimal(500), annual_insurance=Decimal(900), made_available=date(2026, 3, 1))
    return car_a, car_b


def lea(customer):
    lines, _warning = driver_months(customer, MARCH)
    return next(d for d in lines if d.driver_id == 7002)


def test_a_month_shows_both_methods_per_vehicle_and_applies_the_employers_choice(customer, march):
    line = lea(customer)
    assert [v.vehicle_id for v in line.vehicles] == list(march)
    flat = [v.flat.amount for v in line.vehicles]
    assert flat == [Decimal("400.00"), Decimal("333.33")]  # 4 800 / 12 ; 50 % × 8 000 / 12
    # 8 000 / 12 × 309,7 / 1 548,4 (15 days of March in A) ; 8 000 / 12 × 330,3 / 1 651,6 (16 days in B)
    assert [v.actual.amount for v in line.vehicles] == [Decimal("133.34"), Decimal("133.33")]
    assert [v.regime for v in line.vehicles] == ["from-2025-02", "from-2025-02"]
    assert [v.acquisition for v in line.vehicles] == ["purchase", "lease"]
    assert line.method == "flat" and line.amount == Decimal("733.33")
    assert line.lower_method == "actual"
    BenefitChoice.objects.create(customer=customer, driver_id=7002, year=2026, method="actual",
                                 monthly_contribution=Decimal("50"))
    line = lea(customer)
    assert (line.actual_total, line.contribution, line.amount) == (Decimal("266.67"), Decimal("50"),
                                                                   Decimal("216.67"))
    BenefitChoice.objects.filter(driver_id=7002).update(monthly_contribution=Decimal("900"))
    assert lea(customer).amount == Decimal("0")  # never below zero


def test_an_electric_month_has_the_abatement_with_a_monthly_cap(customer, march):
    car_a, _car_b = march
    VehicleCost.objects.filter(vehicle_id=car_a).update(purchase_price_ttc=Decimal(60000), electric=True,
                                                        eligible_abatement=True)
    flat = lea(customer).vehicles[0].flat
    # 15 % × 60 000 / 12 = 750 ; min(70 % × 750 = 525 ; 4 582 / 12 = 381,83) → 368,17
    assert flat.amount == Decimal("368.17") and flat.inputs["abatement_cap"] == Decimal("381.83")


@time_machine.travel(NOW, tick=False)
def test_hr_exports_locks_and_a_later_change_is_a_correction_line(login, hr, customer, march):
    client = login(hr)
    page = client.get(reverse("privacy:payroll"), {"month": "2026-03"}).content.decode()
    assert "MARTIN Léa" in page and "733,33" in page and "Forfait" in page
    refused = client.post(reverse("privacy:payroll_lock"), {"month": "2026-03"}, follow=True)
    assert "Exportez le mois avant de le verrouiller" in refused.content.decode()
    response = client.get(reverse("privacy:payroll_export"), {"month": "2026-03", "mapping": "generic",
                                                              "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    matricule = fleet_get(customer).drivers[7002].matricule
    assert rows == [{
        "matricule": matricule, "nom": "MARTIN Léa", "periode_debut": "2026-03-01", "periode_fin": "2026-03-31",
        "type_ligne": "initial", "methode": "forfait", "montant": "733.33", "vehicules": rows[0]["vehicules"],
        "code_rubrique": "AEN_VEHICULE", "dsn_bloc": "S21.G00.54", "dsn_type_s21_g00_54_001": "04",
        "dsn_montant_s21_g00_54_002": "733.33", "dsn_debut_s21_g00_54_003": "01032026",
        "dsn_fin_s21_g00_54_004": "31032026"}]
    assert client.post(reverse("privacy:payroll_lock"), {"month": "2026-03"}).status_code == 302
    assert PayrollLine.objects.get().amount == Decimal("733.33")
    # Later the lease's insurance is corrected: the locked line stays, a correction appears.
    VehicleCost.objects.filter(vehicle_id=march[1]).update(annual_insurance=Decimal(1500))
    page = client.get(reverse("privacy:payroll"), {"month": "2026-03"}).content.decode()
    assert "Verrouillé" in page and "+25,00" in page
    silae = client.get(reverse("privacy:payroll_export"), {"month": "2026-03", "mapping": "silae",
                                                           "format": "csv"}).content.decode("utf-8-sig")
    assert silae.splitlines()[1:] == [f"{matricule};AEN_VEHICULE;733,33;01/03/2026;31/03/2026",
                                      f"{matricule};AEN_VEHICULE;25,00;01/03/2026;31/03/2026"]
    client.post(reverse("privacy:payroll_corrections"), {"month": "2026-03"})
    kinds = list(PayrollLine.objects.values_list("kind", "amount"))
    assert kinds == [("initial", Decimal("733.33")), ("correction", Decimal("25.00"))]
    assert payroll_state(customer, MARCH).corrections == []
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"benefit.payroll_export", "benefit.payroll_lock", "benefit.payroll_correction"} <= actions


def test_a_locked_month_cannot_be_locked_twice_and_a_vanished_driver_is_corrected_to_zero(customer, hr, march):
    mark_exported(customer, MARCH, hr, "generic csv", 1)
    assert lock_month(customer, MARCH, hr) == 1
    with pytest.raises(PayrollError):
        lock_month(customer, MARCH, hr)
    VehicleCost.objects.all().delete()  # nothing can be computed: no silent change, no correction yet
    assert payroll_state(customer, MARCH).corrections == []
    assert PayrollMonth.objects.get().locked_at is not None


@time_machine.travel(NOW, tick=False)
def test_xlsx_and_every_mapping_export_and_roles(login, hr, manager, driver, customer, march):
    client = login(hr)
    for mapping in ("generic", "silae", "sage", "cegid", "payfit"):
        response = client.get(reverse("privacy:payroll_export"), {"month": "2026-03", "mapping": mapping,
                                                                  "format": "csv"})
        assert response.status_code == 200 and "733" in response.content.decode("utf-8-sig")
    book = client.get(reverse("privacy:payroll_export"), {"month": "2026-03", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert list(sheet.iter_rows(values_only=True))[1][6] == 733.33
    assert client.get(reverse("privacy:payroll_export"), {"mapping": "nope"}).status_code == 400
    assert client.get(reverse("privacy:payroll"), {"month": "garbage"}).status_code == 200
    for user in (manager, driver):
        assert login(user).get(reverse("privacy:payroll")).status_code == 403
        assert login(user).post(reverse("privacy:payroll_lock"), {"month": "2026-03"}).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_hr_sets_the_method_and_contribution_with_an_audit(login, hr, customer, march):
    url = reverse("privacy:benefit_choice", args=[7002]) + "?month=2026-03"
    client = login(hr)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"method": "actual", "monthly_contribution": "-5"})
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()
    assert client.post(url, {"method": "actual", "monthly_contribution": "50"}).status_code == 302
    assert BenefitChoice.objects.get(driver_id=7002, year=2026).method == "actual"
    assert AuditEntry.objects.filter(action="benefit.choice", driver_id=7002).exists()
    assert client.get(reverse("privacy:benefit_choice", args=[999999])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_month_not_loaded_says_so_and_loads_from_the_payroll_page(login, hr, customer, march, monkeypatch):
    from privacy.reports.views import benefit as view

    queued = []
    monkeypatch.setattr(view, "request_refresh", lambda c, p, user: (queued.append(p.start), (None, True))[1])
    client = login(hr)
    april = client.get(reverse("privacy:payroll"), {"month": "2026-04"}).content.decode()
    assert "pas encore chargés depuis Océan" in april
    assert "pas encore chargés depuis Océan" not in client.get(reverse("privacy:payroll"),
                                                               {"month": "2026-03"}).content.decode()
    response = client.post(reverse("privacy:benefit_load") + "?year=2026", {"month": "2026-04"})
    assert response.status_code == 302 and response["Location"].endswith("month=2026-04")
    assert queued == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 4, 1)]  # the months up to today not stored


def test_a_driver_without_matricule_is_flagged(customer, march, monkeypatch):
    car_a, _car_b = march
    history(monkeypatch, {8123: [(car_a, "2026-01-01", None, True)]})
    month_snapshot(customer, 2, [driver_row(ocean_id=8123, name="SANS MATRICULE", private_m=1000, pro_m=9000)])
    lines, _warning = driver_months(customer, MARCH)
    unknown = next(d for d in lines if d.driver_id == 8123)
    assert unknown.matricule == "" and any("matricule" in n for n in unknown.notes)
    assert not any("matricule" in n for d in lines if d.driver_id != 8123 for n in d.notes)
