"""The declaration deadline: drivers are told until when they could declare; managers may still declare."""
from __future__ import annotations

import pytest

from privacy.models import AuditEntry
from privacy.steps.models import DeclarationStatus, StepDeclaration

from .conftest import DECLARE, calls, declare_url, find_row, on_behalf_url, sim_value

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
PAST = range(9, 20)  # default deadline: 7 days after the trip


def test_after_the_deadline_a_driver_cannot_declare_and_is_told_until_when(sim, eager, driver, login):
    row = find_row(driver.customer, driver, days=PAST)
    assert row.deadline_passed and not row.can_declare
    client = login(driver)
    page = client.get(f"/trips/?day={row.day.isoformat()}").content.decode()
    assert "Délai dépassé : déclaration possible jusqu’au" in page
    assert f'hx-post="{declare_url(row)}"' not in page
    response = client.post(declare_url(row), {"day": row.day.isoformat(), "private": "true"}, headers=HTMX)
    assert response.status_code == 200
    assert "Délai dépassé : déclaration possible jusqu’au" in response.content.decode()
    assert calls(sim, DECLARE) == 0 and not StepDeclaration.objects.exists()


def test_a_recent_trip_shows_until_when_it_can_be_declared(sim, driver, login, customer):
    row = find_row(customer, driver)
    assert not row.deadline_passed and row.can_declare
    assert row.deadline.date() == row.end.date() + __import__("datetime").timedelta(days=7)


def test_a_longer_customer_deadline_reopens_older_trips(sim, driver, customer):
    customer.declaration_deadline_days = 30
    customer.save()
    row = find_row(customer, driver, days=PAST)
    assert not row.deadline_passed and row.can_declare


def test_a_manager_may_declare_after_the_deadline_with_a_reason(
        sim, eager, driver, manager, login, django_capture_on_commit_callbacks):
    row = find_row(driver.customer, driver, days=PAST)
    client = login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(on_behalf_url(row), {"day": row.day.isoformat(), "private": "true",
                                                    "reason": "Oubli signalé par le salarié"}, headers=HTMX)
    assert response.status_code == 200
    assert sim_value(sim, row) is True
    d = StepDeclaration.objects.get(step_id=row.step_id)
    assert (d.on_behalf, d.status, d.reason) == (True, DeclarationStatus.CONFIRMED, "Oubli signalé par le salarié")
    entry = AuditEntry.objects.get(action="declaration.on_behalf")
    assert entry.actor == manager and entry.driver_id == 7001


def test_a_manager_declaring_without_a_reason_gets_the_message_and_nothing_is_sent(
        sim, eager, driver, manager, login, django_capture_on_commit_callbacks):
    row = find_row(driver.customer, driver, days=PAST)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(manager).post(on_behalf_url(row), {"day": row.day.isoformat(), "private": "true",
                                                            "reason": ""}, headers=HTMX)
    assert response.status_code == 200
    assert "Indiquez le motif de la déclaration faite pour le conducteur." in response.content.decode()
    assert calls(sim, DECLARE) == 0 and not StepDeclaration.objects.exists()


def test_the_driver_sees_a_managers_declaration_and_its_reason(
        sim, eager, driver, manager, login, django_capture_on_commit_callbacks):
    row = find_row(driver.customer, driver, days=PAST)
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post(on_behalf_url(row), {"day": row.day.isoformat(), "private": "false",
                                                 "reason": "Rendez-vous client"}, headers=HTMX)
    page = login(driver).get(f"/trips/?day={row.day.isoformat()}").content.decode()
    assert "par un gestionnaire" in page and "Rendez-vous client" in page
