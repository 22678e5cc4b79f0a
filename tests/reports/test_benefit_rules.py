"""privacy.reports.benefit: French benefit in kind (rules-fr.md §B), with every worked example of §B7."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

import pytest

from privacy.reports.benefit import VehicleCosts, actual_expenses, flat_rate, fr_money, fr_percent

NNBSP, NBSP = "\u202f", "\u00a0"
AFTER = date(2025, 6, 1)  # attributed after 1 Feb 2025
BEFORE = date(2024, 6, 1)  # attributed before 1 Feb 2025
RECENT = date(2024, 1, 15)  # first registration: under 5 years in 2026


def bought(price=32000, **kw):
    kw.setdefault("first_registration", RECENT)
    kw.setdefault("made_available", AFTER)
    return VehicleCosts("purchase", D(price), **kw)


def leased(**kw):
    kw.setdefault("first_registration", RECENT)
    kw.setdefault("made_available", AFTER)
    return VehicleCosts("lease", annual_lease=D(6600), annual_insurance=D(900), annual_maintenance=D(500),
                        **kw)


def money(text: str) -> str:
    """Write expected formulas with plain spaces: "4 800,00 €" -> "4\u202f800,00\u00a0€", "15 %" likewise."""
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", NNBSP, text)
    return text.replace(" €", f"{NBSP}€").replace(" %", f"{NNBSP}%")


# -- number format -------------------------------------------------------------------------
def test_fr_money_and_percent():
    assert fr_money(D("4800")) == f"4{NNBSP}800,00{NBSP}€"
    assert fr_money(D("1234567.891")) == f"1{NNBSP}234{NNBSP}567,89{NBSP}€"
    assert fr_money(D("0.005")) == f"0,01{NBSP}€"  # ROUND_HALF_UP
    assert fr_money(D("-2000.3")) == f"-2{NNBSP}000,30{NBSP}€"
    assert fr_money(D("999")) == f"999,00{NBSP}€"
    assert fr_percent(D("0.15")) == f"15{NNBSP}%"
    assert fr_percent(D("0.67")) == f"67{NNBSP}%"


# -- §B7 worked examples ---------------------------------------------------------------------
def test_b7_forfait_bought_no_fuel_4800():
    result = flat_rate(bought(), year=2026)
    assert result.amount == D("4800.00")
    assert result.formula == money("15 % × 32 000,00 € = 4 800,00 €")
    assert result.options == {"without_fuel": D("4800.00")}
    assert result.inputs["regime"] == "from-2025-02" and result.inputs["months"] == 12


def test_b7_forfait_bought_fuel_paid_5900_or_6400():
    result = flat_rate(bought(employer_pays_fuel=True), year=2026, private_fuel=D(1100))
    assert result.options == {"rate_plus_fuel": D("5900.00"), "all_in": D("6400.00")}
    assert result.amount == D("5900.00") and result.applied_option == "rate_plus_fuel"  # the lower one
    assert result.formula == money("15 % × 32 000,00 € + 1 100,00 € = 5 900,00 €")


def test_b7_forfait_bought_before_february_2025_2880_and_3840():
    assert flat_rate(bought(made_available=BEFORE), year=2026).amount == D("2880.00")
    fuel = flat_rate(bought(made_available=BEFORE, employer_pays_fuel=True), year=2026, private_fuel=D(1100))
    assert fuel.options["all_in"] == D("3840.00")
    assert fuel.options["rate_plus_fuel"] == D("3980.00")
    assert fuel.amount == D("3840.00") and fuel.applied_option == "all_in"
    assert fuel.inputs["regime"] == "before-2025-02"


def test_b7_forfait_attributed_10_march_4000():
    result = flat_rate(bought(made_available=date(2025, 3, 10)), year=2025)
    assert result.inputs["months"] == 10  # March counts in full
    assert result.amount == D("4000.00")
    assert result.formula == money("15 % × 32 000,00 € × 10/12 = 4 000,00 €")


def test_b7_forfait_leased_4000():
    result = flat_rate(leased(), year=2026)
    assert result.amount == D("4000.00")
    assert result.formula == money("50 % × (6 600,00 € + 500,00 € + 900,00 €) = 4 000,00 €")


def test_b7_forfait_leased_with_fuel_6700():
    result = flat_rate(leased(employer_pays_fuel=True, annual_fuel=D(2000)), year=2026, private_fuel=D(1500))
    assert result.options["all_in"] == D("6700.00")  # 67 % × 10 000
    assert result.options["rate_plus_fuel"] == D("5500.00")
    assert result.amount == D("5500.00")


def test_b7_forfait_electric_45000_gives_2168():
    result = flat_rate(bought(45000, electric=True, eligible_abatement=True), year=2026)
    assert result.amount == D("2168.00")
    assert result.formula == money(
        "15 % × 45 000,00 € = 6 750,00 € ; 6 750,00 € − min(70 % × 6 750,00 €, 4 582,00 €) = 2 168,00 €")


def test_b7_forfait_electric_30000_gives_1350():
    assert flat_rate(bought(30000, electric=True, eligible_abatement=True), year=2026).amount == D("1350.00")


def test_b7_actual_expenses_2282_50():
    car = bought(annual_insurance=D(900), annual_maintenance=D(700))
    result = actual_expenses(car, private_km=6000, total_km=30000, private_fuel=D("682.50"), year=2026)
    assert result.amount == D("2282.50")
    assert result.formula == money("(20 % × 32 000,00 € + 900,00 € + 700,00 €) × 6 000 km / 30 000 km"
                                   " = 1 600,00 € ; 1 600,00 € + 682,50 € = 2 282,50 €")
    assert result.inputs["yearly_costs"] == D("8000.00")
    assert flat_rate(bought(employer_pays_fuel=True), year=2026).options["all_in"] == D("6400.00")


def test_b7_actual_expenses_electric_800():
    car = bought(annual_insurance=D(900), annual_maintenance=D(700), electric=True, eligible_abatement=True)
    result = actual_expenses(car, private_km=6000, total_km=30000, year=2026)
    assert result.amount == D("800.00")
    assert result.formula.endswith(money("1 600,00 € − min(50 % × 1 600,00 €, 2 000,30 €) = 800,00 €"))


# -- edge cases ------------------------------------------------------------------------------
def test_older_than_five_years_uses_the_lower_rates():
    old = bought(first_registration=date(2019, 5, 1))
    assert flat_rate(old, year=2026).amount == D("3200.00")  # 10 %
    assert flat_rate(bought(first_registration=date(2019, 5, 1), made_available=BEFORE), year=2026).amount \
        == D("1920.00")  # 6 %
    fuel = flat_rate(bought(first_registration=date(2019, 5, 1), employer_pays_fuel=True), year=2026,
                     private_fuel=D(100))
    assert fuel.options == {"rate_plus_fuel": D("3300.00"), "all_in": D("4800.00")}  # 10 % + fuel / 15 %
    actual = actual_expenses(old, private_km=1, total_km=2, year=2026)
    assert actual.inputs["older_than_5_years"] and actual.amount == D("1600.00")  # 10 % × 32 000 / 2


def test_five_year_boundary_is_the_anniversary():
    on_anniversary = bought(first_registration=date(2021, 1, 1))
    assert flat_rate(on_anniversary, year=2026).inputs["older_than_5_years"] is False
    day_before = bought(first_registration=date(2020, 12, 31))
    assert flat_rate(day_before, year=2026).inputs["older_than_5_years"] is True


def test_zero_kilometres_gives_zero_with_a_note():
    result = actual_expenses(bought(), private_km=0, total_km=0)
    assert result.amount == D("0.00") and result.notes
    with pytest.raises(ValueError):
        actual_expenses(bought(), private_km=10, total_km=5)


def test_electric_cap_binding_and_not_binding():
    capped = flat_rate(bought(60000, electric=True, eligible_abatement=True), year=2026)
    assert capped.amount == D("9000.00") - D("4582.00")  # 70 % × 9 000 = 6 300 > cap
    uncapped = flat_rate(bought(20000, electric=True, eligible_abatement=True), year=2026)
    assert uncapped.amount == D("900.00")  # 3 000 − 70 %
    actual = actual_expenses(bought(80000, electric=True, eligible_abatement=True), private_km=30000,
                             total_km=30000, year=2026)
    assert actual.amount == D("16000.00") - D("2000.30")


def test_electric_without_score_or_outside_the_window_has_no_abatement():
    low_score = flat_rate(bought(45000, electric=True, eligible_abatement=False), year=2026)
    assert low_score.amount == D("6750.00") and low_score.notes
    old_regime = flat_rate(bought(45000, electric=True, made_available=BEFORE), year=2026)
    assert old_regime.amount == D("4050.00") - D("2000.30")  # 9 % base, 50 % capped at 2 000,30
    too_late = flat_rate(
        bought(45000, electric=True, eligible_abatement=True, made_available=date(2028, 1, 1)), year=2028)
    assert too_late.amount == D("6750.00")


def test_electric_charging_paid_by_the_employer_is_excluded():
    result = flat_rate(bought(45000, electric=True, eligible_abatement=True, employer_pays_fuel=True),
                       year=2026, private_fuel=D(500))
    assert result.amount == D("2168.00") and set(result.options) == {"without_fuel"}


def test_lease_capped_at_the_bought_vehicle_amount_when_the_price_is_known():
    costs = VehicleCosts("lease", D(20000), annual_lease=D(6600), annual_insurance=D(900),
                         annual_maintenance=D(500), first_registration=RECENT, made_available=AFTER)
    result = flat_rate(costs, year=2026)
    assert result.amount == D("3000.00")  # min(4 000, 15 % × 20 000)
    assert result.formula.endswith(money("min(4 000,00 €, 3 000,00 €) = 3 000,00 €"))
    assert flat_rate(leased(), year=2026).amount == D("4000.00")  # no price: no cap


def test_part_year_pro_rating_and_explicit_months():
    assert flat_rate(bought(made_available=date(2025, 12, 31)), year=2025).amount == D("400.00")
    assert flat_rate(bought(), year=2026, months_available=3).amount == D("1200.00")
    assert flat_rate(bought(made_available=date(2027, 1, 1)), year=2026).amount == D("0.00")
    bev = flat_rate(bought(45000, electric=True, eligible_abatement=True, made_available=date(2025, 7, 1)),
                    year=2025)
    assert bev.amount == D("1084.00")  # 6 750 × 6/12 − min(70 %, 4 582 × 6/12)
    with pytest.raises(ValueError):
        flat_rate(bought(), year=2026, months_available=13)


def test_employee_contribution_is_deducted_not_below_zero():
    assert flat_rate(bought(), year=2026, employee_contribution=D(800)).amount == D("4000.00")
    assert flat_rate(bought(), year=2026, employee_contribution=D(9000)).amount == D("0.00")


def test_rounding_to_cents_half_up():
    result = flat_rate(bought(D("1000.10")), year=2026)  # 15 % = 150,015
    assert result.amount == D("150.02")


def test_vehicle_costs_validation():
    with pytest.raises(ValueError):
        VehicleCosts("rent")
    with pytest.raises(ValueError):
        VehicleCosts("purchase")
    assert VehicleCosts("lease", annual_lease=100).annual_lease == D(100)
    with pytest.raises(ValueError):
        flat_rate(VehicleCosts("purchase", D(1000)), year=2026)  # no attribution date


# -- issue 18: months of availability for both methods --------------------------------------------
def test_a_lease_started_in_march_uses_10_months_for_both_methods():
    costs = leased(made_available=date(2026, 3, 1))
    flat = flat_rate(costs, year=2026)
    actual = actual_expenses(costs, private_km=6000, total_km=30000, year=2026, months=10)
    assert flat.inputs["months"] == 10 and flat.amount == D("3333.33")  # 50 % × 8 000 × 10/12
    assert actual.inputs["months"] == 10 and actual.amount == D("1333.33")  # 8 000 × 10/12 × 6 000 / 30 000
    assert actual.formula == money("(6 600,00 € + 900,00 € + 500,00 €) × 10/12 × 6 000 km / 30 000 km"
                                   " = 1 333,33 €")


def test_actual_expenses_months_prorate_the_ev_cap_and_reject_out_of_range():
    ev = bought(80000, electric=True, eligible_abatement=True)
    result = actual_expenses(ev, private_km=100, total_km=100, year=2026, months=6)
    # (20 % × 80 000) × 6/12 = 8 000 ; min(50 % × 8 000 ; 2 000,30 × 6/12 = 1 000,15) → 6 999,85
    assert result.amount == D("6999.85")
    assert result.inputs["abatement_cap"] == D("1000.15") and result.inputs["abatement_regime"] == "ev-2025"
    with pytest.raises(ValueError):
        actual_expenses(ev, private_km=1, total_km=1, year=2026, months=13)


def test_one_month_of_the_flat_rate_is_a_twelfth():
    assert flat_rate(bought(), year=2026, months_available=1).amount == D("400.00")
