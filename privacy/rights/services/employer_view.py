"""« Ce que voit mon employeur »: the driver's trips exactly as a manager gets them, and what HR gets.

No copy of the masking rule here: the manager's rows come from the very function that builds the
manager's trips page (``driver_steps_page``) called with a manager of the driver's customer, so the
preview shows what the masking code decides today and cannot drift from it. The list of fields is read
from the row objects themselves (a masked row has no place field at all), and HR's from the report
columns the reports page and its exports use.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from django.utils.translation import gettext_lazy as _

from privacy.models import Customer, Role, User
from privacy.reports.services.queries import COLUMNS
from privacy.services.fleet import FleetDriver
from privacy.steps.services.trips import MaskedStepRow, StepRow, StepsPage, driver_steps_page

# Row fields a person reads on the page, in page order; the rest are ids and page mechanics.
FIELD_LABELS = {
    "driver_label": _("your name"),
    "start": _("start and end times"),
    "distance_m": _("distance"),
    "duration_s": _("duration"),
    "vehicle_label": _("vehicle"),
    "schedule": _("class by your private hours (minutes private and pro)"),
    "declaration": _("your declaration, its status and history"),
    "start_place": _("start place (address, town, position)"),
    "end_place": _("end place (address, town, position)"),
}
MECHANICS = {"vehicle_id", "numero_embarque", "step_id", "driver_id", "end", "deadline", "deadline_passed",
             "can_declare", "reason_private", "reason_pro"}


def manager_probe(customer: Customer) -> User:
    """An unsaved manager of the customer with every entity in scope: the widest manager view there is."""
    return User(username="preview", role=Role.MANAGER, customer=customer, entity_ids=[], is_active=True)


def visible_fields(row_type) -> list[str]:
    """What a person reads in a row of this type: its labelled fields (an unknown new field by name)."""
    names = [f.name for f in fields(row_type) if f.name not in MECHANICS]
    return [str(FIELD_LABELS.get(name, name)) for name in names]


def hr_columns() -> list[str]:
    """What HR gets per driver and month: the report columns of the reports page and its exports."""
    return [str(c.label) for c in COLUMNS]


@dataclass
class EmployerView:
    page: StepsPage  # the manager's rows
    masked_fields: list[str]  # what a manager reads of a trip whose places are hidden
    open_fields: list[str]  # ... of a trip whose places they may see
    hidden_places: int
    shown_places: int
    hr_columns: list[str]


def employer_view(*, customer: Customer, driver: FleetDriver, first: date, last: date) -> EmployerView:
    page = driver_steps_page(viewer=manager_probe(customer), customer=customer, driver=driver, first=first,
                             last=last)
    rows = [row for group in page.days for row in group.rows]
    masked = sum(1 for row in rows if row.masked)
    return EmployerView(
        page=page, masked_fields=visible_fields(MaskedStepRow), open_fields=visible_fields(StepRow),
        hidden_places=masked, shown_places=len(rows) - masked,
        hr_columns=hr_columns(),
    )
