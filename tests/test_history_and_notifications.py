"""Issue 18: the in-app history (managers, administrators) and the e-mails page."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.core import mail

from privacy.models import AuditEntry, Customer, Role
from privacy.services.audit import audit_record
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
WEEK_BEFORE = {"LUNDI": [["18:00", "23:59"]], "MARDI": [], "MERCREDI": [], "JEUDI": [], "VENDREDI": [],
               "SAMEDI": [], "DIMANCHE": []}
WEEK_AFTER = {**WEEK_BEFORE, "MARDI": [["18:00", "23:59"]]}


@pytest.fixture
def entries(customer, manager, admin_user):
    audit_record(actor=manager, action="schedule.set", customer=customer, driver_id=7001, target="driver 7001",
                 before=WEEK_BEFORE, after=WEEK_AFTER, upstream_result="confirmed (post)")
    audit_record(actor=manager, action="period.add", customer=customer, driver_id=7002, target="Congés",
                 after={"id": 1, "label": "Congés", "start": "2027-07-05T00:00:00+02:00",
                        "end": "2027-07-10T00:00:00+02:00"}, upstream_result="confirmed")
    audit_record(actor=manager, action="declaration.approve", customer=customer, driver_id=7001, target="x",
                 before={"private": True, "status": "pending", "version": 1},
                 after={"private": True, "status": "sent", "version": 1})
    audit_record(actor=admin_user, action="user.create", customer=customer, target="bob", after={"role": "driver"})


def test_a_manager_reads_who_changed_what_in_words(sim, login, manager, entries):
    html = login(manager).get("/history/").content.decode()
    assert "a modifié les horaires privés de la semaine" in html
    assert "lun. 18:00–24:00" in html and "lun.–mar. 18:00–24:00" in html  # before / after in words
    assert "« Congés » du lun 05/07/2027 00:00 au ven 09/07/2027, fin de journée" in html
    assert "a validé une déclaration" in html and "privé (en attente de validation)" in html
    assert "a créé un compte" not in html  # accounts are the administrators' business
    table = html.split("<table")[1]
    assert "{" not in table and "version" not in table  # never raw JSON


def test_filters_by_driver_kind_and_person(sim, login, manager, entries):
    client = login(manager)
    by_driver = client.get("/history/", {"driver": 7002}).content.decode()
    assert "Congés" in by_driver and "a validé une déclaration" not in by_driver
    by_kind = client.get("/history/", {"kind": "declaration"}).content.decode()
    assert "a validé une déclaration" in by_kind and "Congés" not in by_kind
    nobody = client.get("/history/", {"person": "manager", "start": "2001-01-01", "end": "2001-01-02"}).content
    assert "Rien n’a été enregistré" in nobody.decode()


def test_a_scoped_manager_sees_only_their_entities_drivers(sim, login, scoped_manager, entries):
    html = login(scoped_manager).get("/history/").content.decode()
    assert "Congés" in html  # 7002 is in entity 122
    assert "a validé une déclaration" not in html  # 7001 is not


def test_the_history_exports_as_french_csv_and_is_audited(sim, login, admin_user, customer, entries):
    response = login(admin_user).get("/history/", {"customer": customer.pk, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Quand", "Qui", "Quoi"]
    created = next(r for r in rows if "a créé un compte" in r)
    assert "rôle: Conducteur" in created[6]  # "after" in words, the role by its French name
    assert AuditEntry.objects.filter(action="history.export").count() == 1


def test_drivers_and_hr_have_no_history(sim, login, driver, hr):
    assert login(driver).get("/history/").status_code == 403
    assert login(hr).get("/history/").status_code == 403


def test_the_emails_page_lists_recipients_schedule_and_stops_one_person(sim, login, admin_user, customer, driver):
    driver.email = "driver@example.com"
    driver.save()
    hr_user = make_user("rh2", role=Role.HR, customer=customer, email="rh@example.com", first_name="Hélène")
    client = login(admin_user)
    html = client.get("/notifications/", {"customer": customer.pk}).content.decode()
    assert "driver@example.com" in html and "rh@example.com" in html
    assert re.search(r"Chaque jour à 0[89]:00 \(Europe/Paris\)", html) and "Le 1er de chaque mois" in html
    client.post(f"/notifications/?customer={customer.pk}", {"kind": "monthly", "user": hr_user.pk, "action": "off"})
    hr_user.refresh_from_db()
    assert hr_user.notify_monthly is False
    assert AuditEntry.objects.filter(action="notifications.optout", target="rh2").count() == 1
    from privacy.reports.services.nightly import monthly_recipients

    assert list(monthly_recipients(customer)) == []


def test_reminders_skip_a_driver_who_opted_out(sim, login, manager, driver, customer):
    from privacy.steps.services.reminders import reminders_send

    driver.email = "driver@example.com"
    driver.save()
    login(manager).post("/notifications/", {"kind": "reminders", "user": driver.pk, "action": "off"})
    assert reminders_send() == 0 and mail.outbox == []


def test_a_preview_and_a_test_sent_to_oneself_with_the_public_url(sim, login, manager, driver, customer, settings):
    settings.PORTAL_BASE_URL = "https://portail.example.com"
    manager.email = "marie@example.com"
    manager.save()
    client = login(manager)
    html = client.get("/notifications/", {"preview": "reminders", "user": driver.pk}).content.decode()
    assert "Aperçu" in html and "https://portail.example.com/trips/" in html
    client.post("/notifications/", {"kind": "reminders", "user": driver.pk, "action": "test"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["marie@example.com"]
    assert mail.outbox[0].subject.startswith("[Test]") and "https://portail.example.com/trips/" in mail.outbox[0].body


def test_a_manager_cannot_reach_the_hr_email_or_another_customers_people(sim, login, manager, other_customer):
    other = make_user("far", role=Role.DRIVER, customer=other_customer, ocean_individu_id=7001)
    client = login(manager)
    assert client.post("/notifications/", {"kind": "monthly", "user": 1, "action": "off"}).status_code == 400
    assert client.post("/notifications/", {"kind": "reminders", "user": other.pk, "action": "off"}).status_code == 404


def test_an_admin_keeps_the_customer_they_use_after_adding_a_second_one(sim, login, admin_user, customer):
    newer = Customer.objects.create(name="AAA Nouveau", ocean_customer_id=3330000000, code_exploitant="3")
    client = login(admin_user)
    assert f'<option value="{customer.pk}" selected>' in client.get("/users/").content.decode()  # not the empty one
    client.get("/users/", {"customer": newer.pk})
    assert f'<option value="{newer.pk}" selected>' in client.get("/users/").content.decode()  # last choice kept


@pytest.mark.parametrize(("moment", "local"), [(datetime(2026, 1, 15, 12, tzinfo=UTC), "08:00"),
                                               (datetime(2026, 7, 15, 12, tzinfo=UTC), "09:00")])
def test_the_reminder_time_is_told_in_the_customers_time(customer, moment, local):
    import time_machine

    from privacy.notifications.services import reminder_time

    with time_machine.travel(moment, tick=False):
        assert reminder_time(customer) == local
