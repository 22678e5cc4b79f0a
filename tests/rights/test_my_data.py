"""« Mes données » (GDPR art. 15/20): a driver's download, who opened their trips, what the employer sees."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from privacy.models import AuditEntry
from privacy.rights.services.employer_view import employer_view, manager_probe, visible_fields
from privacy.services.fleet import fleet_get
from privacy.steps.models import StepAccessLog
from privacy.steps.services.trips import MaskedStepRow, StepRow, driver_steps_page
from tests.steps.conftest import find_row
from tests.steps.test_masking import RECENT, WEEKENDS, assert_no_place, place_texts, weekend

pytestmark = pytest.mark.django_db


def download(client, row, fmt):
    day = row.day.isoformat()
    return client.get("/my-data/download/", {"first": day, "last": day, "format": fmt})


def declare(login, driver, row, private: bool, capture):
    with capture(execute=True):
        login(driver).post(f"/trips/{row.vehicle_id}/{row.step_id}/declare/",
                           {"day": row.day.isoformat(), "private": "true" if private else "false"})


def test_the_json_download_holds_trips_with_places_schedule_declarations_audit_and_is_itself_audited(
        sim, eager, driver, customer, login, django_capture_on_commit_callbacks):
    row = find_row(customer, driver, kind="pro")
    declare(login, driver, row, True, django_capture_on_commit_callbacks)
    response = download(login(driver), row, "json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    trip = next(t for t in data["trips"] if t["step_id"] == row.step_id)
    assert trip["declared"] == "private" and trip["start_place"], "the driver's own places are in their file"
    assert row.start_place.town in trip["start_place"]
    assert data["schedule_versions"] and data["schedule_versions"][0]["private_hours"]
    decl = next(d for d in data["declarations"] if d["step_id"] == row.step_id)
    assert decl["declared"] == "private" and decl["requested_by"] == "driver"
    assert [e["kind"] for e in data["declaration_events"] if e["step_id"] == row.step_id][0] == "request"
    assert any(a["action"].startswith("declaration") for a in data["audit"]) or data["audit"] == []
    assert data["unavailable"] == []
    export = AuditEntry.objects.get(action="rights.export")
    assert export.driver_id == 7001 and export.after["format"] == "json" and export.after["trips"] >= 1


def test_the_csv_download_is_a_zip_of_spreadsheet_safe_tables(sim, driver, customer, login):
    row = find_row(customer, driver)
    AuditEntry.objects.create(actor_label="=HYPERLINK(\"http://x\")", customer=customer, action="schedule.save",
                              driver_id=7001, target="+cmd|' /C calc'!A0")
    response = download(login(driver), row, "csv")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"trips.csv", "schedule_versions.csv", "periods.csv", "declarations.csv", "declaration_events.csv",
            "audit.csv", "access_log.csv"} <= set(archive.namelist())
    audit = list(csv.DictReader(io.StringIO(archive.read("audit.csv").decode("utf-8-sig")), delimiter=";"))
    hostile = next(a for a in audit if a["action"] == "schedule.save")
    assert hostile["who"].startswith("'=") and hostile["object"].startswith("'+")
    trips = list(csv.DictReader(io.StringIO(archive.read("trips.csv").decode("utf-8-sig")), delimiter=";"))
    assert str(row.step_id) in {t["step_id"] for t in trips}


def test_the_download_holds_only_the_drivers_own_data(sim, driver, other_driver, customer, login):
    AuditEntry.objects.create(actor_label="manager", customer=customer, action="schedule.save", driver_id=7002,
                              target="autre conducteur")
    row = find_row(customer, driver)
    data = json.loads(download(login(driver), row, "json").content)
    assert all(a["object"] != "autre conducteur" for a in data["audit"])
    other_steps = {r.step_id for g in driver_steps_page(
        viewer=other_driver, customer=customer, driver=fleet_get(customer).drivers[7002], first=row.day,
        last=row.day).days for r in g.rows}
    assert not other_steps & {t["step_id"] for t in data["trips"]}


@pytest.mark.parametrize("query", [
    {"first": "2020-01-01", "last": "2020-12-31", "format": "json"},  # more than 92 days
    {"first": "pas une date", "last": "", "format": "json"},
    {"first": "2026-01-02", "last": "2026-01-01", "format": "csv"},
    {"first": "2026-01-01", "last": "2026-01-02", "format": "exe"},
    {"first": "2999-01-01", "last": "2999-01-02", "format": "json"},
])
def test_bad_download_requests_get_the_form_back_with_a_400(sim, driver, login, query):
    response = login(driver).get("/my-data/download/", query)
    assert response.status_code == 400
    assert "Télécharger mes données" in response.content.decode()
    assert not AuditEntry.objects.filter(action="rights.export").exists()


def test_only_drivers_have_my_data(sim, manager, hr, admin_user, login):
    for user in (manager, hr, admin_user):
        for url in ("/my-data/", "/my-data/download/?format=json", "/my-data/employer-view/"):
            assert login(user).get(url).status_code == 403
    assert login(None).get("/my-data/").status_code == 302


def test_who_opened_my_trips_is_said_in_words_without_my_own_visits_or_other_drivers(
        sim, driver, other_driver, manager, customer, login):
    row = find_row(customer, driver)
    day = row.day.isoformat()
    login(driver).get(f"/trips/?day={day}")
    login(manager).get(f"/drivers/7001/trips/?day={day}")
    login(manager).get(f"/drivers/7002/trips/?day={day}")
    login(manager).get(f"/vehicles/{row.vehicle_id}/trips/?day={day}")
    assert StepAccessLog.objects.count() == 4
    html = login(driver).get("/my-data/").content.decode()
    plate = fleet_get(customer).vehicles[row.vehicle_id].plate
    assert "Marie Gestion (Gestionnaire de flotte) a ouvert vos trajets" in html
    assert f"a ouvert les trajets du véhicule {plate}, que vous conduisiez" in html
    assert html.count("Marie Gestion (") == 2, "the other driver's page is not about this driver"
    assert "(Conducteur)" not in html, "the driver's own visits are not listed"


def test_nobody_opened_my_trips(sim, driver, login):
    html = login(driver).get("/my-data/").content.decode()
    assert "Personne d’autre que vous n’a ouvert vos trajets." in html


def test_the_employer_preview_is_the_managers_page_row_for_row(sim, driver, manager, customer):
    row = find_row(customer, manager, kind="private", days=RECENT)
    driver_ref = fleet_get(customer).drivers[7001]
    preview = employer_view(customer=customer, driver=driver_ref, first=row.day, last=row.day)
    real = driver_steps_page(viewer=manager, customer=customer, driver=driver_ref, first=row.day, last=row.day)
    shown = [(r.step_id, type(r), r.masked) for g in preview.page.days for r in g.rows]
    assert shown == [(r.step_id, type(r), r.masked) for g in real.days for r in g.rows]
    assert any(masked for _s, _t, masked in shown)
    assert preview.hidden_places == sum(1 for _s, _t, masked in shown if masked)


def test_the_field_lists_come_from_the_row_types():
    from privacy.rights.services.employer_view import FIELD_LABELS

    masked, open_ = visible_fields(MaskedStepRow), visible_fields(StepRow)
    places = {str(FIELD_LABELS["start_place"]), str(FIELD_LABELS["end_place"])}
    assert not places & set(masked)
    assert set(open_) - set(masked) == places
    assert str(FIELD_LABELS["distance_m"]) in masked
    assert manager_probe(None).role == "manager" and manager_probe(None).entity_ids == []


def test_the_preview_page_shows_no_private_place_and_no_declare_form(sim, driver, manager, customer, login):
    row = find_row(customer, manager, kind="private", days=WEEKENDS, predicate=weekend)
    texts = place_texts(customer, row)
    own = login(driver).get(f"/trips/?day={row.day.isoformat()}").content.decode()
    assert any(t in own for t in texts)
    html = login(driver).get(f"/my-data/employer-view/?day={row.day.isoformat()}").content.decode()
    assert_no_place(html, texts)
    assert "Privé — lieux masqués" in html and "Aucun lieu, aucune adresse, aucune position." in html
    assert "Déclarer pour le conducteur" not in html and "/declare/" not in html
    assert "Km privés" in html, "HR's columns are listed"


def test_bad_preview_day_is_not_a_500(sim, driver, login):
    assert login(driver).get("/my-data/employer-view/?day=zzz&span=year").status_code == 200
