"""Day cards shown as they arrive: a trips page still waiting for Ocean after a moment answers with a
placeholder that fetches the cards (htmx) and joins the reads still running; fast or cached data, no
JavaScript (noscript link) or the cards' own request render the cards in the answer."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from privacy.steps.models import StepAccessLog
from privacy.steps.services import wave
from privacy.steps.services.fetch import local_today

from .conftest import FICHE, calls

pytestmark = pytest.mark.django_db


@pytest.fixture
def lazy(settings):
    settings.STEPS_LAZY_DAYS = True
    settings.STEPS_LAZY_AFTER_S = 0.0  # no moment at all: every uncached page shows its cards loading
    yield settings
    for _ in range(100):  # a background run never outlives its test
        if not wave._in_flight:  # noqa: SLF001
            break
        time.sleep(0.05)


def week_url(customer) -> str:
    monday = local_today(customer) - timedelta(days=local_today(customer).weekday() + 7)
    return f"/trips/?day={monday.isoformat()}&span=week"


def part_url(html: str) -> str:
    return re.search(r'hx-get="([^"]+part=days[^"]*)"', html).group(1).replace("&amp;", "&")


def test_a_slow_week_answers_at_once_and_its_cards_join_the_running_reads(sim, lazy, login, driver, customer):
    client = login(driver)
    sim.set_faults(latency_ms=300)
    sim.reset_stats()
    shell = client.get(week_url(customer)).content.decode()
    assert "step-" not in shell and "Chargement des trajets depuis Océan" in shell and "<noscript>" in shell
    cards = client.get(part_url(shell), headers={"HX-Request": "true"}).content.decode()
    assert "step-" in cards and "<html" not in cards
    assert calls(sim, FICHE) == 8  # one wave for the page and its cards, not two (7 days + the UTC day before, D14)
    assert StepAccessLog.objects.count() == 1  # the page and its cards are one view
    sim.clear_faults()
    sim.reset_stats()
    again = client.get(week_url(customer)).content.decode()
    assert "step-" in again and "Chargement" not in again and sim.stats()["total"] == 0


def test_a_week_that_comes_within_the_moment_is_shown_in_the_answer(sim, lazy, login, driver, customer):
    lazy.STEPS_LAZY_AFTER_S = 30.0
    page = login(driver).get(week_url(customer)).content.decode()
    assert "step-" in page and "Chargement" not in page


def test_without_javascript_the_noscript_link_shows_the_cards_in_the_page(sim, lazy, login, driver, customer):
    client = login(driver)
    shell = client.get(week_url(customer)).content.decode()
    inline_url = re.search(r'<noscript><p><a href="([^"]+)"', shell).group(1).replace("&amp;", "&")
    page = client.get(inline_url).content.decode()
    assert "inline=1" in inline_url and "step-" in page and "Chargement" not in page


def test_a_manager_gets_a_drivers_week_the_same_way(sim, lazy, login, manager, customer):
    client = login(manager)
    monday = local_today(customer) - timedelta(days=local_today(customer).weekday() + 7)
    client.get("/drivers/")  # the fleet directory cached, as the manager came from the list
    sim.set_faults(latency_ms=300)
    shell = client.get(f"/drivers/7001/trips/?day={monday.isoformat()}&span=week").content.decode()
    cards = client.get(part_url(shell), headers={"HX-Request": "true"}).content.decode()
    assert "step-" in cards and "<html" not in cards
