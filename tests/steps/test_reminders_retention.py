"""Deadline reminders by e-mail, and the retention purge of stored step facts and access logs."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from privacy.steps.models import StepAccessLog, StepDeclaration
from privacy.steps.services.declarations import declaration_request
from privacy.steps.services.fetch import local_today
from privacy.steps.services.reminders import reminders_send, steps_needing_reminder
from privacy.steps.services.retention import steps_purge

from .conftest import find_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailed_driver(driver):
    driver.email = "driver@example.com"
    driver.save()
    return driver


def test_a_driver_with_unreviewed_trips_near_the_deadline_gets_one_email(sim, mailed_driver, customer):
    rows = steps_needing_reminder(mailed_driver, customer)
    assert rows, "the simulator has trips 5 to 7 days ago"
    assert all(timezone.now() <= r.deadline <= timezone.now() + timedelta(days=2) for r in rows)
    assert reminders_send() == 1
    assert reminders_send() == 0  # once a day
    message = mail.outbox[0]
    assert message.to == ["driver@example.com"]
    assert "à classer" in message.subject and "/trips/" in message.body
    for row in rows:
        assert row.start_place.town not in message.body  # no place in an e-mail


def test_reviewed_and_declared_trips_need_no_reminder(sim, mailed_driver, customer, login,
                                                       django_capture_on_commit_callbacks):
    today = local_today(customer)
    first = today - timedelta(days=customer.declaration_deadline_days)
    login(mailed_driver).get(f"/trips/?day={first.isoformat()}&span=week")
    login(mailed_driver).get(f"/trips/?day={(first + timedelta(days=7)).isoformat()}&span=week")
    left = steps_needing_reminder(mailed_driver, customer)
    assert all(r.schedule.kind == "mixed" for r in left)  # reviewed days: only mixed trips remain
    with django_capture_on_commit_callbacks(execute=False):
        for r in left:
            declaration_request(actor=mailed_driver, customer=customer, row=r, private=False)
    assert steps_needing_reminder(mailed_driver, customer) == []
    assert reminders_send() == 0 and mail.outbox == []


def test_drivers_without_an_email_are_skipped(sim, driver):
    assert reminders_send() == 0


def test_the_purge_deletes_old_step_facts_and_old_access_logs_only(sim, driver, customer, settings,
                                                                   django_capture_on_commit_callbacks):
    row = find_row(customer, driver)
    with django_capture_on_commit_callbacks(execute=False):
        recent = declaration_request(actor=driver, customer=customer, row=row, private=True)
    old = StepDeclaration.objects.create(
        customer=customer, code_exploitant=customer.code_exploitant, numero_embarque=1, step_id=2, driver_id=7001,
        vehicle_id=5001, started_at=timezone.now() - timedelta(days=70),
        ended_at=timezone.now() - timedelta(days=70), private=True, status="confirmed",
        requested_by_label="driver", requested_at=timezone.now() - timedelta(days=70))
    log_old = StepAccessLog.objects.create(user_label="x", customer=customer, view="own", first_day="2020-01-01",
                                           last_day="2020-01-01")
    StepAccessLog.objects.filter(pk=log_old.pk).update(at=timezone.now() - timedelta(days=400))
    StepAccessLog.objects.create(user_label="y", customer=customer, view="own", first_day="2020-01-01",
                                 last_day="2020-01-01")
    assert steps_purge() == {"declarations": 1, "access_log": 1}
    assert list(StepDeclaration.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not StepDeclaration.objects.filter(pk=old.pk).exists()
    settings.STEP_RETENTION_DAYS = 0
    call_command("purge_steps", stdout=__import__("io").StringIO())
    assert not StepDeclaration.objects.exists()
