"""The in-app history for managers and administrators: the audit log read as sentences.

Who changed which driver's private hours or periods, who approved or rejected which declaration,
who changed templates, accounts and settings — filtered by driver, person, kind and dates, with
"before" and "after" in words (never raw JSON). Managers see the schedule, period, template and
declaration kinds of their own customer, a scoped manager only the drivers of their entities.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacy import access
from privacy.models import AuditEntry, Customer, User
from privacy.week import WeeklySchedule, WeekValidationError
from privacy.week_text import summary

# kind → (label, action prefixes)
KINDS: dict[str, tuple[object, tuple[str, ...]]] = {
    "schedule": (gettext_lazy("Weekly private hours"), ("schedule.", "template.apply")),
    "period": (gettext_lazy("Exceptional periods"), ("period.",)),
    "declaration": (gettext_lazy("Declarations"), ("declaration.", "day.")),
    "template": (gettext_lazy("Templates"), ("template.save", "template.delete")),
    "account": (gettext_lazy("Accounts and settings"), ("user.", "users.", "customer.")),
    "report": (gettext_lazy("Reports and exports"), ("report.", "audit.", "history.")),
}
MANAGER_KINDS = ("schedule", "period", "declaration", "template")
KEY_LABELS = {
    "role": gettext_lazy("role"), "email": gettext_lazy("e-mail"), "entity_ids": gettext_lazy("entities"),
    "is_active": gettext_lazy("active"), "rows": gettext_lazy("rows"), "reason": gettext_lazy("reason"),
    "name": gettext_lazy("name"), "day": gettext_lazy("day"), "notify_reminders": gettext_lazy("reminders"),
    "notify_monthly": gettext_lazy("monthly e-mail"), "time_zone": gettext_lazy("time zone"),
    "declaration_policy": gettext_lazy("declaration policy"),
    "declaration_deadline_days": gettext_lazy("declaration deadline (days)"),
    "entities": gettext_lazy("entities"), "username": gettext_lazy("username"),
    "groups": gettext_lazy("groups"), "is_staff": gettext_lazy("administrator"),
    "ocean_individu_id": gettext_lazy("Ocean individu id"),
}

ACTIONS = {
    "schedule.set": gettext_lazy("changed the weekly private hours"),
    "schedule.delete": gettext_lazy("removed every weekly private hour"),
    "template.apply": gettext_lazy("applied a template"),
    "period.add": gettext_lazy("added an exceptional period"),
    "period.update": gettext_lazy("changed an exceptional period"),
    "period.delete": gettext_lazy("deleted an exceptional period"),
    "declaration.request": gettext_lazy("declared a trip"),
    "declaration.on_behalf": gettext_lazy("declared a trip for the driver"),
    "declaration.approve": gettext_lazy("approved a declaration"),
    "declaration.reject": gettext_lazy("rejected a declaration"),
    "declaration.send": gettext_lazy("sent a declaration to Ocean"),
    "declaration.withdraw": gettext_lazy("withdrew a declaration"),
    "day.check": gettext_lazy("said a day is correct"),
    "template.save": gettext_lazy("saved a template"),
    "template.delete": gettext_lazy("deleted a template"),
    "user.create": gettext_lazy("created an account"),
    "user.update": gettext_lazy("changed an account"),
    "user.deactivate": gettext_lazy("deactivated an account"),
    "user.reactivate": gettext_lazy("reactivated an account"),
    "user.sso_create": gettext_lazy("signed in for the first time with single sign-on"),
    "user.sso_role": gettext_lazy("got a new access from the identity provider's groups"),
    "user.sso_login": gettext_lazy("signed in with single sign-on"),
    "user.sso_refused": gettext_lazy("was refused single sign-on"),
    "users.import": gettext_lazy("imported accounts"),
    "customer.add": gettext_lazy("added a customer"),
    "customer.update": gettext_lazy("changed a customer"),
    "report.export": gettext_lazy("exported a report"),
    "report.refresh": gettext_lazy("refreshed a report"),
    "report.vehicle_cost": gettext_lazy("changed a vehicle's costs"),
    "audit.export": gettext_lazy("exported the audit log"),
    "history.export": gettext_lazy("exported the history"),
    "notifications.optout": gettext_lazy("changed who receives e-mails"),
    "probe.write": gettext_lazy("ran Ocean's first-contact probe on a test driver"),
}


@dataclass(frozen=True)
class HistoryFilter:
    driver: int | None = None
    person: str = ""
    kind: str = ""
    start: date | None = None
    end: date | None = None


def history_kinds(user: User) -> list[tuple[str, str]]:
    keys = list(KINDS) if access.is_admin(user) else list(MANAGER_KINDS)
    return [(k, str(KINDS[k][0])) for k in keys]


def _kind_q(keys) -> Q:
    q = Q(pk__in=[])
    for key in keys:
        for prefix in KINDS[key][1]:
            q |= Q(action__startswith=prefix) if prefix.endswith(".") else Q(action=prefix)
    return q


def history_entries(user: User, customer: Customer, wanted: HistoryFilter,
                    visible_driver_ids: set[int] | None) -> QuerySet:
    """Entries ``user`` may read, newest first. ``visible_driver_ids``: the drivers a scoped manager
    sees (None = every driver of the customer)."""
    entries = AuditEntry.objects.filter(customer=customer)
    if not access.is_admin(user):
        entries = entries.filter(_kind_q(MANAGER_KINDS))
        if visible_driver_ids is not None:
            entries = entries.filter(Q(driver_id__in=visible_driver_ids) | Q(driver_id__isnull=True))
    if wanted.kind in KINDS:
        entries = entries.filter(_kind_q([wanted.kind]))
    if wanted.driver is not None:
        entries = entries.filter(driver_id=wanted.driver)
    if wanted.person:
        entries = entries.filter(actor_label=wanted.person)
    if wanted.start:
        entries = entries.filter(at__date__gte=wanted.start)
    if wanted.end:
        entries = entries.filter(at__date__lte=wanted.end)
    return entries.order_by("-at", "-id")


def history_people(entries: QuerySet) -> list[str]:
    return sorted(set(entries.values_list("actor_label", flat=True)))


def period_end_text(value: datetime | None, fmt: str = "D d/m/Y") -> str:
    """The last moment of a period: an end at 00:00 is "the day before, end of day"."""
    if not isinstance(value, datetime):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if local.time() == time(0):
        return _("%(day)s, end of day") % {"day": date_format(local.date() - timedelta(days=1), fmt)}
    return date_format(local, f"{fmt} H:i")


def _end(text) -> str:
    try:
        return period_end_text(datetime.fromisoformat(str(text)))
    except ValueError:
        return str(text)


def _moment(text) -> str:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "D d/m/Y H:i")


def _week(value) -> str | None:
    try:
        return summary(WeeklySchedule.from_json_days(value))
    except (WeekValidationError, TypeError, ValueError, AttributeError):
        return None


def describe_value(action: str, value) -> str:
    """A "before" or "after" in words."""
    if value is None or value == {} or value == []:
        return "—"
    if isinstance(value, dict) and "label" in value and "start" in value:
        return _("“%(label)s” from %(start)s to %(end)s") % {
            "label": value["label"], "start": _moment(value["start"]), "end": _end(value.get("end", ""))}
    if isinstance(value, dict) and "private" in value and action.startswith("declaration."):
        choice = _("private") if value["private"] else _("professional")
        return _("%(choice)s (%(status)s)") % {"choice": choice, "status": _status(value.get("status", ""))}
    if isinstance(value, dict) and (text := _week(value)) is not None:
        return text
    if isinstance(value, dict):
        return "; ".join(f"{KEY_LABELS.get(k, k)}: {_role(v) if k == 'role' else _plain(v)}"
                         for k, v in value.items() if k != "version")
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return _plain(value)


def _role(code) -> str:
    from privacy.models import Role

    return str(Role(code).label) if code in Role.values else _plain(code)


def _status(code: str) -> str:
    return {"pending": _("awaiting approval"), "sent": _("sending to Ocean"), "confirmed": _("confirmed by Ocean"),
            "rejected": _("rejected"), "failed": _("refused by Ocean")}.get(code, code)


def _plain(value) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def describe_action(action: str) -> str:
    return str(ACTIONS.get(action, action))


def describe_result(text: str) -> str:
    """The stored Ocean outcome ("confirmed (post)", "failed: …") as a word."""
    if not text:
        return ""
    head = text.split(":")[0].split(" (")[0].strip()
    return {"confirmed": _("confirmed by Ocean"), "ok": _("confirmed by Ocean"), "failed": _("failed"),
            "outcome unknown": _("outcome unknown"), "not confirmed": _("not confirmed by Ocean"),
            "unchanged": _("already up to date")}.get(head, "")
