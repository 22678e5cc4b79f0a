"""The probe's ficheJour time-zone question (D3) gives the simulator's reading on every day.

The question takes a ficheJour trip and looks for it in positions/search. It once matched on the
place alone and kept the point nearest to the ficheJour time read as UTC: when the trip ended where
it began (a round from the depot) or the next trip left from the same place less than two customer
offsets later, that other point was nearer and the answer was "24 min" or "-38 min" instead of
"customer" (seen with the clock on 2026-11-25 and 2026-12-01). Each day of a fixed 60-day span,
clock pinned with time_machine, against one simulator seeded on the first day.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from privacy.ocean import MemoryTokenStore, OceanClient, OceanConfig
from privacy.ocean.probe import Probe, ProbeConfig

testing = pytest.importorskip("ocean_sim.testing", reason="ocean_sim simulator not available")

FIRST_DAY = date(2026, 10, 15)
DAYS = [FIRST_DAY + timedelta(days=k) for k in range(60)]


@contextmanager
def simulator(variant: str = "") -> Iterator:
    with time_machine.travel(datetime(2026, 10, 14, 9, tzinfo=UTC), tick=True), \
            testing.SimServer(variants=variant) as sim:
        yield sim


def zone_answer(sim, fiche_jour_tz: str, at: datetime):
    """The probe's fichejour_zone answer with the clock at ``at`` (a fresh login: tokens live 12 h)."""
    with time_machine.travel(at, tick=True):
        client = OceanClient(OceanConfig(base_url=sim.base_url, login="demo", password="demo",
                                         customer_id=1110000000), token_store=MemoryTokenStore())
        probe = Probe(client, ProbeConfig(fiche_jour_tz=fiche_jour_tz), now=lambda: datetime.now(UTC))
        client.authenticate()
        probe.vehicles = [v for v in client.vehicles() if v.id is not None]
        probe.q_fichejour()
        return probe.report.questions["fichejour_zone"]


@pytest.mark.parametrize(("variant", "expected"), [("", "customer"), ("d3", "UTC"), ("d14", "customer")])
def test_the_zone_question_answers_the_same_on_every_day(variant, expected):
    wrong = []
    with simulator(variant) as sim:
        for k, day in enumerate(DAYS):
            hour, minute = (0, 30) if k % 2 else (13, 0)
            answer = zone_answer(sim, expected, datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC))
            if answer.answer != expected or answer.matches_config is not True:
                wrong.append((day.isoformat(), answer.answer, answer.evidence))
    assert wrong == []


@pytest.mark.parametrize("at", [datetime(2026, 11, 25, 13, tzinfo=UTC), datetime(2026, 12, 1, 0, 30, tzinfo=UTC)])
def test_a_round_trip_from_the_depot_is_not_mistaken_for_the_next_trip(at):
    with simulator() as sim:
        answer = zone_answer(sim, "customer", at)
    assert (answer.answer, answer.matches_config) == ("customer", True), answer.evidence
    assert "difference 60 min, customer offset 60 min" in answer.evidence
