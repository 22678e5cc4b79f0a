"""One submission = one write in a real browser (issue 14 #8): with Océan answering in 800 ms, three
clicks on "Save" 300 ms apart send one request; the button shows work while it runs."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from privacy.week import WeeklySchedule
from tests.e2e.conftest import log_in
from tests.e2e.test_manager_journeys import drag
from tests.schedules.conftest import sim_week, writes

pytestmark = pytest.mark.e2e
SAVE = "POST vieprivee/v1/horairesViePriveeRecurrentesIndividu"

# In the page: report the button's state just after the submit, and click twice more 300 ms apart.
WATCH_AND_CLICK_AGAIN = """() => {
  const button = [...document.querySelectorAll("button")].find(b => b.textContent.includes("Enregistrer dans Océan"));
  document.addEventListener("submit", () => setTimeout(
    () => console.log(`state disabled=${button.disabled} busy=${button.getAttribute("aria-busy")}`), 50));
  setTimeout(() => button.click(), 300);
  setTimeout(() => button.click(), 600);
}"""


def test_three_clicks_on_save_with_a_slow_ocean_write_once_and_show_work(page, server, manager, sim):
    log_in(page, server, manager)
    page.goto(f"{server}/drivers/7006/")  # the simulator's driver without private hours
    drag(page, 48, 55)  # Monday 12:00–14:00
    saves = []
    page.on("request", lambda r: saves.append(r.url) if r.method == "POST" and r.url.endswith("/drivers/7006/")
            else None)
    console = []
    page.on("console", lambda message: console.append(message.text))
    sim.reset_stats()
    sim.set_faults(latency_ms=800)
    page.evaluate(WATCH_AND_CLICK_AGAIN)
    page.get_by_role("button", name="Enregistrer dans Océan").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messages")).to_be_visible()
    sim.clear_faults()
    assert "state disabled=true busy=true" in console, console
    assert len(saves) == 1, saves
    assert writes(sim) == {SAVE: 1}
    assert sim_week(sim, 7006) == WeeklySchedule({"LUNDI": [(720, 840)]})
