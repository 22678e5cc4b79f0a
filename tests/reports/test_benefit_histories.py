"""Issue 16 (load test): the benefit pages never wait for a whole fleet's assignment histories. A few
missing ones are read in the request; more are read by a worker through the rate limiter's background
door, the page shows those drivers as being read and fills itself in; exports and the payroll lock wait
for them instead of leaving drivers out."""
from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from privacy.reports.models import PayrollMonth
from privacy.reports.services import benefit_history, nightly
from privacy.reports.services.benefit_history import (
    INLINE_READS,
    NIGHTLY_OLDER_THAN_S,
    histories,
    histories_version,
)
from privacy.reports.services.fragments import FILLING_TTL
from privacy.reports.tasks import benefit_histories
from privacy.services.fleet import fleet_get

from .benefit_support import driver_row, month_snapshot

pytestmark = pytest.mark.usefixtures("sim")
HISTORY = "GET affectations_chauffeurs/historique"
MANY = 60  # more than INLINE_READS missing on the first page of 50


@pytest.fixture
def queued(monkeypatch):
    """The worker tasks the pages queue, instead of a broker: ``[(customer_id, driver_ids), ...]``."""
    sent = []
    monkeypatch.setattr(benefit_history, "job_send_now", lambda name, *args: sent.append((name, *args)))
    return sent


@pytest.fixture
def fleet_year(customer):
    """A stored month of 2026 with MANY drivers (ids 8000…), none of whose histories is known yet."""
    rows = [driver_row(ocean_id=8000 + i, name=f"DRIVER {i:03d}", private_m=1000, pro_m=9000) for i in range(MANY)]
    month_snapshot(customer, 1, rows)
    return [8000 + i for i in range(MANY)]


def upstream_histories(sim) -> int:
    return sim.stats()["by_endpoint"].get(HISTORY, 0)


def test_a_big_fleet_page_answers_without_reading_histories_and_says_they_are_coming(
        login, hr, customer, sim, fleet_year, queued):
    before = upstream_histories(sim)
    html = login(hr).get(reverse("privacy:benefit"), {"year": "2026"}).content.decode()
    assert upstream_histories(sim) == before  # nothing read in the request
    assert "DRIVER 000" in html and "DRIVER 049" in html  # the drivers are listed, their figures pending
    assert html.count('class="pending"') == 50
    assert 'hx-trigger="every 3s"' in html and 'hx-select="#benefit-body"' in html
    assert "50 conducteurs de cette page" in html
    # one worker read is queued, for every driver of the year (the next pages too), in the pages' order
    assert queued == [("privacy.reports.tasks.benefit_histories", customer.pk, fleet_year)]
    login(hr).get(reverse("privacy:benefit"), {"year": "2026"})
    assert len(queued) == 1  # not queued again while the first is waiting


def test_the_page_fills_in_once_the_worker_has_read_and_stops_asking(login, hr, customer, sim, fleet_year, queued):
    client = login(hr)
    client.get(reverse("privacy:benefit"), {"year": "2026"})
    version = histories_version(customer)
    before = upstream_histories(sim)
    benefit_histories(customer.pk, fleet_year)  # what the worker runs
    assert upstream_histories(sim) - before == MANY
    assert histories_version(customer) != version  # a new key: the cached pending body is not served again
    html = client.get(reverse("privacy:benefit"), {"year": "2026"}).content.decode()
    assert 'class="pending"' not in html and "every 3s" not in html
    assert "Aucun véhicule attribué" in html  # the simulator knows none of these drivers: the real answer
    assert upstream_histories(sim) - before == MANY  # read once, kept


def test_the_worker_keeps_each_chunk_as_it_goes(customer, fleet_year, monkeypatch):
    seen = []

    def read(c, driver_id, background=False):
        assert background  # the worker's reads give way to the pages' (rate limiter's keep)
        seen.append(len(histories(customer, fleet_year[:50]).pending))
        return []

    monkeypatch.setattr(benefit_history, "_history", read)
    monkeypatch.setattr(benefit_history, "INLINE_READS", 0)
    monkeypatch.setattr(benefit_history, "job_send_now", lambda *a: None)
    benefit_history.worker_read(customer, fleet_year)
    # while reading the second chunk (drivers 50–59), the first page's 50 are already kept
    assert seen[50:] == [0] * (MANY - 50)


