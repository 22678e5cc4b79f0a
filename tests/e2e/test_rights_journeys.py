"""A driver's data rights in a real browser: « Mes données », who opened my trips, what my employer sees."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from privacy.steps.models import StepAccessLog
from tests.e2e.conftest import log_in, visit
from tests.steps.conftest import find_row
from tests.steps.test_masking import WEEKENDS, place_texts, weekend

pytestmark = pytest.mark.e2e


def test_a_driver_downloads_their_data_sees_who_opened_their_trips_and_what_the_employer_sees(
        page, server, driver, manager, customer, sim):
    row = find_row(customer, manager, kind="private", days=WEEKENDS, predicate=weekend)
    StepAccessLog.objects.create(user=manager, user_label=manager.username, customer=customer,
                                 view=StepAccessLog.View.DRIVER, driver_id=7001, first_day=row.day,
                                 last_day=row.day)
    log_in(page, server, driver)
    page.get_by_role("link", name="Mes données").first.click()
    expect(page.locator("h1")).to_have_text("Mes données")
    visit(page, "my data", screenshot="my-data")
    expect(page.locator(".access-log")).to_contain_text("Marie Gestion (Gestionnaire de flotte) a ouvert vos trajets")

    page.locator("#id_first").fill(row.day.isoformat())
    page.locator("#id_last").fill(row.day.isoformat())
    page.get_by_label("JSON (un seul fichier)").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger").click()
    data = json.loads(open(info.value.path(), encoding="utf-8").read())
    assert row.step_id in {t["step_id"] for t in data["trips"]}
    assert data["access_log"] and "Marie Gestion" in data["access_log"][0]["what"]

    page.get_by_role("link", name="Voir ce que voit mon employeur").click()
    expect(page.locator("h1")).to_have_text("Ce que voit mon employeur")
    page.goto(f"{page.url}?day={row.day.isoformat()}&span=day")
    visit(page, "what my employer sees", screenshot="employer-view")
    trip = page.locator(f"#{row.dom_id}")
    expect(trip).to_contain_text("Privé — lieux masqués")
    html = page.content()
    assert not [t for t in place_texts(customer, row) if t in html], "the preview leaks no private place"
    expect(page.get_by_text("Aucun lieu, aucune adresse, aucune position.")).to_be_visible()


def test_a_driver_on_a_phone_opens_why_a_mixed_trip_is_mixed_and_the_manager_sees_it_without_places(
        browser, browser_context_args, page, server, driver, manager, customer, sim):
    from tests.e2e.conftest import PHONE

    row = find_row(customer, manager, kind="mixed", days=range(1, 30))
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True})
    phone = context.new_page()
    log_in(phone, server, driver)
    phone.goto(f"{server}/trips/?day={row.day:%Y-%m-%d}&span=day")
    trip = phone.locator(f"#{row.dom_id}")
    why = trip.locator("details.why")
    expect(why.locator(".why-body")).to_be_hidden()
    why.locator("summary").click()
    expect(why.locator(".why-body")).to_be_visible()
    expect(why).to_contain_text(f"Trajet mixte : {row.schedule.private_minutes} de ses")
    expect(why).to_contain_text("privé : horaires privés hebdomadaires")
    visit(phone, "a trip's why on a phone", screenshot="trip-why-phone", full_page=False)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()

    log_in(page, server, manager)
    page.goto(f"{server}/drivers/7001/trips/?day={row.day:%Y-%m-%d}&span=day")
    why = page.locator(f"#{row.dom_id} details.why")
    why.locator("summary").focus()
    page.keyboard.press("Enter")  # a keyboard user opens it too
    expect(why.locator(".why-body")).to_be_visible()
    expect(why).to_contain_text("Une seule minute privée suffit à masquer ses lieux aux gestionnaires.")
    expect(page.locator(f"#{row.dom_id}")).to_contain_text("Privé — lieux masqués")
    visit(page, "a trip's why for a manager")


def test_an_administrator_sets_finer_rules_and_a_driver_meets_them(
        browser, browser_context_args, page, server, driver, admin_user, customer, sim):
    from tests.e2e.conftest import PHONE

    log_in(page, server, admin_user)
    page.goto(f"{server}/setup/customers/{customer.pk}/")
    page.get_by_label("Déclarer un trajet professionnel", exact=True).select_option("approval")
    page.get_by_label("Un motif est obligatoire pour déclarer un trajet professionnel").check()
    visit(page, "customer settings with the finer rules", screenshot="declaration-rules")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("networkidle")
    customer.refresh_from_db()
    assert (customer.to_pro_policy, customer.to_pro_reason) == ("approval", True)

    row = find_row(customer, driver, kind="pro", days=range(1, 4))
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True})
    phone = context.new_page()
    log_in(phone, server, driver)
    phone.goto(f"{server}/trips/?day={row.day:%Y-%m-%d}&span=day")
    expect(phone.locator("main")).to_contain_text(
        "Un gestionnaire valide chaque trajet que vous déclarez professionnel")
    trip = phone.locator(f"#{row.dom_id}")
    trip.get_by_role("button", name="Privé").click()
    expect(trip).to_contain_text("Confirmé par Océan", timeout=10_000)
    trip.get_by_role("button", name="Pro").click()
    expect(trip).to_contain_text("Indiquez un motif pour déclarer ce trajet professionnel.")
    trip.get_by_label("Motif (obligatoire pour Pro)").fill("Livraison urgente")
    trip.get_by_role("button", name="Pro").click()
    expect(trip).to_contain_text("En attente de validation")
    visit(phone, "a trip waiting for approval with its reason")
    context.close()


def test_a_manager_imports_a_leave_calendar_previews_it_and_sends_it(page, server, manager, sim, tmp_path):
    from tests.schedules.test_calendars import BRIDGE, SUMMER, ics

    path = tmp_path / "conges.ics"
    path.write_bytes(ics(SUMMER, BRIDGE))
    log_in(page, server, manager)
    page.goto(f"{server}/drivers/7001/periods/")
    page.get_by_role("link", name="Calendriers").last.click()
    expect(page.locator("h2#ics-title")).to_have_text("Importer un fichier ICS")
    visit(page, "a driver's calendars")
    page.get_by_label("Fichier ICS (.ics)").set_input_files(str(path))
    page.locator("#ics-title + form").get_by_role("button", name="Aperçu").click()
    expect(page.locator("h1")).to_have_text("Aperçu de la synchronisation")
    expect(page.locator(".sync-add")).to_have_count(2)
    visit(page, "the calendar sync preview", screenshot="calendar-preview")
    page.get_by_role("button", name="Confirmer et envoyer à Océan").click()
    expect(page.locator(".messages")).to_contain_text("2 périodes ajoutées")
    expect(page.locator("main")).to_contain_text("Congés d’été")
    expect(page.locator("main")).to_contain_text("Pont de l’Ascension")


def test_hr_reads_the_cnil_kit_generated_from_the_configuration(page, server, hr, sim):
    log_in(page, server, hr)
    page.get_by_role("link", name="Kit CNIL").first.click()
    expect(page.locator("h1")).to_contain_text("Kit CNIL")
    expect(page.locator("#retention-title")).to_have_text("Conservation réellement appliquée")
    expect(page.locator("main")).to_contain_text("61 jours après le trajet")
    visit(page, "the CNIL kit", screenshot="cnil-kit")


def test_a_manager_opens_suggested_private_hours_and_takes_them_to_the_grid(page, server, manager, sim):
    log_in(page, server, manager)
    page.goto(f"{server}/drivers/7001/")
    page.get_by_role("link", name="Horaires suggérés").click()
    expect(page.locator("h1")).to_contain_text("Horaires privés suggérés")
    expect(page.locator("#evidence-title")).to_have_text("Éléments de preuve")
    visit(page, "suggested private hours", screenshot="suggested-hours")
    page.get_by_role("button", name="Ouvrir dans la grille comme point de départ").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/drivers/7001/")
    expect(page.locator("[data-grid-input]")).to_have_count(1)
