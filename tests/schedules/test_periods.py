"""Exceptional periods: list, add (whole days or hours), update, delete only when entirely future."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from privacy.models import AuditEntry
from privacy.schedules.services.periods import periods_list
from tests.schedules.conftest import sim_periods, writes

PARIS = ZoneInfo("Europe/Paris")


def add(client, label, start_date, end_date, **times):
    return client.post("/drivers/7001/periods/", {"label": label, "start_date": start_date, "end_date": end_date,
                                                  **times})


def test_a_whole_day_period_runs_from_local_midnight_to_the_next(sim, login, manager):
    response = add(login(manager), "NOEL", "2027-12-25", "2027-12-25")
    assert response.status_code == 302
    start = datetime(2027, 12, 25, tzinfo=PARIS).astimezone(UTC)
    assert sim_periods(sim, 7001) == [("NOEL", start, start + timedelta(days=1))]
    entry = AuditEntry.objects.get(action="period.add", phase="outcome")
    assert entry.upstream_result == "confirmed" and entry.after["label"] == "NOEL"


def test_a_period_with_hours_across_a_dst_change_is_sent_in_utc(sim, login, manager):
    # 2027-10-31 is the autumn change in Paris: 08:00 is UTC+1 that day, the 30th is still UTC+2.
    add(login(manager), "Séminaire", "2027-10-30", "2027-10-31", start_time="14:00", end_time="08:00")
    assert sim_periods(sim, 7001) == [("Séminaire", datetime(2027, 10, 30, 12, tzinfo=UTC),
                                       datetime(2027, 10, 31, 7, tzinfo=UTC))]


def test_an_end_before_the_start_is_refused_next_to_the_field(sim, login, manager):
    html = add(login(manager), "X", "2027-05-10", "2027-05-03").content.decode()
    assert 'id="id_end_date_error"' in html
    assert writes(sim) == {}


def test_a_date_far_beyond_the_horizon_is_refused_not_a_crash(sim, login, manager):
    # Found by the long fuzz run: the day after 31/12/9999 does not exist (it was a 500).
    response = add(login(manager), "Loin", "2027-05-03", "9999-12-31")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_end_date_error"' in html and "Choisissez une date entre 2000 et" in html
    assert writes(sim) == {}


def test_a_start_in_the_past_is_refused_and_nothing_is_sent(sim, login, manager):
    yesterday = (timezone.localtime(timezone.now(), PARIS) - timedelta(days=1)).date().isoformat()
    html = add(login(manager), "X", yesterday, yesterday).content.decode()
    assert 'id="id_start_date_error"' in html
    assert writes(sim) == {}


def test_an_overlapping_period_is_refused_and_nothing_is_sent(sim, login, manager):
    client = login(manager)
    add(client, "Congés", "2027-07-05", "2027-07-16")
    sim.reset_stats()
    response = add(client, "Pont", "2027-07-14", "2027-07-14")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_start_date_error"' in html and "Congés" in html
    assert writes(sim) == {}
    assert [p[0] for p in sim_periods(sim, 7001)] == ["Congés"]


def test_the_list_shows_past_current_and_future_with_delete_only_for_the_future(sim, login, manager, customer):
    now = datetime.now(UTC)
    store = sim.state.store
    ms = lambda d: int(d.timestamp() * 1000)  # noqa: E731
    store.add_exceptional(7001, "Passé", ms(now - timedelta(days=10)), ms(now - timedelta(days=9)))
    store.add_exceptional(7001, "En cours", ms(now - timedelta(hours=1)), ms(now + timedelta(days=1)))
    store.add_exceptional(7001, "Futur", ms(now + timedelta(days=5)), ms(now + timedelta(days=6)))
    html = login(manager).get("/drivers/7001/periods/", headers={"Accept-Language": "en"}).content.decode()
    assert "Passé" in html and "En cours" in html and "Futur" in html
    periods = {p.label: p for p in periods_list(customer, 7001)}
    assert f"/periods/{periods['Futur'].id}/delete/" in html
    assert f"/periods/{periods['En cours'].id}/delete/" not in html
    assert f"/periods/{periods['Passé'].id}/delete/" not in html


def test_the_server_refuses_to_delete_a_started_period_and_sends_nothing(sim, login, manager, customer):
    now = datetime.now(UTC)
    sim.state.store.add_exceptional(7001, "En cours", int((now - timedelta(hours=1)).timestamp() * 1000),
                                    int((now + timedelta(days=1)).timestamp() * 1000))
    period = periods_list(customer, 7001, fresh=True)[0]
    sim.reset_stats()
    response = login(manager).post(f"/drivers/7001/periods/{period.id}/delete/")
    assert response.status_code == 400
    assert writes(sim) == {}
    assert len(sim_periods(sim, 7001)) == 1


def test_deleting_a_future_period(sim, login, manager, customer):
    add(login(manager), "Congés", "2027-07-05", "2027-07-09")
    period = periods_list(customer, 7001, fresh=True)[0]
    client = login(manager)
    confirm = client.get(f"/drivers/7001/periods/{period.id}/delete/")
    assert confirm.status_code == 200 and "Congés" in confirm.content.decode()
    assert "ven 09/07/2027, fin de journée" in confirm.content.decode()  # its last day, not "sam 10/07 00:00"
    assert "ven 09/07/2027, fin de journée" in client.get("/drivers/7001/periods/").content.decode()
    assert len(sim_periods(sim, 7001)) == 1  # shown, not deleted
    assert client.post(f"/drivers/7001/periods/{period.id}/delete/").status_code == 200  # no confirm: asks again
    assert len(sim_periods(sim, 7001)) == 1
    response = client.post(f"/drivers/7001/periods/{period.id}/delete/", {"confirm": "yes"})
    assert response.status_code == 302
    assert sim_periods(sim, 7001) == []
    assert AuditEntry.objects.get(action="period.delete", phase="outcome").upstream_result == "confirmed"


def test_a_period_of_another_driver_cannot_be_deleted_through_this_driver(sim, login, manager, customer):
    login(manager).post("/drivers/7002/periods/", {"label": "Autre", "start_date": "2027-07-05",
                                                   "end_date": "2027-07-09"})
    other = periods_list(customer, 7002, fresh=True)[0]
    assert login(manager).post(f"/drivers/7001/periods/{other.id}/delete/", {"confirm": "yes"}).status_code == 404
    assert len(sim_periods(sim, 7002)) == 1


def test_updating_a_future_period(sim, login, manager, customer):
    client = login(manager)
    add(client, "Congés", "2027-07-05", "2027-07-09")
    period = periods_list(customer, 7001, fresh=True)[0]
    form = client.get(f"/drivers/7001/periods/{period.id}/edit/").content.decode()
    assert 'value="2027-07-09"' in form  # the last day, not the next midnight
    response = client.post(f"/drivers/7001/periods/{period.id}/edit/",
                           {"label": "Congés été", "start_date": "2027-07-05", "end_date": "2027-07-16"})
    assert response.status_code == 302
    start = datetime(2027, 7, 5, tzinfo=PARIS).astimezone(UTC)
    assert sim_periods(sim, 7001) == [("Congés été", start, datetime(2027, 7, 17, tzinfo=PARIS).astimezone(UTC))]
    assert AuditEntry.objects.get(action="period.update", phase="outcome").before["label"] == "Congés"


def test_an_upstream_failure_keeps_the_input_and_explains(sim, login, manager):
    client = login(manager)
    client.get("/drivers/7001/periods/")
    sim.set_faults(error_rate=1.0)
    response = add(client, "Congés", "2027-07-05", "2027-07-09")
    sim.clear_faults()
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Congés"' in html and 'value="2027-07-05"' in html
    assert "Océan" in html
    assert sim_periods(sim, 7001) == []


def test_a_period_cut_on_another_clock_names_the_setting_to_change(sim, login, manager, settings):
    """Read back, a period's day slots tell on which clock Ocean cut it (D6): the page names the setting."""
    client = login(manager)
    response = add(client, "NOEL", "2027-12-25", "2027-12-25")
    assert "OCEAN_PERIOD_DAY_CUT" not in client.get(response["Location"]).content.decode()
    sim.set_variants("d6")
    response = add(client, "PONT", "2027-11-12", "2027-11-12")
    page = client.get(response["Location"]).content.decode()
    assert "OCEAN_PERIOD_DAY_CUT=UTC" in page and "décalée" in page
    settings.OCEAN_PERIOD_DAY_CUT = "UTC"
    from privacy.services.ocean import ocean_clients_reset

    ocean_clients_reset()
    response = add(client, "ASCENSION", "2027-05-06", "2027-05-06")
    assert "OCEAN_PERIOD_DAY_CUT" not in client.get(response["Location"]).content.decode()
