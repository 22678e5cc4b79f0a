"""Forms of the reports area: a vehicle's costs for the benefit in kind."""
from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.reports.models import Acquisition, BenefitChoice, VehicleCost


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VehicleCostForm(forms.ModelForm):
    class Meta:
        model = VehicleCost
        fields = [
            "acquisition", "purchase_price_ttc", "annual_lease", "annual_maintenance", "annual_insurance",
            "first_registration", "made_available", "employer_pays_fuel", "annual_fuel",
            "fuel_price_per_litre", "electric", "eligible_abatement",
        ]
        widgets = {"first_registration": DateInput(), "made_available": DateInput(),
                   "acquisition": forms.RadioSelect}
        help_texts = {
            "purchase_price_ttc": _("For a bought vehicle: the price paid, VAT included."),
            "annual_lease": _("For a leased vehicle: the yearly rent, VAT included."),
            "made_available": _("Date of attribution to the employee (decides the URSSAF rates)."),
            "annual_fuel": _("All fuel paid by the employer in a year (used by the leased all-in option)."),
            "fuel_price_per_litre": _("Used to value private fuel from the private litres; "
                                      "empty: Ocean's private cost is used."),
            "eligible_abatement": _("Environmental score of 60 or more (ADEME list)."),
        }

    def clean(self):
        data = super().clean()
        kind = data.get("acquisition")
        if kind == Acquisition.PURCHASE and not data.get("purchase_price_ttc"):
            self.add_error("purchase_price_ttc", _("A bought vehicle needs its purchase price."))
        if kind == Acquisition.LEASE and not data.get("annual_lease"):
            self.add_error("annual_lease", _("A leased vehicle needs its annual lease."))
        if data.get("eligible_abatement") and not data.get("electric"):
            self.add_error("eligible_abatement", _("Only a fully electric vehicle can get the abatement."))
        registered, available = data.get("first_registration"), data.get("made_available")
        if registered and available and available < registered:
            self.add_error("made_available", _("The vehicle cannot be made available before its first "
                                               "registration."))
        for name in ("first_registration", "made_available"):
            value = data.get(name)
            if value and not date(1990, 1, 1) <= value <= date(2100, 12, 31):
                self.add_error(name, _("Enter a date between 1990 and 2100."))
        return data


class BenefitChoiceForm(forms.ModelForm):
    class Meta:
        model = BenefitChoice
        fields = ["method", "monthly_contribution"]
        widgets = {"method": forms.RadioSelect}
        help_texts = {
            "method": _("Chosen by the employer for this employee and the whole year (rules-fr §B3). Actual "
                        "expenses need a record of the private kilometres."),
            "monthly_contribution": _("What the employee pays each month for the private use; deducted from "
                                      "the benefit, never below zero."),
        }
