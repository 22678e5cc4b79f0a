"""privacy.reports.benefit at its edges (rules-fr.md §B3–B5): the year in the 5-year rule, anniversaries,
the months, kilometres, windows of the electric abatement, the notes and the rounding to the cent.
test_benefit_rules.py holds the worked examples of §B7."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.utils import translation

from privacy.reports.benefit import VehicleCosts, actual_expenses, flat_rate, fr_money, fr_number, fr_percent

from .test_benefit_rules import AFTER, BEFORE, RECENT, bought, leased, money


def older(first_registration, made_available=AFTER, year=2026) -> bool:
    result = flat_rate(bought(first_registration=first_registration, made_available=made_available), year=year)
    return result.inputs["older_than_5_years"]


# -- "older than 5 years" -----------------------------------------------------------------------
def test_the_year_decides_when_the_fifth_anniversary_falls_inside_it():
    # registered 10 March 2021: 5 years old during 2026, so not "older" on 1 January 2026, but in 2027
    assert older(date(2021, 3, 10), year=2026) is False
    assert older(date(2021, 3, 10), year=2027) is True
    assert flat_rate(bought(first_registration=date(2021, 3, 10)), year=2026).amount == D("4800.00")  # 15 %
    assert flat_rate(bought(first_registration=date(2021, 3, 10)), year=2027).amount == D("3200.00")  # 10 %


def test_an_attribution_later_than_1_january_is_the_reference():
    late = bought(first_registration=date(2020, 8, 1), made_available=date(2025, 9, 1))
    result = flat_rate(late, year=2025)
    assert result.inputs["older_than_5_years"] is True  # 5 years old in August, attributed in September
    assert (result.inputs["months"], result.amount) == (4, D("1066.67"))  # 10 % × 32 000 × 4/12
    assert older(date(2020, 9, 2), made_available=date(2025, 9, 1), year=2025) is False


def test_the_fifth_anniversary_mid_month_is_not_yet_older():
    assert older(date(2021, 6, 15), made_available=date(2026, 6, 15)) is False
    assert older(date(2021, 6, 15), made_available=date(2026, 6, 16)) is True
    assert older(date(2021, 6, 16), made_available=date(2026, 6, 16)) is False
    assert older(date(2021, 7, 15), made_available=date(2026, 6, 16)) is False


def test_a_29_february_registration_is_five_on_28_february_of_a_common_year():
    assert older(date(2020, 2, 29), made_available=date(2025, 2, 28), year=2025) is False
    assert older(date(2020, 2, 29), made_available=date(2025, 3, 1), year=2025) is True
    assert older(date(2020, 2, 28), made_available=date(2025, 3, 1), year=2025) is True
    assert older(date(2020, 3, 1), made_available=date(2025, 3, 1), year=2025) is False


def test_actual_expenses_use_the_year_too():
    car = bought(first_registration=date(2021, 3, 10), made_available=date(2025, 6, 1))
    assert actual_expenses(car, private_km=1, total_km=2, year=2026).amount == D("3200.00")  # 20 % / 2
    assert actual_expenses(car, private_km=1, total_km=2, year=2027).amount == D("1600.00")  # 10 % / 2
    assert actual_expenses(car, private_km=1, total_km=2).inputs["older_than_5_years"] is False  # attribution
    undated = VehicleCosts("purchase", D(32000), first_registration=date(2021, 3, 10))
    with time_machine.travel(date(2026, 3, 11)):  # neither attribution nor year: today
        assert actual_expenses(undated, private_km=1, total_km=2).inputs["older_than_5_years"] is True
    with time_machine.travel(date(2026, 3, 10)):
        assert actual_expenses(undated, private_km=1, total_km=2).inputs["older_than_5_years"] is False


# -- months and kilometres ----------------------------------------------------------------------------
def test_twelve_months_given_explicitly_are_the_whole_year():
    result = flat_rate(bought(), year=2026, months_available=12)
    assert (result.amount, result.inputs["months"]) == (D("4800.00"), 12)
    assert result.formula == money("15 % × 32 000,00 € = 4 800,00 €")  # no "× 12/12"
    assert flat_rate(bought(), year=2026, months_available=1).formula == money(
        "15 % × 32 000,00 € × 1/12 = 400,00 €")


@pytest.mark.parametrize("months", [-1, 13, 24])
def test_months_outside_0_to_12_are_refused(months):
    with pytest.raises(ValueError, match="^months_available must be between 0 and 12$"):
        flat_rate(bought(), year=2026, months_available=months)


@pytest.mark.parametrize(
    ("made_available", "year", "months"),
    [(date(2025, 1, 1), 2025, 12), (date(2025, 1, 31), 2025, 12), (date(2025, 2, 1), 2025, 11),
     (date(2025, 12, 1), 2025, 1), (date(2024, 12, 31), 2025, 12), (date(2026, 1, 1), 2025, 0)],
)
def test_a_started_month_counts_in_full(made_available, year, months):
    result = flat_rate(bought(made_available=made_available), year=year)
    assert result.inputs["months"] == months
    with translation.override("en"):
        assert ("Vehicle not available during this year." in flat_rate(
            bought(made_available=made_available), year=year).notes) is (months == 0)


@pytest.mark.parametrize(("private_km", "total_km"), [(-1, 10), (0, -5), (-3, -1), (11, 10)])
def test_impossible_kilometres_are_refused(private_km, total_km):
    with pytest.raises(ValueError, match="^need 0 <= private_km <= total_km$"):
        actual_expenses(bought(), private_km=private_km, total_km=total_km, year=2026)


def test_all_kilometres_private_and_none_private():
    assert actual_expenses(bought(), private_km=100, total_km=100, year=2026).amount == D("6400.00")
    none = actual_expenses(bought(), private_km=0, total_km=100, year=2026)
    assert none.amount == D("0.00") and none.inputs["private_share"] == D("0.0000")


# -- regimes and the electric windows --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("made_available", "regime", "amount"),
    [(date(2025, 1, 31), "before-2025-02", D("2880.00")), (date(2025, 2, 1), "from-2025-02", D("4800.00"))],
)
def test_the_regime_changes_on_1_february_2025(made_available, regime, amount):
    result = flat_rate(bought(made_available=made_available), year=2026)
    assert (result.inputs["regime"], result.amount) == (regime, amount)


@pytest.mark.parametrize(
    ("made_available", "forfait", "actual"),
    [
        (date(2019, 12, 31), D("4050.00"), D("6400.00")),  # before 2020: no abatement (9 % base)
        (date(2020, 1, 1), D("2049.70"), D("4399.70")),  # 50 % capped at 2 000,30
        (date(2025, 1, 31), D("2049.70"), D("4399.70")),
        (date(2025, 2, 1), D("2168.00"), D("4399.70")),  # forfait 70 % capped at 4 582; actual 50 %
        (date(2027, 12, 31), D("2168.00"), D("4399.70")),
        (date(2028, 1, 1), D("6750.00"), D("6400.00")),
    ],
)
def test_electric_abatement_windows(made_available, forfait, actual):
    car = bought(45000, electric=True, eligible_abatement=True, made_available=made_available,
                 first_registration=date(2025, 1, 1))
    assert flat_rate(car, year=made_available.year + 1).amount == forfait
    bev = bought(32000, electric=True, eligible_abatement=True, made_available=made_available,
                 first_registration=date(2025, 1, 1))
    assert actual_expenses(bev, private_km=1, total_km=1, year=made_available.year + 1).amount == actual


def test_a_low_environmental_score_only_matters_after_february_2025():
    old = bought(45000, electric=True, eligible_abatement=False, made_available=BEFORE)
    assert flat_rate(old, year=2026).amount == D("2049.70")


def test_the_lease_cap_also_applies_to_the_fuel_options():
    costs = VehicleCosts("lease", D(20000), annual_lease=D(6600), annual_insurance=D(900), annual_maintenance=D(500),
                         annual_fuel=D(2000), employer_pays_fuel=True, first_registration=RECENT,
                         made_available=AFTER)
    result = flat_rate(costs, year=2026, private_fuel=D(300))
    # rate + fuel: min(50 % × 8 000 + 300, 15 % × 20 000 + 300); all-in: min(67 % × 10 000, 20 % × 20 000)
    assert result.options == {"rate_plus_fuel": D("3300.00"), "all_in": D("4000.00")}
    assert result.formula == money("50 % × (6 600,00 € + 500,00 € + 900,00 €) + 300,00 € = 4 300,00 € ; "
                                   "min(4 300,00 €, 3 300,00 €) = 3 300,00 €")


# -- notes ----------------------------------------------------------------------------------------------
def notes(result) -> list[str]:
    return [str(n) for n in result.notes]


def test_every_note_text():
    with translation.override("en"):
        assert notes(flat_rate(bought(first_registration=None), year=2026)) == [
            "First registration date unknown: the vehicle is taken as 5 years old or less."]
        assert notes(flat_rate(bought(45000, electric=True), year=2026)) == [
            "No electric abatement: the environmental score is below 60."]
        assert notes(flat_rate(bought(electric=True, made_available=date(2019, 6, 1)), year=2026)) == [
            "No electric abatement for this attribution date."]
        assert notes(flat_rate(bought(electric=True, eligible_abatement=True, employer_pays_fuel=True),
                               year=2026)) == ["Electric vehicle: charging paid by the employer is excluded."]
        assert notes(actual_expenses(bought(electric=True, eligible_abatement=True), private_km=1, total_km=2,
                                     private_fuel=D(50), year=2026)) == [
            "Electric vehicle: charging paid by the employer is excluded."]
        assert notes(flat_rate(bought(employer_pays_fuel=True), year=2026)) == [
            "Fuel paid by the employer: the lower option is applied; the employer may choose the other.",
            "No actual private fuel given: the 'rate + fuel' option needs fuel receipts."]
        assert notes(flat_rate(bought(employer_pays_fuel=True), year=2026, private_fuel=D(1))) == [
            "Fuel paid by the employer: the lower option is applied; the employer may choose the other."]
        capped = VehicleCosts("lease", D(20000), annual_lease=D(8000), made_available=AFTER, first_registration=RECENT)
        assert notes(flat_rate(capped, year=2026)) == ["Leased vehicle: capped at the amount for a bought vehicle."]
        assert notes(flat_rate(bought(), year=2026, employee_contribution=D(1))) == [
            "Employee contribution deducted (not below zero)."]
        assert notes(actual_expenses(bought(), private_km=0, total_km=0)) == [
            "No kilometres driven: no benefit on actual expenses."]
        assert notes(flat_rate(bought(), year=2026)) == [] and notes(flat_rate(leased(), year=2026)) == []


def test_notes_are_translated():
    with translation.override("fr"):
        assert notes(actual_expenses(bought(), private_km=0, total_km=0)) == [
            "Aucun kilomètre parcouru : pas d’avantage aux dépenses réelles."]


# -- rounding and numbers -------------------------------------------------------------------------------
def test_each_step_is_rounded_half_up_to_the_cent():
    bev = bought(45000, electric=True, eligible_abatement=True, made_available=date(2025, 6, 1))
    result = flat_rate(bev, year=2025)  # 7 months: base 3 937,50; cap 4 582 × 7/12 = 2 672,83(33…)
    assert result.amount == D("1264.67")
    assert result.formula == money("15 % × 45 000,00 € × 7/12 = 3 937,50 € ; "
                                   "3 937,50 € − min(70 % × 3 937,50 €, 2 672,83 €) = 1 264,67 €")
    assert flat_rate(bought(D("32000.10")), year=2026, months_available=7).amount == D("2800.01")  # 2 800,00875
    third = actual_expenses(bought(10000, first_registration=RECENT), private_km=1, total_km=3, year=2026)
    assert (third.amount, third.inputs["private_share"]) == (D("666.67"), D("0.3333"))
    assert flat_rate(bought(), year=2026, employee_contribution=D("100.005")).amount == D("4699.99")
    assert flat_rate(bought(), year=2026, private_fuel=D("0.004")).inputs["private_fuel"] == D("0.00")


def test_french_number_formats():
    nnbsp, nbsp = "\u202f", "\u00a0"
    assert fr_money(1234) == f"1{nnbsp}234,00{nbsp}€"
    assert fr_money("0.125") == f"0,13{nbsp}€"
    assert fr_money("-0.004") == f"0,00{nbsp}€"
    assert fr_money(D("-1234567.5")) == f"-1{nnbsp}234{nnbsp}567,50{nbsp}€"
    assert fr_percent(D("0.675")) == f"67,5{nnbsp}%" and fr_percent(D("1")) == f"100{nnbsp}%"
    assert (fr_number(D("6000")), fr_number(D("1234.50")), fr_number(7)) == ("6\u202f000", "1\u202f234,5", "7")


def test_vehicle_costs_take_numbers_as_exact_decimals():
    costs = VehicleCosts("purchase", 32000.1, annual_insurance="900.5", annual_maintenance=700,
                         employer_pays_fuel=True, made_available=AFTER)
    assert (costs.purchase_price_ttc, costs.annual_insurance, costs.annual_maintenance) == (
        D("32000.1"), D("900.5"), D("700"))
    assert costs.employer_pays_fuel is True and costs.acquisition == "purchase"
    with pytest.raises(ValueError, match="^acquisition must be 'purchase' or 'lease'$"):
        VehicleCosts("rent")
    with pytest.raises(ValueError, match="^a bought vehicle needs purchase_price_ttc$"):
        VehicleCosts("purchase")
    with pytest.raises(ValueError, match=r"^the flat rate needs made_available \(attribution date\)$"):
        flat_rate(VehicleCosts("lease", annual_lease=D(1)), year=2026)


def test_inputs_say_how_the_amount_was_reached():
    flat = flat_rate(bought(made_available=BEFORE), year=2026, private_fuel=D(10), employee_contribution=D(5))
    assert flat.inputs == {"method": "flat_rate", "regime": "before-2025-02", "year": 2026, "months": 12,
                           "older_than_5_years": False, "private_fuel": D("10.00"), "employee_contribution": D("5.00")}
    actual = actual_expenses(leased(), private_km=1, total_km=4, year=2026)
    assert actual.inputs == {"method": "actual_expenses", "private_km": D(1), "total_km": D(4), "months": 12,
                             "yearly_costs": D(8000), "private_fuel": D("0.00"), "private_share": D("0.2500"),
                             "employee_contribution": D("0.00")}
    assert actual.amount == D("2000.00") and actual.options == {} and actual.applied_option is None
    bev = bought(80000, electric=True, eligible_abatement=True, made_available=date(2024, 5, 1))
    ev = actual_expenses(bev, private_km=1, total_km=1, year=2026, months=6)
    assert {k: ev.inputs[k] for k in ("abatement_rate", "abatement_cap", "abatement_regime")} == {
        "abatement_rate": D("0.50"), "abatement_cap": D("1000.15"), "abatement_regime": "ev-2020"}


def test_actual_expenses_pro_rated_by_months():
    half = actual_expenses(bought(annual_insurance=D(900), annual_maintenance=D(700)), private_km=6000,
                           total_km=30000, year=2026, months=6)
    assert half.amount == D("800.00")  # 8 000 × 6/12 × 6 000 / 30 000
    assert half.formula == money("(20 % × 32 000,00 € + 900,00 € + 700,00 €) × 6/12 × 6 000 km / 30 000 km"
                                 " = 800,00 €")
    bev = bought(80000, electric=True, eligible_abatement=True, made_available=date(2025, 6, 1))
    capped = actual_expenses(bev, private_km=1, total_km=1, year=2026, months=6)
    assert capped.amount == D("6999.85")  # 8 000 − min(50 % × 8 000, 2 000,30 × 6/12)
    assert actual_expenses(bought(), private_km=1, total_km=2, year=2026, months=0).amount == D("0.00")
    for months in (-1, 13):
        with pytest.raises(ValueError, match="^months must be between 0 and 12$"):
            actual_expenses(bought(), private_km=1, total_km=2, year=2026, months=months)


# -- what the first benefit run left alive (tests/MUTATION.md) ------------------------------------------
def test_the_first_of_january_is_the_reference_for_actual_expenses_too():
    car = bought(first_registration=date(2021, 1, 1), made_available=date(2025, 6, 1))
    assert actual_expenses(car, private_km=1, total_km=1, year=2026).inputs["older_than_5_years"] is False
    undated = bought(first_registration=None)
    with translation.override("en"):
        result = actual_expenses(undated, private_km=1, total_km=1, year=2026)
        assert result.inputs["older_than_5_years"] is False and result.amount == D("6400.00")
        assert notes(result) == ["First registration date unknown: the vehicle is taken as 5 years old or less."]
    flat = flat_rate(undated, year=2026)
    assert (flat.amount, flat.inputs["older_than_5_years"]) == (D("4800.00"), False)


def test_zero_kilometres_and_electric_fuel_details():
    none = actual_expenses(bought(), private_km=0, total_km=0)
    assert (none.formula, none.options, none.applied_option) == (money("0 km → 0,00 €"), {}, None)
    bev = bought(electric=True, eligible_abatement=True)
    assert actual_expenses(bev, private_km=1, total_km=2, private_fuel=D(50), year=2026).inputs[
        "private_fuel"] == D("0.00")


def test_zero_months_given_explicitly_is_accepted():
    with translation.override("en"):
        result = flat_rate(bought(), year=2026, months_available=0)
        assert (result.amount, result.inputs["months"]) == (D("0.00"), 0)
        assert notes(result) == ["Vehicle not available during this year."]


def test_the_contribution_step_follows_the_formula():
    result = flat_rate(bought(), year=2026, employee_contribution=D(800))
    assert result.formula == money("15 % × 32 000,00 € = 4 800,00 € ; 4 800,00 € − 800,00 € = 4 000,00 €")


def test_a_lease_equal_to_the_bought_amount_is_not_capped():
    costs = VehicleCosts("lease", D(20000), annual_lease=D(6000), made_available=AFTER, first_registration=RECENT)
    result = flat_rate(costs, year=2026)  # 50 % × 6 000 = 15 % × 20 000 = 3 000
    assert result.amount == D("3000.00") and result.notes == []
    assert result.formula == money("50 % × (6 000,00 € + 0,00 € + 0,00 €) = 3 000,00 €")


@pytest.mark.parametrize(("made_available", "regime"), [(date(2025, 1, 31), "ev-2020"),
                                                        (date(2025, 2, 1), "ev-2025")])
def test_the_abatement_regime_is_in_the_inputs(made_available, regime):
    car = bought(45000, electric=True, eligible_abatement=True, made_available=made_available)
    inputs = flat_rate(car, year=2026).inputs
    expected_rate = D("0.70") if regime == "ev-2025" else D("0.50")
    assert (inputs["abatement_rate"], inputs["abatement_regime"]) == (expected_rate, regime)
    assert "abatement_cap" in inputs
