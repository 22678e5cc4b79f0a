"""Beat decisions in the customer's time zone (DST days included) and the monthly HR e-mail."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from privacy.models import Role
from privacy.reports.models import ReportMailing, ReportRefresh
from privacy.reports.services import nightly as reports_schedule
from privacy.reports.services.periods import Period

from .conftest import make_snapshot, row


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def no_queue(monkeypatch):
    monkeypatch.setattr("privacy.reports.tasks.refresh_report.delay", lambda pk: None)


def ticks_of_a_day(day):
    """Every 15-minute beat tick of one UTC day (the beat schedule is 900 s)."""
    return [utc(day.year, day.month, day.day, h, m) for h in range(24) for m in (0, 15, 30, 45)]


@pytest.mark.parametrize("day", [datetime(2026, 3, 29), datetime(2026, 10, 25), datetime(2026, 6, 10)],
                         ids=["spring-forward", "fall-back", "summer"])
def test_the_nightly_refresh_runs_once_at_0330_local_time_even_on_dst_days(day, customer, no_queue):
    started = []
    for tick in ticks_of_a_day(day):
        with time_machine.travel(tick, tick=False):
            counts = reports_schedule.tick()
        if counts["queued"]:
            started.append(tick.astimezone(customer.tz))
    assert len(started) == 1
    local = started[0]
    assert (local.hour, local.minute) == (3, 30)
    periods = {(r.period_kind, r.period_start) for r in ReportRefresh.objects.filter(trigger="nightly")}
    this_month = Period.containing_month(local.date())
    # plus up to two earlier months of the year not stored yet (the benefit in kind per month)
    earlier = [Period.month(local.year, m).start for m in range(1, this_month.previous_month().start.month)]
    assert periods == {("month", this_month.start), ("month", this_month.previous_month().start),
                       ("year", Period.year(local.year).start)} | {("month", start) for start in earlier[:2]}


def test_the_nightly_backfill_skips_stored_months(customer):
    make_snapshot(customer, Period.month(2026, 1), [])
    periods = reports_schedule.nightly_periods(customer, utc(2026, 6, 10, 1, 30))
    assert [p.start.month for p in periods if p.kind == "month"] == [6, 5, 2, 3]


def test_the_dst_hour_is_outside_the_window(customer):
    # 2026-03-29 02:30 Paris does not exist; 2026-10-25 02:30 Paris happens twice: neither is due.
    assert not reports_schedule.nightly_due(customer, utc(2026, 3, 29, 0, 45))  # 01:45 CET
    assert not reports_schedule.nightly_due(customer, utc(2026, 10, 25, 0, 30))  # 02:30 CEST
    assert not reports_schedule.nightly_due(customer, utc(2026, 10, 25, 1, 30))  # 02:30 CET
    assert reports_schedule.nightly_due(customer, utc(2026, 3, 29, 1, 30))  # 03:30 CEST
    assert reports_schedule.nightly_due(customer, utc(2026, 10, 25, 2, 30))  # 03:30 CET


def test_a_customer_in_another_time_zone_gets_its_own_0330(customer, no_queue):
    customer.time_zone = "America/Montreal"
    customer.save()
    assert not reports_schedule.nightly_due(customer, utc(2026, 6, 10, 1, 30))
    assert reports_schedule.nightly_due(customer, utc(2026, 6, 10, 7, 30))  # 03:30 EDT


def test_the_monthly_mail_goes_once_to_hr_with_the_summary_and_a_link(customer, hr, other_hr, settings, no_queue):
    hr.email = "rh@example.com"
    hr.save()
    settings.PORTAL_BASE_URL = "https://portail.example.com"
    make_snapshot(customer, Period.month(2026, 2), [
        row(kind="entity", ocean_id=121, name="Agence Lyon", private_m=10_000, pro_m=90_000)])
    for tick in ticks_of_a_day(datetime(2026, 3, 1)) + ticks_of_a_day(datetime(2026, 3, 2)):
        with time_machine.travel(tick, tick=False):
            reports_schedule.tick()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rh@example.com"]
    assert "Février 2026" in message.subject or "février 2026" in message.subject.lower()
    assert "Agence Lyon" in message.body and "10,0\u00a0km" in message.body and "10,0\u00a0%" in message.body
    assert "https://portail.example.com/reports/?period=month&month=2026-02" in message.body
    html = message.alternatives[0][0]
    assert "<table" in html and "Agence Lyon" in html
    assert ReportMailing.objects.get(customer=customer).recipients == 1


def test_no_mail_without_hr_addresses_and_no_second_try(customer, no_queue):
    month = Period.month(2026, 2)
    assert reports_schedule.send_monthly_mail(customer, month) == 0
    assert reports_schedule.monthly_mail_due(customer, utc(2026, 3, 1, 9)) is None
    assert not mail.outbox


def test_hr_without_role_or_inactive_gets_no_mail(customer, hr, no_queue):
    from tests.conftest import make_user

    make_user("ex", role=Role.HR, customer=customer, email="ex@example.com", is_active=False)
    make_user("mgr", role=Role.MANAGER, customer=customer, email="m@example.com")
    hr.email = "rh@example.com"
    hr.save()
    reports_schedule.send_monthly_mail(customer, Period.month(2026, 2))
    assert mail.outbox[0].to == ["rh@example.com"]
