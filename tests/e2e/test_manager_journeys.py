"""A fleet manager in a real browser: the grid painted by dragging, a preset on one day, holidays, a template."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import holidays
import pytest
from playwright.sync_api import expect

from privacy.schedules.models import BulkApplicationItem
from privacy.services.fleet import fleet_get
from privacy.week import WeeklySchedule
from tests.e2e.conftest import log_in, visit
from tests.schedules.conftest import sim_periods, sim_week

pytestmark = pytest.mark.e2e

PER_DAY = 96
PARIS = ZoneInfo("Europe/Paris")


def drag(page, first: int, last: int) -> None:
    """Press on cell ``first``, move across the grid, release on cell ``last`` (cells are 15 minutes)."""
    page.locator(f'td[data-n="{first}"]').scroll_into_view_if_needed()
    start = page.locator(f'td[data-n="{first}"]').bounding_box()
    end = page.locator(f'td[data-n="{last}"]').bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=8)
    page.mouse.up()


def test_a_manager_paints_hours_applies_a_preset_to_one_day_sees_the_diff_and_saves(page, server, manager, sim):
    log_in(page, server, manager, check=True)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(f"{server}/drivers/")
    visit(page, "the drivers list", screenshot="drivers")

    page.get_by_label("Rechercher").fill("M0006")  # the simulator's driver without private hours
    page.get_by_role("button", name="Filtrer").click()
    rows = page.locator("table.drivers-table tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/drivers/7006/$"))
    visit(page, "the driver's grid")
    assert sim_week(sim, 7006) == WeeklySchedule()

    # Monday 12:00–14:00 painted by dragging across eight quarter-hour cells, Wednesday 07:00–08:30 too.
    drag(page, 48, 55)
    drag(page, 2 * PER_DAY + 28, 2 * PER_DAY + 33)
    expect(page.locator("td.q.on")).to_have_count(8 + 6)
    expect(page.locator('td[data-n="48"]')).to_have_attribute("aria-selected", "true")

    # "Soirs et week-end" on Tuesday only: the other days keep what was painted.
    page.get_by_label("Appliquer à").select_option(label="mardi")
    page.get_by_role("button", name="Soirs et week-end").click()
    expect(page.locator("td.q.on")).to_have_count(8 + 6 + 32 + 24)

    diff = page.locator("#grid-diff .diff-lines")
    expect(diff).to_contain_text("lundi : + 12:00–14:00")
    expect(diff).to_contain_text("mardi : + 00:00–08:00")
    expect(diff).to_contain_text("mardi : + 18:00–24:00")
    expect(diff).to_contain_text("mercredi : + 07:00–08:30")
    expect(diff.locator("li")).to_have_count(4)
    visit(page, "the grid with its diff", screenshot="grid-diff")

    page.get_by_role("button", name="Enregistrer dans Océan").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messages")).to_be_visible()
    expected = WeeklySchedule({"LUNDI": [(720, 840)], "MARDI": [(0, 480), (1080, 1440)], "MERCREDI": [(420, 510)]})
    assert sim_week(sim, 7006) == expected

    page.reload()
    expect(page.locator("td.q.on")).to_have_count(8 + 32 + 24 + 6)
    expect(page.locator("#id_cells")).to_have_value(re.compile(r"^0{48}1{8}0{40}"))
    expect(page.locator("#grid-diff")).not_to_contain_text("+")
    visit(page, "the confirmed grid")


def test_a_manager_adds_the_2027_public_holidays_to_two_drivers(page, server, manager, sim):
    log_in(page, server, manager)
    page.goto(f"{server}/drivers/?sort=matricule")
    boxes = page.locator('tbody input[name="drivers"]')
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Ajouter les jours fériés à la sélection").click()
    expect(page.locator("h1")).to_contain_text("fériés")
    page.get_by_label("Année").fill("2027")
    page.get_by_role("button", name="Afficher les jours fériés").click()
    expect(page.locator("legend")).to_contain_text("2027")
    ticked = page.locator('input[name="holiday"]:checked')
    expect(ticked).to_have_count(11)  # metropolitan France: 11 public holidays
    visit(page, "the public holidays", screenshot="holidays")

    page.get_by_role("button", name="Ajouter aux conducteurs sélectionnés").click()
    page.wait_for_load_state("networkidle")
    progress = page.locator("#application-progress")
    expect(progress.locator("h2")).to_have_text("Terminé", timeout=20_000)
    expect(progress.locator("tbody tr")).to_have_count(2)
    expect(progress.get_by_role("status")).to_contain_text("confirmés 2")
    visit(page, "the holidays' progress")
    expected = set(holidays.France(years=2027))
    for driver_id in (7001, 7002):  # whole local days, from midnight to midnight in Paris
        periods = [(s.astimezone(PARIS), e.astimezone(PARIS)) for _label, s, e in sim_periods(sim, driver_id)]
        added = {start.date() for start, end in periods if start.year == 2027 and start.hour == 0 and end.hour == 0}
        assert added == expected

    page.goto(f"{server}/drivers/7001/periods/")
    expect(page.locator("main")).to_contain_text("2027")
    visit(page, "a driver's exceptional periods", screenshot="periods")


def test_a_manager_applies_a_template_to_an_entity_and_watches_the_progress_finish(page, server, manager, sim,
                                                                                   slow_worker):
    log_in(page, server, manager)
    page.goto(f"{server}/templates/")
    visit(page, "the templates")
    page.get_by_role("link", name="Nouveau modèle").click()
    page.get_by_label("Nom").fill("Midi libre")
    page.get_by_role("button", name="Tout professionnel").click()
    page.get_by_role("button", name=re.compile("Pause déjeuner")).click()
    expect(page.locator("td.q.on")).to_have_count(5 * 6)
    visit(page, "the template editor")
    page.get_by_role("button", name="Enregistrer le modèle").click()
    page.wait_for_load_state("networkidle")

    page.goto(f"{server}/templates/")
    page.get_by_role("link", name="Appliquer un modèle à une entité").click()
    page.get_by_label("Modèle").select_option(label="Midi libre")
    page.get_by_label("Entité").select_option(label="Agence Paris")
    visit(page, "applying a template")
    page.get_by_role("button", name="Appliquer", exact=True).click()
    expect(page.locator("h1")).to_have_text("Appliquer « Midi libre » à Agence Paris ?")  # what will change, first
    visit(page, "the confirmation before applying to an entity", screenshot="template-apply-confirm")
    page.get_by_role("button", name="Appliquer à ces conducteurs").click()

    expect(page).to_have_url(re.compile(r"/applications/\d+/"))
    progress = page.locator("#application-progress")
    expect(progress.locator("h2")).to_have_text("En cours…")  # the worker has not started yet
    visit(page, "the template progress while it runs", keyboard=False)
    expect(progress.locator("h2")).to_have_text("Terminé", timeout=30_000)  # polled every second
    expect(progress.get_by_role("status")).to_contain_text("en échec 0")
    assert progress.locator("progress").get_attribute("value") == progress.locator("progress").get_attribute("max")
    visit(page, "the template progress", screenshot="template-progress")
    paris = [d.ocean_id for d in fleet_get(manager.customer).drivers.values() if d.entity_id == 122]
    expect(progress.locator("tbody tr")).to_have_count(len(paris))
    assert BulkApplicationItem.objects.filter(status="confirmed").count() == len(paris) > 0