def test_a_few_missing_histories_are_read_in_the_request(customer, sim, queued):
    before = upstream_histories(sim)
    known = histories(customer, [7001, 7002, 7003])
    assert set(known.items) == {7001, 7002, 7003} and not known.pending and queued == []
    assert upstream_histories(sim) - before == 3
    assert INLINE_READS >= 3


def test_an_old_history_is_shown_and_read_again_in_the_background(customer, sim, queued, monkeypatch):
    histories(customer, [7001])
    monkeypatch.setattr(benefit_history, "HISTORY_FRESH_S", -1)  # everything read is now old
    before = upstream_histories(sim)
    known = histories(customer, [7001])
    assert 7001 in known.items and upstream_histories(sim) == before  # shown at once, not read in the page
    assert queued == [("privacy.reports.tasks.benefit_histories", customer.pk, [7001])]


def test_a_broker_that_is_down_leaves_the_page_waiting_and_the_next_view_tries_again(
        login, hr, customer, fleet_year, monkeypatch, settings):
    # An in-process cache reads the travelled clock; Redis (CI) would expire keys on its own clock.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    attempts = []

    def down(*args):
        attempts.append(args)
        raise ConnectionError("broker down")

    monkeypatch.setattr(benefit_history, "job_send_now", down)
    fleet_get(customer)  # the usual case: another page read the fleet (the body's cache key names its copy)
    client = login(hr)
    first = client.get(reverse("privacy:benefit"), {"year": "2026"})
    assert first.status_code == 200 and 'class="pending"' in first.content.decode()
    client.get(reverse("privacy:benefit"), {"year": "2026"})
    assert len(attempts) == 1  # the same waiting body, shared for a few seconds
    with time_machine.travel(time.time() + FILLING_TTL + 1):  # kept only that long: rendered and queued again
        second = client.get(reverse("privacy:benefit"), {"year": "2026"})
    assert 'class="pending"' in second.content.decode() and len(attempts) == 2


