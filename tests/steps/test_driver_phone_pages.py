"""Issue 18, drivers: the toggle shows only what was declared, a way back to "not declared",
"this day is correct" (stops that day's reminders, nothing sent to Ocean), a failed day said on its card."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.core import mail

from privacy.models import AuditEntry
from privacy.steps.models import DayCheck, StepDeclaration
from privacy.steps.services.fetch import local_today
from privacy.steps.services.reminders import reminders_send, steps_needing_reminder

from .conftest import DECLARE, calls, declare_url, find_row

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_an_undeclared_pro_trip_shows_no_pressed_button(sim, driver, customer, login):
    row = find_row(customer, driver, kind="pro")
    html = login(driver).get(f"/trips/?day={row.day.isoformat()}").content.decode()
    block = html.split(f'id="{row.dom_id}"')[1].split("</tr>")[0]
    assert 'aria-pressed="true"' not in block  # "Pro" by schedule is a guess, not a declaration
    assert 'value="none"' not in block  # nothing to withdraw yet


def test_a_pending_choice_can_go_back_to_not_declared(sim, eager, approval, driver, login,
                                                       django_capture_on_commit_callbacks):
    row = find_row(approval, driver, kind="pro")
    client = login(driver)
    html = client.post(declare_url(row), {"day": row.day.isoformat(), "private": "true"}, headers=HTMX).content.decode()
    assert 'class="toggle-private" aria-pressed="true"' in html and 'value="none"' in html
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(declare_url(row), {"day": row.day.isoformat(), "private": "none"},
                           headers=HTMX).content.decode()
    assert not StepDeclaration.objects.filter(step_id=row.step_id).exists()
    assert "Non déclaré" in html and 'aria-pressed="true"' not in html
    assert calls(sim, DECLARE) == 0
    assert AuditEntry.objects.filter(action="declaration.withdraw", driver_id=7001).count() == 1


def test_a_choice_ocean_holds_cannot_be_withdrawn(sim, eager, driver, customer, login,
                                                  django_capture_on_commit_callbacks):
    row = find_row(customer, driver, kind="pro")
    client = login(driver)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(declare_url(row), {"day": row.day.isoformat(), "private": "true"}, headers=HTMX)
    html = client.post(declare_url(row), {"day": row.day.isoformat(), "private": "none"}, headers=HTMX).content.decode()
    assert "ne peut pas revenir" in html
    assert StepDeclaration.objects.filter(step_id=row.step_id).exists()


def test_this_day_is_correct_stops_its_reminders_and_sends_nothing(sim, driver, customer, login):
    driver.email = "driver@example.com"
    driver.save()
    rows = steps_needing_reminder(driver, customer)
    assert rows
    client = login(driver)
    sim.reset_stats()
    for day in {r.day for r in rows}:
        page = client.get(f"/trips/?day={day.isoformat()}").content.decode()
        assert "Cette journée est correcte" in page
        response = client.post("/trips/day-ok/", {"day": day.isoformat(), "span": "day"})
        assert response.status_code == 302 and f"day={day.isoformat()}" in response["Location"]
    assert calls(sim, DECLARE) == 0
    assert steps_needing_reminder(driver, customer) == []
    assert reminders_send() == 0 and mail.outbox == []
    day = rows[0].day
    client.post("/trips/day-ok/", {"day": day.isoformat()})  # a double tap changes nothing
    assert DayCheck.objects.filter(day=day).count() == 1
    assert "Journée vérifiée" in client.get(f"/trips/?day={day.isoformat()}").content.decode()


def test_a_future_day_cannot_be_checked(sim, driver, customer, login):
    tomorrow = local_today(customer) + timedelta(days=1)
    assert login(driver).post("/trips/day-ok/", {"day": tomorrow.isoformat()}).status_code == 400
    assert not DayCheck.objects.exists()


def test_a_day_ocean_failed_to_read_says_so_on_its_card(sim, driver, customer, login, monkeypatch):
    day = local_today(customer) - timedelta(days=2)
    from privacy.steps.services import trips

    real_week = trips.driver_week

    def week_with_a_failed_day(*args, **kwargs):
        week = real_week(*args, **kwargs)
        return dataclasses.replace(week, raws=[], failed={(5001, day)})

    monkeypatch.setattr(trips, "driver_week", week_with_a_failed_day)
    html = login(driver).get(f"/trips/?day={day.isoformat()}").content.decode()
    card = html.split('class="card steps-day"')[1]
    assert "n’a pas pu être lu" in card and "Aucun trajet" not in card
    assert "Cette journée est correcte" not in card


def test_the_queue_shows_the_schedule_class_and_the_history_who_approved(
        sim, eager, approval, driver, manager, login, django_capture_on_commit_callbacks):
    row = find_row(approval, driver, kind="pro")
    login(driver).post(declare_url(row), {"day": row.day.isoformat(), "private": "true"}, headers=HTMX)
    d = StepDeclaration.objects.get(step_id=row.step_id)
    queue = login(manager).get("/declarations/").content.decode()
    cells = queue.split(f'id="declaration-{d.pk}"')[1].split("</tr>")[0]
    assert "badge-pro" in cells.split("data-label=\"Selon l’horaire\"")[1]
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post("/declarations/decide/", {"only": d.pk, "action": "approve"})
    history = login(manager).get("/declarations/history/").content.decode()
    assert "Validé par manager le" in history
