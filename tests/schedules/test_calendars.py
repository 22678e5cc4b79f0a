"""Leave and holidays synced into exceptional periods (issue 19 #2): ICS files and URLs, HR CSV exports,
preview then push through the periods service, re-sync touching only what a source created.
The ICS URLs are served by a local HTTP server on a free port — never the internet."""
from __future__ import annotations

import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from privacy.models import AuditEntry
from privacy.schedules.models import CalendarKind, CalendarSource, SyncedPeriod
from privacy.schedules.services.calendar_read import CalendarError, CsvMapping, parse_csv, parse_ics
from privacy.schedules.services.calendar_sync import (
    ADD,
    CHANGE,
    REMOVE,
    SKIP,
    SYNC_LEASE,
    sync_all_subscriptions,
    sync_apply,
    sync_plan,
)
from privacy.schedules.tasks import calendars_resync
from privacy.services.leases import lease_release, lease_take
from tests.schedules.conftest import sim_periods

PARIS = ZoneInfo("Europe/Paris")


pytestmark = pytest.mark.usefixtures("early_2027")  # the events below are in 2027


def ics(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e}END:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n".encode()


SUMMER = "UID:conge-ete\r\nSUMMARY:Congés d’été\r\nDTSTART;VALUE=DATE:20270802\r\nDTEND;VALUE=DATE:20270816\r\n"
SUMMER_LONGER = "UID:conge-ete\r\nSUMMARY:Congés d’été\r\nDTSTART;VALUE=DATE:20270802\r\nDTEND;VALUE=DATE:20270820\r\n"
BRIDGE = "UID:pont\r\nSUMMARY:Pont de l’Ascension\r\nDTSTART;VALUE=DATE:20270507\r\nDTEND;VALUE=DATE:20270508\r\n"
MEETING = ("UID:rdv\r\nSUMMARY:Dentiste\r\nDTSTART;TZID=Europe/Paris:20270310T140000\r\n"
           "DTEND;TZID=Europe/Paris:20270310T153000\r\n")
CANCELLED = ("UID:annule\r\nSUMMARY:Annulé\r\nSTATUS:CANCELLED\r\nDTSTART;VALUE=DATE:20270901\r\n"
             "DTEND;VALUE=DATE:20270902\r\n")
FREE = ("UID:libre\r\nSUMMARY:Rappel\r\nTRANSP:TRANSPARENT\r\nDTSTART;VALUE=DATE:20270903\r\n"
        "DTEND;VALUE=DATE:20270904\r\n")


class _Calendar(BaseHTTPRequestHandler):
    body = b""
    status = 200

    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(type(self).status)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *args):
        pass


@pytest.fixture
def ics_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Calendar)  # a free port: never "address already in use"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Calendar.body, _Calendar.status = ics(SUMMER, BRIDGE), 200
    _Calendar.url = f"http://127.0.0.1:{server.server_address[1]}/conges.ics"
    yield _Calendar
    server.shutdown()
    server.server_close()


URL = "http://127.0.0.1:9/conges.ics"  # stored only, never fetched (the server fixture gives its own)


def paris(y, m, d, h=0, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=PARIS).astimezone(UTC)


# -- reading ---------------------------------------------------------------------------------------------
def test_all_day_events_run_local_midnight_to_midnight_and_cancelled_or_free_ones_are_left_out():
    events = parse_ics(ics(SUMMER, MEETING, CANCELLED, FREE), PARIS)
    assert [(e.uid, e.label) for e in events] == [("rdv", "Dentiste"), ("conge-ete", "Congés d’été")]
    summer = events[1]
    assert (summer.start, summer.end) == (paris(2027, 8, 2), paris(2027, 8, 16))
    assert (events[0].start, events[0].end) == (paris(2027, 3, 10, 14), paris(2027, 3, 10, 15, 30))


