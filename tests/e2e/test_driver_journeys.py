"""A driver on a phone (375 × 812) declares trips; a manager approves a request — in a real browser."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from privacy.models import DeclarationPolicy
from privacy.steps.models import StepDeclaration
from privacy.steps.services.fetch import local_today
from tests.e2e.conftest import PHONE, log_in, visit
from tests.steps.conftest import find_row, sim_value

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True})
    yield context.new_page()
    context.close()


def open_day(page, server: str, day) -> None:
    page.goto(f"{server}/trips/?day={day:%Y-%m-%d}&span=day")
    page.wait_for_load_state("networkidle")


def test_a_driver_on_a_phone_declares_a_trip_private_undoes_it_and_meets_the_deadline(phone, server, driver, sim):
    row = find_row(driver.customer, driver, kind="pro", days=range(1, 4))
    page = phone
    log_in(page, server, driver, check=True)
    page.get_by_role("link", name="Mes trajets").first.click()
    expect(page.locator("h1")).to_have_text("Mes trajets")
    open_day(page, server, row.day)
    visit(page, "the driver's trips on a phone", screenshot="my-trips-phone", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling

    trip = page.locator(f"#{row.dom_id}")
    trip.get_by_role("button", name="Privé").click()
    expect(trip.get_by_role("button", name="Privé")).to_have_attribute("aria-pressed", "true")
    expect(trip).to_contain_text("Confirmé par Océan", timeout=10_000)
    assert sim_value(sim, row) is True

    trip.get_by_role("button", name="Pro").focus()  # undo with the keyboard: back to professional
    page.keyboard.press("Enter")
    expect(trip.get_by_role("button", name="Pro")).to_have_attribute("aria-pressed", "true")
    expect(trip.get_by_role("button", name="Pro")).to_be_focused()  # the swapped row keeps the focus
    expect(trip.get_by_role("button", name="Privé")).to_have_attribute("aria-pressed", "false")
    expect(trip).to_contain_text("Confirmé par Océan", timeout=10_000)
    assert sim_value(sim, row) is False
    visit(page, "a declared trip")

    old = local_today(driver.customer) - timedelta(days=driver.customer.declaration_deadline_days + 3)
    open_day(page, server, old)
    deadline = page.get_by_text(re.compile("Délai dépassé : déclaration possible jusqu’au"))
    expect(deadline.first).to_be_visible()
    expect(page.locator(".step-row button.toggle-private")).to_have_count(0)
    visit(page, "an old day past the deadline")


def test_a_manager_approves_a_request_a_driver_made_on_a_phone(phone, page, server, driver, manager, sim):
    driver.customer.declaration_policy = DeclarationPolicy.APPROVAL
    driver.customer.save()
    row = find_row(driver.customer, driver, kind="pro", days=range(1, 4))
    log_in(phone, server, driver)
    open_day(phone, server, row.day)
    phone.locator(f"#{row.dom_id}").get_by_role("button", name="Privé").click()
    expect(phone.locator(f"#{row.dom_id}")).to_contain_text("En attente de validation")
    assert sim_value(sim, row) is None  # nothing upstream before a manager approves

    log_in(page, server, manager)
    page.get_by_role("link", name="Déclarations").first.click()
    expect(page.locator("#queue-title")).to_contain_text("1 demande")
    visit(page, "the declarations queue", screenshot="declarations")
    pending = StepDeclaration.objects.get(step_id=row.step_id)
    page.locator(f"#declaration-{pending.pk}").get_by_role("button", name="Valider").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#queue-title")).to_contain_text("0 demande")
    visit(page, "the queue after approving")
    assert sim_value(sim, row) is True

    open_day(phone, server, row.day)
    expect(phone.locator(f"#{row.dom_id}")).to_contain_text("Confirmé par Océan")
