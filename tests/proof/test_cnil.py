"""CNIL safeguards: retention purge (command + beat), append-only audit log with a CSV export, and the
« Informations vie privée » page for employees."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from privacy.models import AuditEntry
from privacy.services.audit import audit_record
from privacy.steps import tasks as step_tasks
from privacy.steps.models import StepAccessLog, StepDeclaration


# --- Retention -----------------------------------------------------------------------------------
def test_the_retention_defaults_follow_the_cnil():
    assert 28 * 2 <= django_settings.STEP_RETENTION_DAYS <= 62  # location data: 2 months
    assert 183 <= django_settings.STEP_ACCESS_LOG_RETENTION_DAYS <= 365  # logs: 6 months to 1 year


def test_the_purge_runs_every_night_from_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["steps-purge"]
    assert entry["task"] == step_tasks.steps_purge.name
    assert entry["schedule"].hour == {2}


def _declaration(customer, *, days_ago: float) -> StepDeclaration:
    at = timezone.now() - timedelta(days=days_ago)
    return StepDeclaration.objects.create(
        customer=customer, code_exploitant=customer.code_exploitant, numero_embarque=1, step_id=int(days_ago * 10),
        driver_id=7001, vehicle_id=5001, started_at=at - timedelta(minutes=30), ended_at=at, private=True,
        status="confirmed", requested_by_label="driver", requested_at=at)


def _access(customer, *, days_ago: float) -> StepAccessLog:
    log = StepAccessLog.objects.create(user_label="manager", customer=customer, view="driver", driver_id=7001,
                                       first_day="2026-01-01", last_day="2026-01-01")
    StepAccessLog.objects.filter(pk=log.pk).update(at=timezone.now() - timedelta(days=days_ago))
    return log


def test_the_purge_command_removes_rows_past_their_period_and_keeps_the_others(customer, settings):
    settings.STEP_RETENTION_DAYS, settings.STEP_ACCESS_LOG_RETENTION_DAYS = 61, 365
    old, recent = _declaration(customer, days_ago=61.1), _declaration(customer, days_ago=60.9)
    old_log, recent_log = _access(customer, days_ago=365.1), _access(customer, days_ago=364.9)
    out = io.StringIO()
    call_command("purge_steps", stdout=out)
    assert '"declarations": 1' in out.getvalue() and '"access_log": 1' in out.getvalue()
    assert list(StepDeclaration.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(StepAccessLog.objects.values_list("pk", flat=True)) == [recent_log.pk]
    assert old.pk != recent.pk and old_log.pk != recent_log.pk


def test_the_purge_keeps_the_audit_log(customer, settings):
    settings.STEP_RETENTION_DAYS = 0
    audit_record(actor=None, action="declaration.request", customer=customer, driver_id=7001)
    _declaration(customer, days_ago=1)
    call_command("purge_steps", stdout=io.StringIO())
    assert not StepDeclaration.objects.exists()
    assert AuditEntry.objects.filter(action="declaration.request").count() == 1


# --- Append-only audit log -----------------------------------------------------------------------
@pytest.fixture
def entry(customer, manager):
    return audit_record(actor=manager, action="schedule.save", customer=customer, driver_id=7001,
                        target="semaine", before={"lundi": []}, after={"lundi": ["12:00–13:30"]}, upstream_result="ok")


# The ORM side (save/delete/update refused) is tests/test_audit.py.
def test_the_admin_lists_audit_entries_but_cannot_change_or_delete_them(login, admin_user, entry):
    client = login(admin_user)
    base = "/admin/privacy/auditentry/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    changed = client.post(f"{base}{entry.pk}/change/", {"action": "forged"})
    assert changed.status_code == 403 or b"forged" not in changed.content
    bulk = client.post(base, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    assert AuditEntry.objects.get(pk=entry.pk).action == "schedule.save"


def _rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_an_admin_exports_the_audit_log_as_csv_and_the_export_is_logged(login, admin_user, entry):
    response = login(admin_user).get("/audit/export/")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    first = rows[0]
    assert first["action"] == "schedule.save" and first["actor"] == "manager" and first["driver_id"] == "7001"
    assert "12:00–13:30" in first["after"]
    assert rows[-1]["action"] == "audit.export" and rows[-1]["actor"] == "admin"
    assert AuditEntry.objects.filter(action="audit.export", actor=admin_user).count() == 1


def test_the_export_can_be_narrowed_to_a_customer_and_dates(login, admin_user, entry, other_customer):
    audit_record(actor=None, action="other.change", customer=other_customer)
    today = timezone.localdate().isoformat()
    rows = _rows(login(admin_user).get("/audit/export/", {"customer": other_customer.pk, "start": today,
                                                          "end": today}))
    assert [r["action"] for r in rows] == ["other.change", "audit.export"]
    assert not _rows(login(admin_user).get("/audit/export/", {"end": "2000-01-01"}))


@pytest.mark.parametrize("params", [{"start": "31/12/2026"}, {"end": "2026-02-30"}, {"customer": "x"},
                                    {"customer": "999999"}])
def test_a_bad_export_filter_is_a_clear_400(login, admin_user, params):
    response = login(admin_user).get("/audit/export/", params)
    assert response.status_code == 400
    assert response.content.decode()
    assert not AuditEntry.objects.filter(action="audit.export").exists()


@pytest.mark.parametrize("role", ["manager", "hr", "driver"])
def test_only_administrators_export_the_audit_log(request, login, role, entry):
    assert login(request.getfixturevalue(role)).get("/audit/export/").status_code == 403


# --- « Informations vie privée » -----------------------------------------------------------------
def test_the_privacy_page_is_public_and_in_french(login, db):
    html = login(None).get("/privacy/").content.decode()
    assert "<h1>Informations vie privée</h1>" in html
    for section in ("Ce qui est collecté", "Quand la géolocalisation est coupée", "Durées de conservation",
                    "Vos droits", "Qui contacter"):
        assert section in html, section
    assert "https://www.cnil.fr/fr/plaintes" in html


def test_the_privacy_page_reads_retention_and_contact_from_the_settings(login, db, settings):
    settings.STEP_RETENTION_DAYS, settings.STEP_ACCESS_LOG_RETENTION_DAYS = 45, 200
    settings.PRIVACY_CONTACT = "dpo@transports-demo.fr"
    html = login(None).get("/privacy/").content.decode()
    assert "45 jours" in html and "200 jours" in html
    assert 'href="mailto:dpo@transports-demo.fr"' in html


def test_without_a_contact_the_page_says_whom_to_ask(login, db, settings):
    settings.PRIVACY_CONTACT = ""
    assert "service RH" in login(None).get("/privacy/").content.decode()


def test_the_privacy_page_is_linked_from_the_footer_and_the_drivers_pages(login, driver, sim):
    client = login(driver)
    for url in ("/trips/", "/me/private-hours/"):
        html = client.get(url).content.decode()
        assert html.count('href="/privacy/"') == 2, url  # footer + the page itself
