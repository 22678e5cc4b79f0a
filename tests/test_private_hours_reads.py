"""A driver's two private-hours lists read once for every page (privacy/services/private_hours_reads.py):
simultaneous misses share one request, in a process and across processes; a save's fresh read never
reuses an older one; a write through the portal makes the next read a new one; the trips pages' masking
and the private-hours pages share the same two requests."""
from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.cache import cache

from privacy.models import Customer
from privacy.ocean import OceanUnavailable
from privacy.schedules.services.periods import periods_list
from privacy.schedules.services.weekly import schedule_read
from privacy.services import private_hours_reads as reads
from privacy.services.private_hours import private_hours_changed
from privacy.steps.services.classify import privacy_calendar

CUSTOMER = Customer(pk=51, time_zone="Europe/Paris")


class Client:
    """A fake Ocean: counts its reads; ``gate`` holds every read until it is set."""

    def __init__(self, gate: threading.Event | None = None, error: Exception | None = None):
        self.gate, self.error, self.calls = gate, error, []
        self.lock = threading.Lock()

    def _read(self, kind, driver_id):
        with self.lock:
            self.calls.append((kind, driver_id))
            answer = [f"{kind}-{driver_id}-{len(self.calls)}"]  # which call answered
        if self.gate is not None:
            assert self.gate.wait(10)
        if self.error is not None:
            raise self.error
        return answer

    def recurring_get(self, *, driver_id):
        return self._read("recurring", driver_id)

    def exceptional_list(self, *, driver_id, start, end):  # noqa: ARG002 - the fake ignores the window
        return self._read("exceptional", driver_id)


@pytest.fixture
def ocean(monkeypatch):
    def install(client: Client) -> Client:
        monkeypatch.setattr(reads, "ocean_client", lambda customer: client)
        return client

    return install


def in_threads(n: int, call):
    results, threads = [None] * n, []

    def run(i):
        results[i] = call()

    for i in range(n):
        threads.append(threading.Thread(target=run, args=(i,)))
        threads[-1].start()
    return threads, results


def test_threads_that_miss_together_share_one_read(ocean):
    gate = threading.Event()
    client = ocean(Client(gate))
    threads, results = in_threads(6, lambda: reads.recurring_read(CUSTOMER, 7001))
    time.sleep(0.2)  # all six asked while the first read is still waiting for Ocean
    gate.set()
    for t in threads:
        t.join(10)
    assert client.calls == [("recurring", 7001)]
    assert results == [("recurring-7001-1",)] * 6
    assert reads.recurring_read(CUSTOMER, 7001) == ("recurring-7001-1",) and len(client.calls) == 1  # cached


def test_a_read_failure_reaches_every_waiting_reader_and_is_not_kept(ocean):
    gate = threading.Event()
    client = ocean(Client(gate, error=OceanUnavailable("Ocean unreachable")))
    errors = []

    def read():
        try:
            reads.recurring_read(CUSTOMER, 7002)
        except OceanUnavailable as exc:
            errors.append(exc)

    threads, _results = in_threads(3, read)
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join(10)
    assert len(errors) == 3 and len(client.calls) == 1
    client.error = None
    assert reads.recurring_read(CUSTOMER, 7002) == ("recurring-7002-2",)  # read again, not a cached failure


def test_a_reader_in_another_process_is_waited_for(ocean):
    client = ocean(Client())
    key = reads._key("recurring", CUSTOMER, 7003)
    cache.set(key + ":reading", 1, 30)  # another process took the mark and is reading
    threads, results = in_threads(1, lambda: reads.recurring_read(CUSTOMER, 7003))
    time.sleep(0.3)
    cache.set(key, ("from-the-other-process",), 60)
    threads[0].join(10)
    assert results == [("from-the-other-process",)] and client.calls == []


def test_a_reader_that_failed_in_another_process_is_not_waited_for(ocean):
    client = ocean(Client())
    key = reads._key("recurring", CUSTOMER, 7004)
    cache.set(key + ":reading", 1, 30)
    threads, results = in_threads(1, lambda: reads.recurring_read(CUSTOMER, 7004))
    time.sleep(0.3)
    assert client.calls == []  # still waiting for the other process
    cache.delete(key + ":reading")  # it gave up without an answer
    threads[0].join(10)
    assert client.calls == [("recurring", 7004)] and results == [("recurring-7004-1",)]


def test_a_fresh_read_never_reuses_nor_joins_an_earlier_one(ocean):
    gate = threading.Event()
    client = ocean(Client(gate))
    threads, results = in_threads(1, lambda: reads.recurring_read(CUSTOMER, 7005))
    time.sleep(0.2)  # a page's read is waiting for Ocean; a save's read-back starts after its write
    fresh, fresh_result = in_threads(1, lambda: reads.recurring_read(CUSTOMER, 7005, fresh=True))
    time.sleep(0.2)
    assert len(client.calls) == 2  # its own request
    gate.set()
    for t in threads + fresh:
        t.join(10)
    assert reads.recurring_read(CUSTOMER, 7005, fresh=True) == ("recurring-7005-3",)  # cached one not reused
    assert reads.recurring_read(CUSTOMER, 7005) == ("recurring-7005-3",)  # and kept for the others
    assert {results[0], fresh_result[0]} == {("recurring-7005-1",), ("recurring-7005-2",)}


def test_a_write_through_the_portal_makes_the_next_read_new(ocean):
    client = ocean(Client())
    assert reads.exceptional_read(CUSTOMER, 7006) == ("exceptional-7006-1",)
    assert reads.exceptional_read(CUSTOMER, 7006) == ("exceptional-7006-1",)
    private_hours_changed(CUSTOMER.pk, 7006)
    assert reads.exceptional_read(CUSTOMER, 7006) == ("exceptional-7006-2",)
    private_hours_changed(CUSTOMER.pk)  # a write naming no driver: every driver of the customer
    assert reads.exceptional_read(CUSTOMER, 7006) == ("exceptional-7006-3",)
    assert len(client.calls) == 3


@time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False)
def test_the_private_hours_pages_and_the_trips_masking_share_two_requests(ocean):
    class Empty(Client):
        def _read(self, kind, driver_id):
            super()._read(kind, driver_id)
            return []

    client = ocean(Empty())
    schedule_read(CUSTOMER, 7007)  # the driver's private-hours page
    periods_list(CUSTOMER, 7007)
    for monday in (date(2026, 11, 23), date(2026, 11, 30)):  # two weeks of trips
        assert privacy_calendar(CUSTOMER, 7007, monday, monday) is not None
    assert sorted(client.calls) == [("exceptional", 7007), ("recurring", 7007)]
