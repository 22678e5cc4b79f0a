"""Forms of the data-rights pages (validation here, views stay thin)."""
from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.rights.services.mydata import MAX_EXPORT_DAYS

FORMATS = [("json", _("JSON (one file)")), ("csv", _("CSV (a ZIP of one file per table)"))]


class ExportForm(forms.Form):
    """The range of trips a download holds (the other tables are always complete) and its format."""

    first = forms.DateField(label=_("Trips from"), widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, widget=forms.RadioSelect)

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        for name in ("first", "last"):
            self.fields[name].widget.attrs["max"] = today.isoformat()
        self.initial.setdefault("first", today - timedelta(days=30))
        self.initial.setdefault("last", today)
        self.initial.setdefault("format", "json")

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last > self.today:
                self.add_error("last", _("Choose a day up to today."))
            elif first > last:
                self.add_error("first", _("The first day comes before the last one."))
            elif (last - first).days + 1 > MAX_EXPORT_DAYS:
                self.add_error("first", _("At most %(days)s days of trips per download.") % {"days": MAX_EXPORT_DAYS})
        return data
