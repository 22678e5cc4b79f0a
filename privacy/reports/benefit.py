"""French benefit in kind for a company vehicle ("avantage en nature véhicule").

Pure functions implementing docs/rules-fr.md §B (URSSAF, arrêté of
25 Feb 2025).  Money is ``Decimal`` rounded to the cent (ROUND_HALF_UP) at
each step shown in ``BenefitResult.formula``, so the formula adds up.

Number format (``fr_money``/``fr_percent``) follows CLDR/ICU for French:
U+202F NARROW NO-BREAK SPACE between thousands and before "%", U+00A0
NO-BREAK SPACE before "€": "4 800,00 €", "15 %".

Choices where the rules leave room (each also stated in ``notes``):
- the regime follows ``made_available`` (the attribution date to this employee);
- "older than 5 years" means the 5th anniversary of first registration lies
  before the reference date: 1 January of ``year`` or ``made_available`` if later;
- with employer-paid fuel both forfait options are returned in ``options`` and
  the lower one is applied (the employer chooses the option);
- the electric abatement cap is pro-rated by months like the base (the rules do
  not say; this is the prudent reading); employer-paid charging is excluded;
- the lease all-in option (67 %/40 %) uses ``VehicleCosts.annual_fuel``, the
  yearly fuel paid by the employer, as the fuel part of the global cost.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured
from django.utils import translation

NEW_REGIME_START = date(2025, 2, 1)
EV_NEW_END = date(2027, 12, 31)
EV_OLD_START = date(2020, 1, 1)
EV_FORFAIT_RATE, EV_FORFAIT_CAP = Decimal("0.70"), Decimal("4582.00")
EV_OLD_RATE, EV_OLD_CAP = Decimal("0.50"), Decimal("2000.30")  # also the actual-costs abatement
# (bought ≤ 5 yrs, bought > 5 yrs, leased) -> (without fuel, all-in with fuel)
RATES = {
    "before-2025-02": {"new": ("0.09", "0.12"), "old": ("0.06", "0.09"), "lease": ("0.30", "0.40")},
    "from-2025-02": {"new": ("0.15", "0.20"), "old": ("0.10", "0.15"), "lease": ("0.50", "0.67")},
}
NNBSP, NBSP = "\u202f", "\u00a0"
ZERO = Decimal(0)


def _(msgid: str) -> str:
    """Translate when Django settings are available, else keep the English msgid."""
    try:
        settings.USE_I18N  # noqa: B018
        return translation.gettext(msgid)
    except (ImproperlyConfigured, AppRegistryNotReady):
        return msgid


def cents(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _group(digits: str) -> str:
    return NNBSP.join(digits[max(0, i - 3):i] for i in range(len(digits), 0, -3)[::-1])


def fr_money(value: Decimal | int | str) -> str:
    """``Decimal("4800")`` -> "4 800,00 €" (U+202F thousands, U+00A0 before €)."""
    amount = cents(value)
    units, decimals = f"{abs(amount):.2f}".split(".")
    return f"{'-' if amount < 0 else ''}{_group(units)},{decimals}{NBSP}€"


def fr_percent(rate: Decimal) -> str:
    """``Decimal("0.15")`` -> "15 %"."""
    text = f"{(rate * 100).normalize():f}".replace(".", ",")
    return f"{text}{NNBSP}%"


def fr_number(value: Decimal | int) -> str:
    units, _sep, decimals = f"{Decimal(value).normalize():f}".partition(".")
    return f"{_group(units)},{decimals}" if decimals else _group(units)


@dataclass(frozen=True)
class VehicleCosts:
    acquisition: Literal["purchase", "lease"]
    purchase_price_ttc: Decimal | None = None
    annual_lease: Decimal = ZERO
    annual_maintenance: Decimal = ZERO
    annual_insurance: Decimal = ZERO
    first_registration: date | None = None
    made_available: date | None = None
    employer_pays_fuel: bool = False
    electric: bool = False
    eligible_abatement: bool = False  # environmental score >= 60
    annual_fuel: Decimal = ZERO  # all fuel paid by the employer in the year (lease all-in option)

    def __post_init__(self) -> None:
        if self.acquisition not in ("purchase", "lease"):
            raise ValueError("acquisition must be 'purchase' or 'lease'")
        for f in fields(self):
            value = getattr(self, f.name)
            is_number = isinstance(value, (int, float, str)) and not isinstance(value, bool)
            if is_number and f.name != "acquisition":
                object.__setattr__(self, f.name, Decimal(str(value)))
        if self.acquisition == "purchase" and self.purchase_price_ttc is None:
            raise ValueError("a bought vehicle needs purchase_price_ttc")


@dataclass
class BenefitResult:
    amount: Decimal
    formula: str
    inputs: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    options: dict[str, Decimal] = field(default_factory=dict)
    applied_option: str | None = None


def _older_than_5_years(costs: VehicleCosts, reference: date, notes: list[str]) -> bool:
    reg = costs.first_registration
    if reg is None:
        notes.append(_("First registration date unknown: the vehicle is taken as 5 years old or less."))
        return False
    fifth = date(reg.year + 5, reg.month, 28 if (reg.month, reg.day) == (2, 29) else reg.day)
    return fifth < reference


def _months(costs: VehicleCosts, year: int, months_available: int | None) -> int:
    if months_available is not None:
        if not 0 <= months_available <= 12:
            raise ValueError("months_available must be between 0 and 12")
        return months_available
    start = costs.made_available
    if start.year > year:
        return 0
    return 12 if start.year < year else 13 - start.month  # a started month counts in full


def _ev_abatement(costs: VehicleCosts, *, forfait: bool, notes: list[str]) -> tuple[Decimal, Decimal] | None:
    if not costs.electric:
        return None
    when = costs.made_available
    if when is not None and NEW_REGIME_START <= when <= EV_NEW_END:
        if costs.eligible_abatement:
            return (EV_FORFAIT_RATE, EV_FORFAIT_CAP) if forfait else (EV_OLD_RATE, EV_OLD_CAP)
        notes.append(_("No electric abatement: the environmental score is below 60."))
        return None
    if when is not None and EV_OLD_START <= when < NEW_REGIME_START:
        return EV_OLD_RATE, EV_OLD_CAP
    notes.append(_("No electric abatement for this attribution date."))
    return None


def _abatement_inputs(abatement: tuple[Decimal, Decimal] | None, costs: VehicleCosts,
                      factor: Decimal) -> dict[str, Any]:
    if abatement is None:
        return {}
    when = costs.made_available
    regime = "ev-2025" if when is not None and when >= NEW_REGIME_START else "ev-2020"
    return {"abatement_rate": abatement[0], "abatement_cap": cents(abatement[1] * factor),
            "abatement_regime": regime}


def _abate(base: Decimal, abatement: tuple[Decimal, Decimal] | None, cap_factor: Decimal,
           steps: list[str]) -> Decimal:
    if abatement is None:
        return base
    rate, cap = abatement
    cap = cents(cap * cap_factor)
    off = min(cents(rate * base), cap)
    result = base - off
    steps.append(f"{fr_money(base)} − min({fr_percent(rate)} × {fr_money(base)}, {fr_money(cap)})"
                 f" = {fr_money(result)}")
    return result


def flat_rate(costs: VehicleCosts, *, year: int, months_available: int | None = None,
              private_fuel: Decimal = ZERO, employee_contribution: Decimal = ZERO) -> BenefitResult:
    """Forfait (flat-rate) valuation for ``year``; see the module docstring for choices."""
    if costs.made_available is None:
        raise ValueError("the flat rate needs made_available (attribution date)")
    private_fuel, notes = cents(private_fuel), []
    regime = "from-2025-02" if costs.made_available >= NEW_REGIME_START else "before-2025-02"
    reference = max(costs.made_available, date(year, 1, 1))
    older = _older_than_5_years(costs, reference, notes)
    months = _months(costs, year, months_available)
    factor = Decimal(months) / 12
    prorate = f" × {months}/12" if months != 12 else ""
    fuel_paid = costs.employer_pays_fuel
    if costs.electric and fuel_paid:
        fuel_paid = False
        notes.append(_("Electric vehicle: charging paid by the employer is excluded."))
    abatement = _ev_abatement(costs, forfait=True, notes=notes)
    rates = RATES[regime]
    price = costs.purchase_price_ttc

    def purchase(all_in: bool) -> tuple[Decimal, str]:
        rate = Decimal(rates["old" if older else "new"][all_in])
        return cents(rate * price * factor), f"{fr_percent(rate)} × {fr_money(price)}{prorate}"

    def lease(all_in: bool) -> tuple[Decimal, str]:
        rate = Decimal(rates["lease"][all_in])
        parts = [costs.annual_lease, costs.annual_maintenance, costs.annual_insurance]
        parts += [costs.annual_fuel] if all_in else []
        text = " + ".join(fr_money(p) for p in parts)
        return cents(rate * sum(parts) * factor), f"{fr_percent(rate)} × ({text}){prorate}"

    options: dict[str, Decimal] = {}
    formulas: dict[str, str] = {}
    variants = [("rate_plus_fuel", False), ("all_in", True)] if fuel_paid else [("without_fuel", False)]
    for name, all_in in variants:
        steps: list[str] = []
        value, expr = (purchase if costs.acquisition == "purchase" else lease)(all_in)
        if name == "rate_plus_fuel":
            steps.append(f"{expr} + {fr_money(private_fuel)} = {fr_money(value + private_fuel)}")
            value += private_fuel
        else:
            steps.append(f"{expr} = {fr_money(value)}")
        if costs.acquisition == "lease" and price is not None:
            cap = purchase(all_in)[0] + (private_fuel if name == "rate_plus_fuel" else ZERO)
            if cap < value:
                steps.append(f"min({fr_money(value)}, {fr_money(cap)}) = {fr_money(cap)}")
                notes.append(_("Leased vehicle: capped at the amount for a bought vehicle."))
                value = cap
        value = _abate(value, abatement, factor, steps)
        options[name], formulas[name] = value, " ; ".join(steps)
    applied = min(options, key=lambda n: options[n])
    if fuel_paid:
        notes.append(_("Fuel paid by the employer: the lower option is applied; "
                       "the employer may choose the other."))
        if private_fuel == 0:
            notes.append(_("No actual private fuel given: the 'rate + fuel' option needs fuel receipts."))
    if months == 0:
        notes.append(_("Vehicle not available during this year."))
    inputs = {"method": "flat_rate", "regime": regime, "year": year, "months": months,
              "older_than_5_years": older, "private_fuel": private_fuel,
              **_abatement_inputs(abatement, costs, factor)}
    return _finish(options[applied], formulas[applied], inputs, notes, options, applied,
                   employee_contribution)


def _finish(amount: Decimal, formula: str, inputs: dict[str, Any], notes: list[str],
            options: dict[str, Decimal], applied: str | None, contribution: Decimal) -> BenefitResult:
    contribution = cents(contribution)
    if contribution:
        net = max(ZERO, amount - contribution)
        formula += f" ; {fr_money(amount)} − {fr_money(contribution)} = {fr_money(net)}"
        notes.append(_("Employee contribution deducted (not below zero)."))
        amount = cents(net)
    inputs["employee_contribution"] = contribution
    return BenefitResult(cents(amount), formula, inputs, notes, options, applied)


def actual_expenses(costs: VehicleCosts, *, private_km: Decimal | int, total_km: Decimal | int,
                    private_fuel: Decimal = ZERO, year: int | None = None,
                    employee_contribution: Decimal = ZERO, months: int = 12) -> BenefitResult:
    """Actual-expenses valuation: yearly costs × months/12 × private_km / total_km + private fuel.

    ``months`` is the number of months the vehicle was available to the driver (a started month
    counts in full, like the flat rate: rules-fr §B4); the EV abatement cap is pro-rated alike."""
    if not 0 <= months <= 12:
        raise ValueError("months must be between 0 and 12")
    private_km, total_km, private_fuel = Decimal(private_km), Decimal(total_km), cents(private_fuel)
    if private_km < 0 or total_km < 0 or private_km > total_km:
        raise ValueError("need 0 <= private_km <= total_km")
    notes: list[str] = []
    inputs: dict[str, Any] = {"method": "actual_expenses", "private_km": private_km, "total_km": total_km,
                              "months": months}
    if total_km == 0:
        notes.append(_("No kilometres driven: no benefit on actual expenses."))
        return _finish(ZERO, f"0 km → {fr_money(ZERO)}", inputs, notes, {}, None, employee_contribution)
    if costs.electric and private_fuel:
        private_fuel = ZERO
        notes.append(_("Electric vehicle: charging paid by the employer is excluded."))
    extra = [costs.annual_insurance, costs.annual_maintenance]
    if costs.acquisition == "purchase":
        candidates = [costs.made_available, date(year, 1, 1) if year else None]
        reference = max(filter(None, candidates), default=date.today())
        older = _older_than_5_years(costs, reference, notes)
        inputs["older_than_5_years"] = older
        rate = Decimal("0.10") if older else Decimal("0.20")
        head = f"{fr_percent(rate)} × {fr_money(costs.purchase_price_ttc)}"
        yearly = cents(rate * costs.purchase_price_ttc) + sum(extra)
    else:
        head, yearly = fr_money(costs.annual_lease), costs.annual_lease + sum(extra)
    factor = Decimal(months) / 12
    share = cents(yearly * factor * private_km / total_km)
    costs_text = " + ".join([head] + [fr_money(x) for x in extra])
    prorate = f" × {months}/12" if months != 12 else ""
    steps = [f"({costs_text}){prorate} × {fr_number(private_km)} km / {fr_number(total_km)} km"
             f" = {fr_money(share)}"]
    abatement = _ev_abatement(costs, forfait=False, notes=notes)
    inputs.update(_abatement_inputs(abatement, costs, factor))
    amount = _abate(share, abatement, factor, steps)
    if private_fuel:
        steps.append(f"{fr_money(amount)} + {fr_money(private_fuel)} = {fr_money(amount + private_fuel)}")
        amount += private_fuel
    inputs.update(yearly_costs=yearly, private_fuel=private_fuel,
                  private_share=(private_km / total_km).quantize(Decimal("0.0001")))
    return _finish(amount, " ; ".join(steps), inputs, notes, {}, None, employee_contribution)
