"""Forms of the private-hours area: the weekly grid, exceptional periods, holidays, templates.

Dates typed by a user are wall-clock times of the customer's zone; they are turned into UTC with
``to_utc_from_local`` (DST-safe, never raises) instead of Django's current-zone conversion, which
refuses the times that do not exist or happen twice on DST days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.schedules.models import ScheduleTemplate
from privacy.schedules.services.holidays import REGIONS
from privacy.schedules.services.weekly import PAST_TOLERANCE
from privacy.services.ocean import to_utc_from_local
from privacy.week import CELLS_PER_DAY, DAYS, WeeklySchedule

CELL_COUNT = len(DAYS) * CELLS_PER_DAY  # 672 quarter-hours, Monday 00:00 first
# Dates outside this window are typing mistakes; refusing them also keeps date arithmetic in range
# (the day after 31/12/9999 does not exist).
FIRST_YEAR = 2000
YEARS_AHEAD = 10


def check_horizon(value: date) -> None:
    last_year = timezone.localdate().year + YEARS_AHEAD
    if not FIRST_YEAR <= value.year <= last_year:
        raise forms.ValidationError(
            _("Choose a date between %(first)s and %(last)s."), params={"first": FIRST_YEAR, "last": last_year}
        )


def week_to_cells(week: WeeklySchedule) -> str:
    """The grid as 672 characters '0'/'1' (day-major), the format of the hidden ``cells`` input."""
    on = week.to_cells()
    return "".join("1" if (day, i) in on else "0" for day in DAYS for i in range(CELLS_PER_DAY))


def cells_to_week(text: str) -> WeeklySchedule:
    return WeeklySchedule.from_cells(
        (DAYS[n // CELLS_PER_DAY], n % CELLS_PER_DAY) for n, c in enumerate(text) if c == "1"
    )


class CellsField(forms.CharField):
    widget = forms.HiddenInput

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if len(text) != CELL_COUNT or set(text) - {"0", "1"}:
            raise forms.ValidationError(_("The grid could not be read; reload the page and try again."))
        return cells_to_week(text)


class LocalDateTimeField(forms.DateTimeField):
    """A naive wall-clock datetime (``datetime-local`` input); the form converts it to UTC."""

    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        for fmt in self.input_formats:
            try:
                parsed = datetime.strptime(str(value).strip(), fmt)
            except ValueError:
                continue
            check_horizon(parsed.date())
            return parsed
        raise forms.ValidationError(_("Enter a date and time, e.g. 25/12/2027 08:00."))

    def prepare_value(self, value):
        return value.strftime("%Y-%m-%dT%H:%M") if isinstance(value, datetime) else value


class VersionField(forms.CharField):
    """The version the form was based on (``privacy.services.concurrency``), hidden."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=64, widget=forms.HiddenInput, **kwargs)


class WeekForm(forms.Form):
    cells = CellsField()
    base_version = VersionField()


class ScheduleForm(WeekForm):
    valid_from = LocalDateTimeField(
        label=_("Valid from"),
        required=False,
        help_text=_(
            "Leave empty to start now: Ocean is sent the next whole minute plus one, so that it never receives "
            "a start already past."
        ),
    )
    valid_until = LocalDateTimeField(
        label=_("Valid until"), required=False, help_text=_("Optional; empty = until further notice.")
    )

    def __init__(self, *args, tz_name: str = "Europe/Paris", **kwargs):
        super().__init__(*args, **kwargs)
        self.tz_name = tz_name

    def clean(self):
        data = super().clean()
        now = timezone.now()
        start = data.get("valid_from")
        end = data.get("valid_until")
        start_utc = to_utc_from_local(start, self.tz_name) if start else None
        end_utc = to_utc_from_local(end, self.tz_name) if end else None
        if start_utc is not None and start_utc < now - PAST_TOLERANCE:
            self.add_error("valid_from", _("The start cannot be in the past: Ocean never changes the past."))
        if end_utc is not None and end_utc <= max(start_utc or now, now):
            self.add_error("valid_until", _("The end must be after the start."))
        data["valid_from_utc"] = start_utc if start_utc is None or start_utc > now else None
        data["valid_until_utc"] = end_utc
        return data


