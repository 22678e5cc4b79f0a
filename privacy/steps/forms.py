"""Forms of the steps and declarations pages (validation stays here, views stay thin)."""
from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.widgets import LongSelect

MAX_LOOK_BACK_DAYS = 366
REASON_REQUIRED = _("Give a reason for declaring on the driver's behalf.")
CHOICE = [("true", _("Private")), ("false", _("Professional"))]


def _to_bool(value: str) -> bool:
    return value == "true"


def _to_choice(value: str) -> bool | None:
    """A driver's tap: private, pro, or back to "not declared" (None)."""
    return None if value == "none" else value == "true"


class StepRangeForm(forms.Form):
    """Which day or week to show (GET). The week runs Monday to Sunday around the chosen day."""

    day = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    span = forms.ChoiceField(label=_("Show"), required=False,
                             choices=[("day", _("Day")), ("week", _("Week"))])

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["day"].widget.attrs["max"] = today.isoformat()

    def clean_day(self) -> date:
        day = self.cleaned_data.get("day") or self.today
        if day > self.today:
            raise forms.ValidationError(_("Choose a day up to today."))
        if day < self.today - timedelta(days=MAX_LOOK_BACK_DAYS):
            raise forms.ValidationError(_("Choose a day within the last year."))
        return day

    def clean_span(self) -> str:
        return self.cleaned_data.get("span") or "day"

    def bounds(self) -> tuple[date, date, str]:
        """(first, last, span) — the defaults when the input is invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        day, span = data.get("day", self.today), data.get("span", "day")
        if span == "week":
            monday = day - timedelta(days=day.weekday())
            return monday, monday + timedelta(days=6), span
        return day, day, span


class DeclareForm(forms.Form):
    """A driver's tap: the step's day and the value chosen (not a flip, so a double tap is harmless)."""

    day = forms.DateField()
    private = forms.TypedChoiceField(choices=[*CHOICE, ("none", _("Not declared"))], coerce=_to_choice)
    layout = forms.ChoiceField(choices=[("driver", "driver"), ("vehicle", "vehicle")], required=False)
    reason = forms.CharField(max_length=500, required=False)  # when the customer's rule asks for one


class DayCheckForm(forms.Form):
    """"This day is correct": the day, up to today."""

    day = forms.DateField()


class OnBehalfForm(DeclareForm):
    """A manager declaring for a driver: a reason is required (kept in the history and audit log)."""

    private = forms.TypedChoiceField(label=_("Declare as"), choices=CHOICE, coerce=_to_bool,
                                     widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": REASON_REQUIRED})


class DecisionForm(forms.Form):
    """Approve or reject pending requests: one (``only``, a row's button) or the ticked ``ids``.
    Ids outside the manager's scope or no longer pending are ignored by the service."""

    only = forms.IntegerField(required=False)
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        ticked = [int(v) for v in self.data.getlist("ids") if str(v).isdigit()]
        data["chosen"] = [data["only"]] if data.get("only") else ticked
        if not data["chosen"]:
            raise forms.ValidationError(_("Tick at least one request."))
        if data.get("action") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for the rejection."))
        return data


class HistoryFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    driver = forms.TypedChoiceField(label=_("Driver"), required=False, coerce=int, empty_value=None,
                                    widget=LongSelect)

    def __init__(self, *args, statuses, drivers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(statuses)
        named = [("", _("All"))] + [(d.ocean_id, d.full_name) for d in drivers]
        self.fields["driver"].choices = lambda: named  # a callable: not normalised one by one (LongSelect)


class TripsLookupForm(forms.Form):
    driver = forms.TypedChoiceField(label=_("Driver"), required=False, coerce=int, empty_value=None,
                                    widget=LongSelect)
    vehicle = forms.TypedChoiceField(label=_("Vehicle"), required=False, coerce=int, empty_value=None,
                                     widget=LongSelect)

    def __init__(self, *args, drivers, vehicles, **kwargs):
        super().__init__(*args, **kwargs)
        named = [("", "—")] + [(d.ocean_id, d.full_name) for d in drivers]
        labels = [("", "—")] + [(v.id, f"{v.plate} {v.label}".strip()) for v in vehicles]
        self.fields["driver"].choices = lambda: named  # callables: not normalised one by one (LongSelect)
        self.fields["vehicle"].choices = lambda: labels
