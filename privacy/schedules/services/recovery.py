"""Settling schedule and period writes a crash left open, by re-reading Ocean (issue 15).

Each resolver gets an audit intent (privacy/services/audit.py) whose process died between the intent
and its outcome, re-reads the driver fresh from Ocean and answers ``(outcome, what was read)``.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from privacy.models import AuditEntry
from privacy.schedules.services.periods import periods_forget, periods_list
from privacy.schedules.services.weekly import schedule_forget, schedule_read
from privacy.services.audit import APPLIED, REFUSED
from privacy.week import WeeklySchedule

# Ocean's dates have a one-second grain: a version "starts at the intent's start" within this.
SAME_START = timedelta(seconds=2)


def resolve_schedule(intent: AuditEntry) -> tuple[str, str]:
    """Applied when a version starting at the intent's start holds the wanted week (every recurring write
    opens a version at its start, ocean-api §6.3). The same week in force from another change (a retry
    of the same bulk item, say) does not make *this* request applied: that change has its own entry."""
    wanted = intent.after or {}
    week = WeeklySchedule.from_json_days(wanted["week"])
    start = datetime.fromisoformat(wanted["valid_from"])
    schedule_forget(intent.customer, intent.driver_id)
    schedule = schedule_read(intent.customer, intent.driver_id, fresh=True)
    if week.is_empty():  # a removal (DELETE of every slot) opens no version: nothing in force is the proof
        empty = schedule.at(timezone.now()).is_empty()
        return (APPLIED, "no private hour in force") if empty else (REFUSED, "private hours still in force")
    for version in schedule.versions:
        if version.valid_from is not None and abs(version.valid_from - start) <= SAME_START and version.week == week:
            return APPLIED, "Ocean holds the week from the intended start"
    if schedule.at(max(start, timezone.now())) == week:
        return REFUSED, "no version from the intended start (the same week is in force from another change)"
    return REFUSED, "Ocean does not hold the wanted week from the intended start"


def resolve_period_add(intent: AuditEntry) -> tuple[str, str]:
    wanted = intent.after or {}
    start, end = datetime.fromisoformat(wanted["start"]), datetime.fromisoformat(wanted["end"])
    periods_forget(intent.customer, intent.driver_id)
    for period in periods_list(intent.customer, intent.driver_id, fresh=True):
        if period.label == wanted["label"] and period.start == start and period.end == end:
            return APPLIED, f"the period is in Ocean's list (id {period.id})"
    return REFUSED, "the period is not in Ocean's list"


def resolve_period_delete(intent: AuditEntry) -> tuple[str, str]:
    period_id = (intent.before or {})["id"]
    periods_forget(intent.customer, intent.driver_id)
    if any(p.id == period_id for p in periods_list(intent.customer, intent.driver_id, fresh=True)):
        return REFUSED, "the period is still listed"
    return APPLIED, "the period is no longer listed"