@pytest.mark.parametrize("data", [b"", b"not a calendar", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", b"\x00\xff" * 10])
def test_unreadable_calendars_are_a_message_not_a_crash(data):
    try:
        assert parse_ics(data, PARIS) == []
    except CalendarError as exc:
        assert exc.message


def test_a_csv_export_is_read_with_its_column_mapping_the_last_day_included():
    text = "Matricule;Début;Fin;Type\nM0001;03/08/2027;14/08/2027;CP\nM0002;2027-05-07;2027-05-07;RTT\n;;;\n"
    found = parse_csv(text, CsvMapping("Matricule", "Début", "Fin", "Type"), PARIS)
    assert [(e.label, e.start, e.end) for e in found["M0001"]] == [("CP", paris(2027, 8, 3), paris(2027, 8, 15))]
    assert found["M0002"][0].end == paris(2027, 5, 8)
    with pytest.raises(CalendarError, match="Colonne introuvable|Column not found"):
        parse_csv(text, CsvMapping("matricule", "Début", "Fin"), PARIS)
    with pytest.raises(CalendarError):
        parse_csv("m;d;f\nM1;32/13/2027;01/01/2027\n", CsvMapping("m", "d", "f"), PARIS)


# -- plan and push -----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_plan_adds_changes_removes_only_what_the_source_created_and_skips_the_past(customer):
    source = CalendarSource.objects.create(customer=customer, kind=CalendarKind.URL, label="RH", url=URL,
                                           driver_id=7001)
    events = parse_ics(ics(SUMMER_LONGER, MEETING), PARIS)
    SyncedPeriod.objects.create(source=source, driver_id=7001, uid="conge-ete", period_id=1, label="Congés d’été",
                                start=paris(2027, 8, 2), end=paris(2027, 8, 16))
    SyncedPeriod.objects.create(source=source, driver_id=7001, uid="pont", period_id=2, label="Pont",
                                start=paris(2027, 5, 7), end=paris(2027, 5, 8))
    plan = sync_plan(source, 7001, events, now=paris(2027, 1, 1))
    assert [(c.action, c.uid) for c in plan.changes] == [(ADD, "rdv"), (REMOVE, "pont"), (CHANGE, "conge-ete")]
    later = sync_plan(source, 7001, events, now=paris(2027, 3, 10, 15))
    assert (SKIP, "rdv") in [(c.action, c.uid) for c in later.changes], "an event already started is skipped"
    other = CalendarSource.objects.create(customer=customer, kind=CalendarKind.ICS, label="x", driver_id=7001)
    assert [c.action for c in sync_plan(other, 7001, [], now=paris(2027, 1, 1)).changes] == [], \
        "a source never removes another source's periods"


@pytest.mark.django_db
def test_a_driver_ics_file_is_previewed_then_pushed_and_a_new_import_updates_only_its_periods(
        sim, login, manager, customer):
    client = login(manager)
    client.post("/drivers/7001/periods/", {"label": "Formation", "start_date": "2027-06-01",
                                           "end_date": "2027-06-01"})
    upload = SimpleUploadedFile("conges.ics", ics(SUMMER, BRIDGE), content_type="text/calendar")
    response = client.post("/drivers/7001/calendar/", {"file": upload, "import": "1"})
    assert response.status_code == 302 and response["Location"] == "/calendars/preview/"
    html = client.get("/calendars/preview/").content.decode()
    assert "Ajouter" in html and "Congés d’été" in html and "Pont de l’Ascension" in html
    assert len(sim_periods(sim, 7001)) == 1, "the preview sends nothing"
    assert client.post("/calendars/preview/").status_code == 302
    labels = [label for label, _s, _e in sim_periods(sim, 7001)]
    assert sorted(labels) == ["Congés d’été", "Formation", "Pont de l’Ascension"]
    assert AuditEntry.objects.filter(action="period.add", phase="outcome").count() == 3
    assert AuditEntry.objects.get(action="calendar.sync").after["add"] == 2

    upload = SimpleUploadedFile("conges.ics", ics(SUMMER_LONGER), content_type="text/calendar")
    client.post("/drivers/7001/calendar/", {"file": upload, "import": "1"})
    html = client.get("/calendars/preview/").content.decode()
    assert "Modifier" in html and "Retirer" in html
    client.post("/calendars/preview/")
    periods = {label: (s, e) for label, s, e in sim_periods(sim, 7001)}
    assert set(periods) == {"Congés d’été", "Formation"}, "the manager's own period is never touched"
    assert periods["Congés d’été"] == (paris(2027, 8, 2), paris(2027, 8, 20))


@pytest.mark.django_db
def test_an_entity_subscription_feeds_every_driver_of_the_entity_and_the_beat_task_resyncs_it(
        sim, login, manager, customer, ics_server):
    client = login(manager)
    response = client.post("/calendars/", {"subscribe": "1", "entity": "122", "label": "Fériés Paris",
                                           "url": ics_server.url})
    assert response.status_code == 302
    html = client.get("/calendars/preview/").content.decode()
    assert "Congés d’été" in html
    client.post("/calendars/preview/")
    source = CalendarSource.objects.get(kind=CalendarKind.URL)
    drivers = set(SyncedPeriod.objects.values_list("driver_id", flat=True))
    assert drivers and all(d % 3 == (7002 % 3) for d in drivers)  # entity 122 = the simulator's index 1 mod 3
    driver = min(drivers)
    assert len(sim_periods(sim, driver)) == 2

    ics_server.body = ics(SUMMER_LONGER)  # the bridge day is gone, the summer is longer
    calendars_resync.apply()
    assert [label for label, _s, _e in sim_periods(sim, driver)] == ["Congés d’été"]
    assert sim_periods(sim, driver)[0][2] == paris(2027, 8, 20)
    source.refresh_from_db()
    assert source.last_synced_at is not None and "0 erreur" in source.last_result

    ics_server.status = 500
    assert sync_all_subscriptions() == 1
    source.refresh_from_db()
    assert "500" in source.last_result
    assert [label for label, _s, _e in sim_periods(sim, driver)] == ["Congés d’été"], "a failed fetch removes nothing"


@pytest.mark.django_db
def test_a_csv_import_maps_matricules_to_drivers_and_leaves_out_unknown_ones(sim, login, manager, customer):
    text = "mat;du;au;motif\nM0001;03/08/2027;14/08/2027;Congés payés\nZZZ;03/08/2027;04/08/2027;x\n"
    upload = SimpleUploadedFile("export.csv", text.encode("utf-8"), content_type="text/csv")
    client = login(manager)
    response = client.post("/calendars/", {"csv": "1", "file": upload, "matricule": "mat", "start": "du",
                                           "end": "au", "label": "motif"}, follow=True)
    html = response.content.decode()
    assert "ZZZ" in html and "Congés payés" in html
    client.post("/calendars/preview/")
    assert sim_periods(sim, 7001) == [("Congés payés", paris(2027, 8, 3), paris(2027, 8, 15))]


@pytest.mark.django_db
def test_bad_input_is_a_message_never_a_500(sim, login, manager, scoped_manager, driver, ics_server):
    client = login(manager)
    bad = SimpleUploadedFile("x.ics", b"\x00garbage", content_type="text/calendar")
    html = client.post("/drivers/7001/calendar/", {"file": bad, "import": "1"}).content.decode()
    assert "Ce n’est pas un calendrier ICS lisible par le portail." in html
    html = client.post("/drivers/7001/calendar/", {"subscribe": "1", "label": "x", "url": "ftp://x"}).content.decode()
    assert 'id="id_url_error"' in html
    ics_server.status = 404
    html = client.post("/drivers/7001/calendar/",
                       {"subscribe": "1", "label": "x", "url": ics_server.url}).content.decode()
    assert "L’adresse du calendrier a répondu 404." in html
    html = client.post("/calendars/", {"csv": "1", "matricule": "m"}).content.decode()
    assert 'id="id_file_error"' in html
    assert client.get("/calendars/preview/").status_code == 302  # nothing pending
    assert login(scoped_manager).get("/drivers/7001/calendar/").status_code == 404
    assert login(driver).get("/calendars/").status_code == 403
    assert not CalendarSource.objects.exists()


def test_a_stale_preview_applied_after_the_re_sync_adds_nothing_twice(sim, customer):
    source = CalendarSource.objects.create(customer=customer, kind=CalendarKind.URL, label="RH", url=URL,
                                           driver_id=7001)
    plan = sync_plan(source, 7001, parse_ics(ics(SUMMER, BRIDGE), PARIS))
    assert sync_apply(actor=None, customer=customer, source=source, plan=plan).done == 2
    again = sync_apply(actor=None, customer=customer, source=source, plan=plan)  # the same plan, e.g. a preview
    assert (again.done, again.errors) == (0, [])
    assert sorted(label for label, _s, _e in sim_periods(sim, 7001)) == ["Congés d’été", "Pont de l’Ascension"]
    removal = sync_plan(source, 7001, parse_ics(ics(SUMMER), PARIS))
    assert sync_apply(actor=None, customer=customer, source=source, plan=removal).done == 1
    assert sync_apply(actor=None, customer=customer, source=source, plan=removal).done == 0  # already removed
    assert [label for label, _s, _e in sim_periods(sim, 7001)] == ["Congés d’été"]


def test_a_sync_running_elsewhere_is_waited_for_then_reported_and_nothing_is_written(sim, customer, settings):
    source = CalendarSource.objects.create(customer=customer, kind=CalendarKind.URL, label="RH", url=URL,
                                           driver_id=7001)
    plan = sync_plan(source, 7001, parse_ics(ics(SUMMER), PARIS))
    settings.LEASE_TTL_S = 120  # the other holder's lease outlives the wait (it has no heartbeat here)
    other = lease_take(SYNC_LEASE, source.pk)  # another live process syncs this source
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=UTC), tick=False) as clock:
        import privacy.services.leases as leases

        waited = []
        real_sleep = leases.time.sleep
        leases.time.sleep = lambda s: (waited.append(s), clock.shift(s))
        try:
            outcome = sync_apply(actor=None, customer=customer, source=source, plan=plan)
        finally:
            leases.time.sleep = real_sleep
    assert outcome.done == 0 and "Une autre synchronisation de ce calendrier est en cours" in outcome.errors[0]
    assert 19 <= sum(waited) <= 21
    assert sim_periods(sim, 7001) == []
    lease_release(other)
    assert sync_apply(actor=None, customer=customer, source=source, plan=plan).done == 1
