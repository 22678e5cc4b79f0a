"""Daily reminder to drivers whose mixed or unreviewed trips reach the declaration deadline soon.

Peers' users lose money when classification windows close silently (peers.md §2, item 4). A trip is
*mixed* when it crosses a private-hours boundary, *unreviewed* when the driver never opened the day
in "My trips" (access log) — in both cases without any declaration. One e-mail per driver and day.
A day the driver marked "correct" (DayCheck) is never reminded; a driver who opted out gets nothing.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from privacy.links import portal_url
from privacy.models import Customer, Role, User
from privacy.ocean import OceanError
from privacy.services.audit import audit_record
from privacy.services.fleet import fleet_get
from privacy.steps.models import DayCheck, StepAccessLog
from privacy.steps.services.classify import MIXED
from privacy.steps.services.fetch import local_today
from privacy.steps.services.trips import driver_steps_page

log = logging.getLogger(__name__)


def _reviewed_days(user: User, customer: Customer, first, last) -> set:
    days = set()
    for a in StepAccessLog.objects.filter(user=user, customer=customer, view=StepAccessLog.View.OWN,
                                          first_day__lte=last, last_day__gte=first):
        d = max(a.first_day, first)
        while d <= min(a.last_day, last):
            days.add(d)
            d += timedelta(days=1)
    return days


def steps_needing_reminder(user: User, customer: Customer) -> list:
    """The driver's trips without declaration, mixed or on a day never opened, whose deadline
    falls within ``STEP_REMINDER_DAYS`` days."""
    now = timezone.now()
    today = local_today(customer)
    first = today - timedelta(days=customer.declaration_deadline_days)
    last = min(today, first + timedelta(days=settings.STEP_REMINDER_DAYS))
    driver = fleet_get(customer).drivers.get(user.ocean_individu_id)
    if driver is None:
        return []
    page = driver_steps_page(viewer=user, customer=customer, driver=driver, first=first, last=last)
    reviewed = _reviewed_days(user, customer, first, last)
    checked = checked_days(customer, user.ocean_individu_id, first, last)
    horizon = now + timedelta(days=settings.STEP_REMINDER_DAYS)
    return [
        row for group in page.days for row in group.rows
        if row.declaration is None and now <= row.deadline <= horizon and row.day not in checked
        and (row.schedule.kind == MIXED or row.day not in reviewed)
    ]


def checked_days(customer: Customer, driver_id: int | None, first, last) -> set:
    """Days the driver marked "correct" between ``first`` and ``last``."""
    return set(DayCheck.objects.filter(customer=customer, driver_id=driver_id, day__gte=first, day__lte=last)
               .values_list("day", flat=True))


def day_check(*, user: User, customer: Customer, day) -> bool:
    """The driver says ``day`` is correct: its reminders stop. Recorded here only, nothing goes to Ocean.
    Returns False when the day was already checked (a double tap changes nothing)."""
    _check, created = DayCheck.objects.get_or_create(
        customer=customer, driver_id=user.ocean_individu_id, day=day, defaults={"user": user})
    if created:
        audit_record(actor=user, action="day.check", customer=customer, driver_id=user.ocean_individu_id,
                     target=day.isoformat(), after={"day": day.isoformat()})
    return created


def reminder_message(user: User, rows: list) -> tuple[str, str]:
    """(subject, body) of a driver's reminder, in the portal's language, links from the public URL."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": user, "rows": rows, "deadline": min(r.deadline for r in rows),
                   "url": portal_url(reverse("privacy:my_trips"))}
        subject = render_to_string("privacy/steps/reminder_subject.txt", context).strip()
        body = render_to_string("privacy/steps/reminder_email.txt", context)
    return subject, body


def reminders_send() -> int:
    """E-mail every driver with trips to classify before the deadline; returns the number sent."""
    sent = 0
    drivers = (User.objects.filter(role=Role.DRIVER, is_active=True, ocean_individu_id__isnull=False,
                                   notify_reminders=True)
               .exclude(email="").select_related("customer"))
    for user in drivers:
        customer = user.customer
        once = f"privacy:v1:steps-reminder:{user.pk}:{local_today(customer).isoformat()}"
        if customer is None or cache.get(once):
            continue
        try:
            rows = steps_needing_reminder(user, customer)
        except OceanError as exc:  # try the others; tomorrow's run covers this one
            log.warning("reminder for user %s skipped: %s", user.pk, exc.message)
            continue
        if not rows:
            continue
        subject, body = reminder_message(user, rows)
        send_mail(subject, body, None, [user.email])
        cache.set(once, 1, 36 * 3600)
        sent += 1
    return sent
