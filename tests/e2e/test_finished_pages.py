"""Issue 18 in a real browser: phone trip cards, the read-only grid on a phone, a painting kept through a
login, French error pages, the history and e-mails pages, the report table at 1366 px."""
from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import PHONE, log_in, visit
from tests.steps.conftest import find_row

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True})
    yield context.new_page()
    context.close()


def test_a_driver_on_a_phone_sees_compact_cards_and_checks_a_day(phone, server, driver, sim):
    row = find_row(driver.customer, driver, kind="pro", days=range(1, 4))
    page = phone
    log_in(page, server, driver)
    page.goto(f"{server}/trips/?day={row.day:%Y-%m-%d}&span=day")
    visit(page, "the driver's compact trips on a phone", screenshot="my-trips-phone", full_page=False)
    trip = page.locator(f"#{row.dom_id}")
    # An undeclared trip: neither "Privé" nor "Pro" looks pressed (the schedule is only a hint).
    expect(trip.locator('button[aria-pressed="true"]')).to_have_count(0)
    assert trip.bounding_box()["height"] < PHONE["height"] / 2  # a trip is a few lines, not a screen
    for badge in page.locator(".badge").all():  # "Privé" / "Pro" badges on one line
        box = badge.bounding_box()
        assert box["height"] < 30, badge.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("button", name=re.compile("Cette journée est correcte")).first.click()
    expect(page.locator(".message-success")).to_contain_text("rien n’a été envoyé à Océan")
    expect(page.locator(".day-checked")).to_contain_text("Journée vérifiée")
    visit(page, "a checked day")


def test_the_read_only_grid_fits_a_phone(phone, server, driver, sim):
    page = phone
    log_in(page, server, driver)
    page.goto(f"{server}/me/private-hours/")
    visit(page, "the driver's private hours on a phone", screenshot="my-private-hours-phone", full_page=False)
    last = page.locator('td[aria-label="dimanche 23:45"]')
    box = last.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]  # 23:45 on screen, not clipped at 06 h
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_painting_survives_a_session_that_expires_before_saving(page, server, manager, sim):
    log_in(page, server, manager)
    page.goto(f"{server}/drivers/7006/")  # no private hours yet
    page.wait_for_load_state("networkidle")
    for n in (0, 1, 2):
        page.locator(f'td[data-n="{n}"]').click()
    expect(page.locator("td.q.on")).to_have_count(3)
    page.wait_for_load_state("networkidle")

    Session.objects.all().delete()  # the session expires while the manager paints
    page.get_by_role("button", name="Enregistrer dans Océan").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=(%2F|/)drivers(%2F|/)7006"))
    page.locator("#id_username").fill(manager.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page).to_have_url(re.compile(r"/drivers/7006/$"))
    expect(page.locator("[data-grid-restored]")).to_be_visible()
    expect(page.locator("td.q.on")).to_have_count(3)  # the painting is back, not lost
    expect(page.locator("#grid-diff .diff-lines")).to_contain_text("lundi : + 00:00–00:45")
    visit(page, "a restored painting", keyboard=False)
    page.get_by_role("button", name="Enregistrer dans Océan").click()
    expect(page.locator(".message-success")).to_be_visible()
    page.reload()
    expect(page.locator("[data-grid-restored]")).to_be_hidden()  # saved: the draft is gone
    expect(page.locator("td.q.on")).to_have_count(3)


def test_error_pages_are_french_with_a_way_back(page, server, driver, sim):
    log_in(page, server, driver)
    response = page.goto(f"{server}/no-such-page/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page introuvable")
    visit(page, "the 404 page", screenshot="error-404")
    response = page.goto(f"{server}/drivers/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Accès refusé")
    visit(page, "the 403 page")
    page.get_by_role("link", name="Retour à l’accueil").click()
    expect(page.locator("h1")).to_have_text("Mes trajets")


def test_history_and_emails_pages_for_a_manager(page, server, manager, driver, sim):
    from privacy.services.audit import audit_record

    audit_record(actor=manager, action="period.add", customer=manager.customer, driver_id=7001, target="Congés",
                 after={"label": "Congés", "start": "2027-07-05T00:00:00+02:00", "end": "2027-07-10T00:00:00+02:00"},
                 upstream_result="confirmed")
    log_in(page, server, manager)
    page.get_by_role("link", name="Historique").click()
    expect(page.locator("h1")).to_have_text("Historique")
    expect(page.locator("table")).to_contain_text("a ajouté une période exceptionnelle")
    visit(page, "the history", screenshot="history")
    page.get_by_role("link", name="E-mails").click()
    expect(page.locator("h1")).to_have_text("E-mails envoyés par le portail")
    visit(page, "the e-mails page", screenshot="emails")


def test_the_report_table_fits_1366_px_without_upper_casing(browser, browser_context_args, server, hr, sim):
    from tests.reports.conftest import make_snapshot, row
    from tests.reports.test_views import JAN

    make_snapshot(hr.customer, JAN, [row(ocean_id=7000 + i, name=f"Dupont-Lefèvre Jean-Baptiste {i}",
                                         entity_name="Agence Lyon Part-Dieu") for i in range(1, 8)])
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": 1366, "height": 900}})
    page = context.new_page()
    log_in(page, server, hr)
    page.goto(f"{server}/reports/?period=month&month=2026-01")
    visit(page, "the report at 1366 px")
    wrap = page.locator(".report-table").locator("xpath=..")
    assert page.evaluate("el => el.scrollWidth <= el.clientWidth", wrap.element_handle())
    assert page.evaluate("() => getComputedStyle(document.querySelector('.report-table th')).textTransform") == "none"
    expect(page.locator(".report-table thead")).to_contain_text("Électricité (kWh)")
    context.close()
