"""The grid painted with the keyboard alone; an expired session inside an htmx action; the checkers can fail."""
from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, axe_check, keyboard_check, log_in, visit
from tests.steps.conftest import find_row

pytestmark = pytest.mark.e2e


def test_a_manager_reaches_the_grid_with_tab_and_paints_with_space_and_arrows(page, server, manager, sim):
    log_in(page, server, manager)
    page.goto(f"{server}/drivers/7006/")  # no private hours yet
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('role')") == "gridcell":
            break
    focused = page.locator("td:focus")
    expect(focused).to_have_attribute("aria-label", "lundi 00:00")

    page.keyboard.press("ArrowDown")  # Tuesday 00:00
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # → 01:00
    expect(page.locator("td:focus")).to_have_attribute("aria-label", "mardi 01:00")
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("Shift+ArrowRight")  # paint 01:15, 01:30, 01:45
    expect(page.locator("td.q.on")).to_have_count(4)
    expect(page.locator('td[aria-label="mardi 01:45"]')).to_have_attribute("aria-selected", "true")
    expect(page.locator("#grid-diff .diff-lines")).to_have_text("mardi : + 01:00–02:00")

    page.keyboard.press("Enter")  # Enter toggles too: 01:45 off again
    expect(page.locator("td.q.on")).to_have_count(3)
    expect(page.locator("#grid-diff .diff-lines")).to_have_text("mardi : + 01:00–01:45")


def test_an_expired_session_during_a_declaration_toggle_lands_on_the_login_page(browser, browser_context_args,
                                                                                server, driver, sim):
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    page = context.new_page()
    row = find_row(driver.customer, driver, kind="pro", days=range(1, 4))
    log_in(page, server, driver)
    page.goto(f"{server}/trips/?day={row.day:%Y-%m-%d}&span=day")
    page.wait_for_load_state("networkidle")

    Session.objects.all().delete()  # the session expires on the server while the page is open
    page.locator(f"#{row.dom_id}").get_by_role("button", name="Privé").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Ftrips%2F"))
    expect(page.locator("h1")).to_have_text("Connexion")
    expect(page.locator("header.topbar")).to_have_count(1)  # a whole page, not a login form inside a row
    context.close()


def test_an_expired_session_during_the_grid_preview_lands_on_the_login_page(page, server, manager, sim):
    log_in(page, server, manager)
    page.goto(f"{server}/drivers/7006/")
    page.wait_for_load_state("networkidle")
    Session.objects.all().delete()
    page.locator('td[data-n="0"]').click()  # the diff preview is an htmx POST
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Fdrivers%2F7006%2F"))
    expect(page.locator("#grid-diff")).to_have_count(0)
    log_in_again = page.locator("#id_username")
    expect(log_in_again).to_be_visible()


def test_the_checkers_fail_on_a_page_with_a_violation(page, server):
    """The accessibility checks can fail: an unlabelled field and a control out of the tab order."""
    page.goto(f"{server}/accounts/login/")
    page.evaluate("""() => {
        const input = document.createElement('input');
        document.querySelector('main').append(input);
        const button = document.createElement('button');
        button.textContent = 'Hors clavier'; button.tabIndex = -1; button.setAttribute('tabindex', '5');
        document.querySelector('main').append(button);
    }""")
    with pytest.raises(AssertionError, match="label"):
        axe_check(page, "a broken page")
    page.evaluate("() => { document.querySelector('main > input').remove(); }")
    page.evaluate("() => { const b = document.querySelector('main > button'); b.setAttribute('tabindex', '0');"
                  " b.addEventListener('focus', () => b.blur()); }")
    visit(page, "a page that is fine again", keyboard=False)
    with pytest.raises(AssertionError, match="not reachable"):
        keyboard_check(page, "a control that refuses the focus")
