"""Schedule templates (local to the portal): save with optimistic concurrency and an audit line."""
from __future__ import annotations

from django.db import transaction

from privacy.models import Customer, User
from privacy.schedules.models import ScheduleTemplate
from privacy.services.audit import audit_record
from privacy.services.concurrency import check_version, remember
from privacy.week import WeeklySchedule


def template_state(template: ScheduleTemplate | None) -> dict:
    return {"name": template.name, "week": template.week} if template else {"name": "", "week": None}


def template_version(template: ScheduleTemplate | None) -> str:
    """The ``base_version`` an edit form of ``template`` carries."""
    return remember(template_state(template)) if template else ""


def template_save(*, actor: User, customer: Customer, template: ScheduleTemplate | None, name: str,
                  week: WeeklySchedule, base_version: str = "") -> ScheduleTemplate:
    """Create or update a template; ``EditConflict`` when someone saved it since the form was opened."""
    with transaction.atomic():
        if template is not None:
            template = ScheduleTemplate.objects.select_for_update().get(pk=template.pk)
            check_version(base_version, template_state(template))
        before = template.week if template else None
        template = template or ScheduleTemplate(customer=customer, created_by=actor)
        template.name, template.week = name, week.to_json_days()
        template.save()
        audit_record(actor=actor, action="template.save", customer=customer, target=template.name,
                     before=before, after=template.week, upstream_result="local only")
    return template
