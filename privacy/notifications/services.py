"""Who receives which e-mail, when, and what it says: the reminders to drivers and the monthly HR e-mail.

This package sits above the areas (it reads the steps area's reminders and the reports area's monthly
e-mail); the areas never import it. Opt-out is a flag on the person (User.notify_*), read by the senders.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from privacy import access
from privacy.links import portal_url
from privacy.models import Customer, Role, User
from privacy.reports.services.nightly import MAIL_FROM, monthly_mail_message
from privacy.reports.services.periods import Period
from privacy.services.audit import audit_record
from privacy.services.fleet import fleet_get
from privacy.steps.services.fetch import local_today
from privacy.steps.services.reminders import reminder_message, steps_needing_reminder
from privacy.steps.services.trips import driver_steps_page

REMINDERS, MONTHLY = "reminders", "monthly"
FLAGS = {REMINDERS: "notify_reminders", MONTHLY: "notify_monthly"}
REMINDER_HOUR_UTC = 7  # settings.CELERY_BEAT_SCHEDULE["steps-reminders"]


@dataclass
class Recipient:
    user: User
    name: str
    entity: str
    email: str
    receives: bool


def reminder_time(customer: Customer) -> str:
    """The reminders' local time today (beat runs them at 07:00 UTC: 08:00 in winter, 09:00 in summer)."""
    today = local_today(customer)
    moment = datetime.combine(today, time(REMINDER_HOUR_UTC), tzinfo=UTC)
    return time_format(moment.astimezone(customer.tz), "H:i")


def monthly_time() -> str:
    return time_format(MAIL_FROM, "H:i")


def recipients(viewer: User, customer: Customer, kind: str) -> list[Recipient]:
    """Drivers (reminders; a scoped manager sees their entities' drivers only) or HR users (monthly)."""
    role = Role.DRIVER if kind == REMINDERS else Role.HR
    users = User.objects.filter(customer=customer, role=role, is_active=True).order_by("last_name", "first_name",
                                                                                         "username")
    fleet = fleet_get(customer).drivers if kind == REMINDERS else {}
    out = []
    for user in users:
        driver = fleet.get(user.ocean_individu_id) if kind == REMINDERS else None
        if kind == REMINDERS and not access.can_view_driver(viewer, driver or access.DriverRef(
                customer.pk, user.ocean_individu_id or -1, None)):
            continue
        name = user.get_full_name() or (driver.full_name if driver else "") or user.username
        out.append(Recipient(user=user, name=name, entity=driver.entity_name if driver else "",
                             email=user.email, receives=getattr(user, FLAGS[kind]) and bool(user.email)))
    return out


def set_receives(*, actor: User, customer: Customer, user: User, kind: str, receives: bool) -> None:
    flag = FLAGS[kind]
    with transaction.atomic():
        before = getattr(user, flag)
        if before == receives:
            return
        setattr(user, flag, receives)
        user.save(update_fields=[flag])
        audit_record(actor=actor, action="notifications.optout", customer=customer,
                     driver_id=user.ocean_individu_id, target=user.username,
                     before={flag: before}, after={flag: receives})


def reminder_preview(customer: Customer, user: User) -> tuple[str, str] | None:
    """(subject, body) of ``user``'s reminder as it would go today; when nothing is due, the same e-mail
    with the undeclared trips of the reminder window, so the text can still be read. None: no trip at all."""
    rows = steps_needing_reminder(user, customer)
    if not rows:
        driver = fleet_get(customer).drivers.get(user.ocean_individu_id)
        if driver is None:
            return None
        today = local_today(customer)
        first = today - timedelta(days=customer.declaration_deadline_days)
        page = driver_steps_page(viewer=user, customer=customer, driver=driver, first=first, last=today)
        rows = [r for g in page.days for r in g.rows if r.declaration is None][:5]
    return reminder_message(user, rows) if rows else None


def monthly_preview(customer: Customer) -> tuple[str, str]:
    """(subject, text) of the monthly e-mail for the last full month."""
    month = Period.containing_month(local_today(customer)).previous_month()
    subject, text, _html = monthly_mail_message(customer, month)
    return subject, text


def send_test(to: User, subject: str, body: str) -> None:
    send_mail(_("[Test] %(subject)s") % {"subject": subject}, body, None, [to.email])


def links_base() -> tuple[str, bool]:
    """The public address e-mail links start with, and whether it looks like a local one."""
    base = portal_url()
    return base, any(h in base for h in ("127.0.0.1", "localhost", "[::1]")) and not settings.DEBUG