class PeriodForm(forms.Form):
    base_version = VersionField()
    label = forms.CharField(label=_("Label"), max_length=60, help_text=_("E.g. Congés, NOEL, Pont de mai."))
    start_date = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("From (time)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Empty = from the start of the day."),
    )
    end_date = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end_time = forms.TimeField(
        label=_("Until (time)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Empty = until the end of the day."),
    )

    def __init__(self, *args, tz_name: str = "Europe/Paris", **kwargs):
        super().__init__(*args, **kwargs)
        self.tz_name = tz_name

    def clean_start_date(self):
        check_horizon(self.cleaned_data["start_date"])
        return self.cleaned_data["start_date"]

    def clean_end_date(self):
        check_horizon(self.cleaned_data["end_date"])
        return self.cleaned_data["end_date"]

    def clean(self):
        data = super().clean()
        first, last = data.get("start_date"), data.get("end_date")
        if first is None or last is None:
            return data
        start_local = datetime.combine(first, data.get("start_time") or time(0, 0))
        end_time = data.get("end_time")
        # Whole days by default: the end is the next local midnight after the last day.
        end_local = (
            datetime.combine(last, end_time) if end_time else datetime.combine(last + timedelta(days=1), time(0, 0))
        )
        data["start"] = to_utc_from_local(start_local, self.tz_name)
        data["end"] = to_utc_from_local(end_local, self.tz_name)
        if data["end"] <= data["start"]:
            self.add_error("end_date", _("The end must be after the start."))
        elif data["start"] < timezone.now() - PAST_TOLERANCE:
            self.add_error("start_date", _("The start cannot be in the past: Ocean never changes the past."))
        return data

    @classmethod
    def initial_for(cls, period, tz) -> dict:
        start, end = timezone.localtime(period.start, tz), timezone.localtime(period.end, tz)
        whole = start.time() == time(0, 0) and end.time() == time(0, 0)
        last = (end - timedelta(days=1)).date() if whole else end.date()
        return {
            "label": period.label,
            "start_date": start.date(),
            "end_date": last,
            "start_time": None if whole else start.time(),
            "end_time": None if whole else end.time(),
        }


class HolidaysForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    region = forms.ChoiceField(label=_("Region"), choices=[(k, v[1]) for k, v in REGIONS.items()])

    @classmethod
    def initial_year(cls) -> int:
        today = date.today()
        return today.year + 1 if today.month >= 10 else today.year


class TemplateForm(WeekForm):
    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args, customer, instance: ScheduleTemplate | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer, self.instance = customer, instance

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = ScheduleTemplate.objects.filter(customer=self.customer, name__iexact=name)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("A template with this name already exists."))
        return name


class ApplyForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Template"), queryset=ScheduleTemplate.objects.none(), empty_label=None)
    entity = forms.TypedChoiceField(
        label=_("Or a whole entity"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Used when no driver is selected."),
    )
    valid_from = LocalDateTimeField(
        label=_("Valid from"),
        required=False,
        help_text=_(
            "Leave empty to start now: Ocean is sent the next whole minute plus one, so that it never receives "
            "a start already past."
        ),
    )

    def __init__(self, *args, customer, entities: dict[int, str], tz_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz_name = tz_name
        self.fields["template"].queryset = ScheduleTemplate.objects.filter(customer=customer)
        self.fields["entity"].choices = [("", "—")] + sorted(entities.items(), key=lambda kv: kv[1])

    def clean(self):
        data = super().clean()
        start = data.get("valid_from")
        start_utc = to_utc_from_local(start, self.tz_name) if start else None
        now = timezone.now()
        if start_utc is not None and start_utc < now - PAST_TOLERANCE:
            self.add_error("valid_from", _("The start cannot be in the past: Ocean never changes the past."))
        data["valid_from_utc"] = start_utc if start_utc is not None and start_utc > now else None
        return data


# -- calendars (leave and holidays synced into exceptional periods) ----------------------------------------
class IcsFileForm(forms.Form):
    file = forms.FileField(label=_("ICS file (.ics)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The calendar is larger than 2 MB."))
        return upload.read()


class SubscriptionForm(forms.Form):
    label = forms.CharField(label=_("Name"), max_length=100)
    url = forms.URLField(label=_("ICS address (https://…)"), max_length=1000, assume_scheme="https")
    entity = forms.TypedChoiceField(label=_("Entity"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, entities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entities is None:
            del self.fields["entity"]  # a driver's own subscription
        else:
            self.fields["entity"].choices = list(entities)
            self.fields["entity"].required = True


class CsvImportForm(forms.Form):
    file = forms.FileField(label=_("CSV export of the HR tool"))
    matricule = forms.CharField(label=_("Column of the matricule"), max_length=100, initial="matricule")
    start = forms.CharField(label=_("Column of the first day"), max_length=100, initial="debut")
    end = forms.CharField(label=_("Column of the last day"), max_length=100, initial="fin")
    label = forms.CharField(label=_("Column of the label (optional)"), max_length=100, required=False,
                            initial="motif")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("The file is not a text file."))
