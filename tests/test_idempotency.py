"""One submission = one write (issue 14 #8): every POST form carries an idempotency key; a double click or
a POST resent after a timeout is answered with the first answer, never written twice."""
from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client

from privacy.models import IdempotentRequest
from tests.schedules.conftest import DEFAULT_WEEK, grid_post, sim_week, writes

SAVE = "POST vieprivee/v1/horairesViePriveeRecurrentesIndividu"


def _key(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html)
    assert found, "the form carries an idempotency key"
    return found.group(1)


@pytest.mark.django_db
def test_a_resent_grid_save_writes_once_and_gets_the_first_answer(sim, login, manager):
    client = login(manager)
    key = _key(client.get("/drivers/7001/").content.decode())
    lunch = DEFAULT_WEEK.add_lunch_break()
    first = client.post("/drivers/7001/", grid_post(lunch, action="save", idempotency_key=key))
    again = client.post("/drivers/7001/", grid_post(lunch, action="save", idempotency_key=key))
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert writes(sim) == {SAVE: 1}


@pytest.mark.django_db
def test_each_page_view_gives_its_forms_a_new_key(sim, login, manager):
    client = login(manager)
    assert _key(client.get("/drivers/7001/").content.decode()) != _key(client.get("/drivers/7001/").content.decode())


@pytest.mark.django_db
def test_another_user_never_gets_someone_elses_answer(sim, login, manager, scoped_manager):
    key = "a" * 32
    login(manager).post("/drivers/7001/", grid_post(DEFAULT_WEEK.add_lunch_break(), action="save",
                                                    idempotency_key=key))
    response = login(scoped_manager).post("/drivers/7001/", grid_post(DEFAULT_WEEK, action="save",
                                                                     idempotency_key=key))
    assert response.status_code == 404 and not response.has_header("Idempotent-Replayed")


@pytest.mark.django_db
def test_a_failed_request_lets_go_of_its_key(sim, login, manager, monkeypatch):
    from privacy.schedules.views import drivers

    def boom(**_kwargs):
        raise RuntimeError("worker died")

    monkeypatch.setattr(drivers, "schedule_save", boom)
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    response = client.post("/drivers/7001/", grid_post(DEFAULT_WEEK.add_lunch_break(), action="save",
                                                       idempotency_key="b" * 32))
    assert response.status_code == 500
    assert not IdempotentRequest.objects.exists(), "the person can try again"


@pytest.mark.django_db(transaction=True)
def test_three_clicks_on_a_slow_ocean_write_one_version(sim, manager, settings):
    """The audit's scenario: Océan answers in 800 ms, the button is pressed three times 300 ms apart."""
    settings.IDEMPOTENCY_WAIT_S = 30
    sim.set_faults(latency_ms=800)
    lunch = DEFAULT_WEEK.add_lunch_break()
    results, threads = [], []

    def click():
        client = Client()
        client.force_login(manager)
        try:
            results.append(client.post("/drivers/7001/", grid_post(lunch, action="save", idempotency_key="c" * 32)))
        finally:
            connection.close()

    for _ in range(3):
        threads.append(threading.Thread(target=click))
        threads[-1].start()
        threading.Event().wait(0.3)
    for thread in threads:
        thread.join(60)
    sim.clear_faults()
    assert [r.status_code for r in results] == [302, 302, 302]
    assert writes(sim) == {SAVE: 1}, "one write for three clicks"
    assert sim_week(sim, 7001) == lunch


def test_the_base_page_loads_the_submit_script_and_it_disables_buttons_in_flight():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    assert "js/submit.js" in (root / "templates/base.html").read_text()
    script = (root / "static/js/submit.js").read_text()
    assert "disabled" in script and "aria-busy" in script and "Idempotency-Key" in script