def test_the_export_waits_for_the_histories_instead_of_leaving_drivers_out(login, hr, customer, fleet_year,
                                                                           queued):
    client = login(hr)
    response = client.get(reverse("privacy:benefit_export"), {"year": "2026", "format": "csv"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("privacy:benefit"))
    page = client.get(response["Location"]).content.decode()
    assert "60 conducteurs sont encore en cours de lecture" in page
    benefit_histories(customer.pk, fleet_year)
    csv = client.get(reverse("privacy:benefit_export"), {"year": "2026", "format": "csv"})
    assert csv.status_code == 200 and csv.content.decode("utf-8-sig").count("DRIVER 0") == MANY


def test_payroll_waits_for_the_histories_before_export_and_lock(login, hr, customer, fleet_year, queued):
    client = login(hr)
    month = {"month": "2026-01"}
    html = client.get(reverse("privacy:payroll"), month).content.decode()
    assert html.count('class="pending"') == MANY and 'hx-select="#payroll-body"' in html
    export = client.get(reverse("privacy:payroll_export"), {**month, "format": "csv"})
    assert export.status_code == 302 and not PayrollMonth.objects.filter(exported_at__isnull=False).exists()
    PayrollMonth.objects.create(customer=customer, month=date(2026, 1, 1), exported_at=timezone.now())
    locked = client.post(reverse("privacy:payroll_lock"), month, follow=True).content.decode()
    assert "encore en cours de lecture" in locked
    assert not PayrollMonth.objects.filter(customer=customer, locked_at__isnull=False).exists()
    benefit_histories(customer.pk, fleet_year)
    assert 'class="pending"' not in client.get(reverse("privacy:payroll"), month).content.decode()


def test_a_failed_read_shows_the_fallback_and_is_tried_again_later(customer, sim, monkeypatch):
    sim.set_faults(error_rate=1.0)
    down = histories(customer, [7001])
    assert down.failed == {7001} and not down.pending
    sim.set_faults(error_rate=0.0)
    assert histories(customer, [7001]).failed == {7001}  # remembered for a while: no storm of retries
    monkeypatch.setattr(benefit_history, "FAILED_KEEP_S", 0)
    benefit_history.cache.delete(benefit_history._key(customer.pk, 7001))  # what its expiry does
    assert 7001 in histories(customer, [7001]).items



def test_the_benefit_body_is_kept_with_month_snapshots_only(login, hr, customer, monkeypatch):
    """No year snapshot (the usual case mid-year): the months' generation alone keys the body."""
    from privacy.reports.views import benefit as view

    month_snapshot(customer, 1, [driver_row(ocean_id=7001, private_m=1000, pro_m=9000)])
    fleet_get(customer), histories(customer, [7001])  # read by an earlier page (a new read gives a new key)
    computed = []
    real = view.benefit_page
    monkeypatch.setattr(view, "benefit_page", lambda *a, **kw: computed.append(1) or real(*a, **kw))
    client = login(hr)
    first = client.get(reverse("privacy:benefit"), {"year": "2026"}).content.decode()
    second = client.get(reverse("privacy:benefit"), {"year": "2026"}).content.decode()
    assert "DUPONT Jean" in first and "DUPONT Jean" in second and len(computed) == 1
    month_snapshot(customer, 2, [driver_row(ocean_id=7001, private_m=2000, pro_m=8000)])  # a new month stored
    client.get(reverse("privacy:benefit"), {"year": "2026"})
    assert len(computed) == 2


@pytest.fixture
def no_refresh(monkeypatch):
    monkeypatch.setattr("privacy.reports.tasks.refresh_report.delay", lambda pk: None)


def test_the_night_reads_the_years_histories_so_the_days_pages_are_complete(
        login, hr, customer, sim, fleet_year, queued, no_refresh):
    with time_machine.travel(datetime(2026, 6, 10, 1, 45, tzinfo=UTC), tick=False):  # 03:45 in Paris
        nightly.tick()
    assert queued == [(benefit_history.READ_TASK, customer.pk, fleet_year, NIGHTLY_OLDER_THAN_S)]
    before = upstream_histories(sim)
    with time_machine.travel(datetime(2026, 6, 10, 1, 50, tzinfo=UTC)):  # ticking: the rate limiter refills
        benefit_histories(*queued[0][1:])  # what the worker runs
    assert upstream_histories(sim) - before == MANY
    with time_machine.travel(datetime(2026, 6, 10, 16, 0, tzinfo=UTC), tick=False):  # 18:00, 14 h later
        html = login(hr).get(reverse("privacy:benefit"), {"year": "2026"}).content.decode()
    assert 'class="pending"' not in html and "hx-trigger" not in html  # complete, nothing filling in
    assert upstream_histories(sim) - before == MANY and len(queued) == 1  # nothing read or queued by day


def test_the_night_reads_again_only_what_is_older_than_the_evening(customer, sim, queued):
    with time_machine.travel(datetime(2026, 6, 9, 8, 0, tzinfo=UTC), tick=False):
        histories(customer, [7001])  # read by a page in the morning
    with time_machine.travel(datetime(2026, 6, 9, 20, 0, tzinfo=UTC), tick=False):
        histories(customer, [7002])  # and one in the evening
    with time_machine.travel(datetime(2026, 6, 10, 1, 50, tzinfo=UTC), tick=False):
        assert benefit_history.to_read(customer, [7001, 7002, 7003], NIGHTLY_OLDER_THAN_S) == [7001, 7003]
        assert benefit_history.to_read(customer, [7001, 7002, 7003]) == [7003]  # a page: only the missing


def test_in_january_the_night_also_reads_last_years_drivers(customer, fleet_year, queued, no_refresh):
    with time_machine.travel(datetime(2027, 1, 5, 2, 45, tzinfo=UTC), tick=False):  # 03:45 in Paris
        nightly.tick()
    assert queued == [(benefit_history.READ_TASK, customer.pk, fleet_year, NIGHTLY_OLDER_THAN_S)]


def test_a_complete_page_is_served_whole_to_its_viewer_and_a_filling_one_is_rendered_each_time(
        login, hr, customer, sim, fleet_year, queued, monkeypatch):
    from privacy.reports.views import benefit as views

    renders = []
    real = views.render
    monkeypatch.setattr(views, "render", lambda *args, **kw: renders.append(args[1]) or real(*args, **kw))
    client, url = login(hr), reverse("privacy:benefit")
    for _ in range(3):
        assert 'class="pending"' in client.get(url, {"year": "2026"}).content.decode()
    assert len(renders) == 3  # filling in: the page is made again at each view (its rows arrive)
    benefit_histories(customer.pk, fleet_year)
    complete = client.get(url, {"year": "2026"}).content.decode()
    assert 'class="pending"' not in complete and len(renders) == 4
    assert client.get(url, {"year": "2026"}).content.decode() == complete
    assert len(renders) == 4  # the whole page, from the cache
    other = login(hr)  # another session of the same person: its own CSRF token, its own page
    assert 'class="pending"' not in other.get(url, {"year": "2026"}).content.decode() and len(renders) == 5
