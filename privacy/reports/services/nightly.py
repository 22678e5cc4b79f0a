"""What beat does for reports, decided in each customer's own time zone.

Beat ticks every 15 minutes in UTC. A customer's nightly refresh is due from 03:30 to 04:59 local time
(after the 02:00–03:00 hour that DST skips or repeats, so it runs exactly once on change days) and
only if no nightly refresh was queued on that local day; the benefit pages' assignment histories are read
again then too (January: last year's as well, for the annual statements). The monthly HR e-mail is due on the 1st from
08:00 local time, once per month (a ReportMailing row marks it sent).
"""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from privacy.links import portal_url
from privacy.models import Customer, Role, User
from privacy.reports.models import ReportMailing, ReportRefresh, ReportSnapshot
from privacy.reports.services import benefit_history
from privacy.reports.services.benefit import year_drivers
from privacy.reports.services.ingest import request_refresh
from privacy.reports.services.periods import Period
from privacy.reports.services.queries import build_table

logger = logging.getLogger(__name__)

NIGHTLY_FROM, NIGHTLY_UNTIL = time(3, 30), time(5, 0)
MAIL_FROM = time(8, 0)
BACKFILL_PER_NIGHT = 2


def nightly_due(customer: Customer, now: datetime) -> bool:
    local = now.astimezone(customer.tz)
    if not NIGHTLY_FROM <= local.time() < NIGHTLY_UNTIL:
        return False
    midnight = datetime.combine(local.date(), time(0), tzinfo=customer.tz)
    return not ReportRefresh.objects.filter(
        customer=customer, trigger="nightly", created_at__gte=midnight
    ).exists()


def nightly_periods(customer: Customer, now: datetime) -> list[Period]:
    """The current and previous month, the current year, and up to ``BACKFILL_PER_NIGHT`` earlier months
    of the year not stored yet (the benefit in kind per month needs every month of the year)."""
    today = now.astimezone(customer.tz).date()
    current = Period.containing_month(today)
    previous = current.previous_month()
    stored = set(ReportSnapshot.objects.filter(customer=customer, is_current=True, period_kind="month",
                                               period_start__year=today.year)
                 .values_list("period_start", flat=True))
    backfill = [Period.month(today.year, m) for m in range(1, 13)
                if Period.month(today.year, m).end < previous.start
                and Period.month(today.year, m).start not in stored][:BACKFILL_PER_NIGHT]
    return [current, previous, Period.year(today.year)] + backfill


def read_histories_overnight(customer: Customer, now: datetime) -> bool:
    """Queue the reading of the assignment histories of the year's drivers (and, in January, last
    year's), so the benefit pages HR opens by day are complete instead of filling in."""
    today = now.astimezone(customer.tz).date()
    years = [today.year - 1, today.year] if today.month == 1 else [today.year]
    drivers = list(dict.fromkeys(d for year in years for d in year_drivers(customer, year)))
    return benefit_history.nightly_reading(customer, drivers)


def monthly_mail_due(customer: Customer, now: datetime) -> Period | None:
    """The month to report on when the e-mail is due now, else None."""
    local = now.astimezone(customer.tz)
    if local.day != 1 or local.time() < MAIL_FROM:
        return None
    month = Period.containing_month(local.date() - timedelta(days=1))
    if ReportMailing.objects.filter(customer=customer, month=month.start).exists():
        return None
    return month


def tick(now: datetime | None = None) -> dict[str, int]:
    """One beat tick for every customer; returns counts (for logs and tests)."""
    now = now or timezone.now()
    queued = mailed = 0
    for customer in Customer.objects.all():
        if nightly_due(customer, now):
            for period in nightly_periods(customer, now):
                _refresh, created = request_refresh(customer, period, trigger="nightly")
                queued += created
            if not ReportRefresh.objects.filter(customer=customer, trigger="nightly",
                                                created_at__gte=now - timedelta(minutes=1)).exists():
                # Every period was already running: leave a marker so the night is not retried.
                ReportRefresh.objects.create(
                    customer=customer, trigger="nightly", status=ReportRefresh.Status.DONE,
                    period_kind="month", period_start=now.date(), period_end=now.date(), progress=100,
                    message=_("Nightly refresh skipped: a refresh was already running."),
                )
            read_histories_overnight(customer, now)
        if (month := monthly_mail_due(customer, now)) is not None:
            mailed += send_monthly_mail(customer, month)
    return {"queued": queued, "mailed": mailed}


def monthly_recipients(customer: Customer):
    """HR users of the customer who receive the monthly e-mail (active, with an address, not opted out)."""
    return User.objects.filter(customer=customer, role=Role.HR, is_active=True, notify_monthly=True).exclude(email="")


def monthly_mail_message(customer: Customer, month: Period) -> tuple[str, str, str]:
    """(subject, text, html) of the month's summary e-mail, links from the public URL."""
    with translation.override(settings.LANGUAGE_CODE):
        table = build_table(customer, month, kind="entity", params={})
        link = portal_url(reverse("privacy:reports") + "?" + "&".join(f"{k}={v}" for k, v in month.query().items()))
        context = {"customer": customer, "period": month, "table": table, "link": link}
        subject = _("Vehicle use report — %(period)s") % {"period": month.label}
        text = render_to_string("privacy/reports/email_monthly.txt", context)
        html = render_to_string("privacy/reports/email_monthly.html", context)
    return subject, text, html


def send_monthly_mail(customer: Customer, month: Period) -> int:
    """E-mail the month's summary table to the customer's HR users; once per month."""
    try:
        marker = ReportMailing.objects.create(customer=customer, month=month.start)
    except IntegrityError:
        return 0
    recipients = list(monthly_recipients(customer).values_list("email", flat=True))
    if not recipients:
        return 0
    subject, text, html = monthly_mail_message(customer, month)
    send_mail(subject, text, None, recipients, html_message=html)
    marker.recipients = len(recipients)
    marker.save(update_fields=["recipients"])
    logger.info("monthly report mail sent to %s HR user(s) of customer %s", len(recipients), customer.pk)
    return 1
