"""The in-app history (managers and administrators): filters, before/after in words, CSV export."""
from __future__ import annotations

from datetime import date

from django import forms
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from privacy import access
from privacy.models import Customer, Role
from privacy.services.audit import audit_record
from privacy.services.fleet import fleet_drivers_visible
from privacy.services.history import (
    HistoryFilter,
    describe_action,
    describe_result,
    describe_value,
    history_entries,
    history_kinds,
    history_people,
)
from privacy.services.ocean import OceanError
from privacy.spreadsheet import csv_lines


class DateInput(forms.DateInput):
    input_type = "date"


class HistoryForm(forms.Form):
    driver = forms.TypedChoiceField(label=gettext_lazy("Driver"), required=False, coerce=int, empty_value=None)
    person = forms.ChoiceField(label=gettext_lazy("Person"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput)
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput)

    def __init__(self, *args, drivers, people, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["driver"].choices = every + [(d.ocean_id, d.full_name) for d in drivers]
        self.fields["person"].choices = every + [(p, p) for p in people]
        self.fields["kind"].choices = every + kinds

    def wanted(self) -> HistoryFilter:
        if not self.is_valid():
            return HistoryFilter()
        data = self.cleaned_data
        return HistoryFilter(driver=data["driver"], person=data["person"], kind=data["kind"],
                             start=data["start"], end=data["end"])


def _rows(entries, names: dict[int, str]):
    for entry in entries:
        yield {
            "at": timezone.localtime(entry.at),
            "who": entry.actor_label if entry.actor_label != "system" else _("the portal"),
            "what": describe_action(entry.action),
            "driver": names.get(entry.driver_id, str(entry.driver_id)) if entry.driver_id else "",
            "target": entry.target if entry.action.startswith(("template.", "user", "customer.", "report.")) else "",
            "before": describe_value(entry.action, entry.before),
            "after": describe_value(entry.action, entry.after),
            "result": describe_result(entry.upstream_result),
        }


def _csv(rows):
    header = [_("When"), _("Who"), _("What"), _("Driver"), _("Object"), _("Before"), _("After"), _("Ocean")]
    return csv_lines(header, ((row["at"].strftime("%d/%m/%Y %H:%M"), row["who"], row["what"], row["driver"],
                               row["target"], row["before"], row["after"], row["result"]) for row in rows))


@require_GET
@access.role_required(Role.MANAGER)
def history(request):
    customer = access.current_customer(request)
    try:
        drivers = fleet_drivers_visible(request.user, customer)
    except OceanError:
        drivers = []
    scoped = not access.is_admin(request.user) and bool(request.user.entity_ids)
    visible = {d.ocean_id for d in drivers} if scoped else None
    base = history_entries(request.user, customer, HistoryFilter(), visible)
    form = HistoryForm(request.GET or None, drivers=drivers, people=history_people(base),
                       kinds=history_kinds(request.user))
    entries = history_entries(request.user, customer, form.wanted(), visible)
    names = {d.ocean_id: d.full_name for d in drivers}
    if request.GET.get("format") == "csv":
        audit_record(actor=request.user, action="history.export", customer=customer,
                     target=request.GET.urlencode()[:200], after={"rows": entries.count()})
        response = StreamingHttpResponse(_csv(_rows(entries.iterator(chunk_size=500), names)),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="historique-{date.today():%Y%m%d}.csv"'
        return response
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(request, "privacy/history.html", {
        "customer": customer, "form": form, "page": page, "rows": list(_rows(page, names)),
        "query": query.urlencode(),
        "customers": Customer.objects.order_by("name", "pk") if access.is_admin(request.user) else []})
