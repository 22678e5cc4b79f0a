"""Issue 18, every person: French error pages, quiet 403s, no-store, Ocean errors in words, plurals,
a period's last day, the monthly trend of the chosen period."""
from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import ngettext

from privacy.ocean import OceanRejected, OceanUnavailable
from privacy.services.ocean import ocean_error_message
from privacy.templatetags.period_filters import period_end


def test_a_missing_page_is_french_styled_with_a_way_back(login, driver):
    response = login(driver).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in html and 'href="/"' in html and "css/app.css" in html
    assert "Not Found" not in html


def test_a_refused_page_is_french_and_logs_no_traceback_at_warning(login, driver, caplog):
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = login(driver).get("/drivers/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Accès refusé" in html and "Retour à l’accueil" in html and "Forbidden" not in html
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records, "the 403 is still logged"
    assert all(r.levelno < logging.WARNING and r.exc_info is None for r in records)


def test_a_server_error_page_is_french_and_needs_no_request():
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Une erreur est survenue" in html and 'href="/"' in html


def test_an_expired_form_is_a_french_page(login, driver):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(driver)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()


def test_dynamic_pages_are_never_stored_by_the_browser(login, driver, manager):
    assert login(driver).get("/privacy/")["Cache-Control"] == "no-store"
    assert "no-store" in login(None).get("/accounts/login/")["Cache-Control"]
    assert login(manager).get("/no-such-page/")["Cache-Control"] == "no-store"


@pytest.mark.parametrize("exc", [
    OceanUnavailable("Ocean answered HTTP 500 on GET vieprivee/7001", status=500),
    OceanUnavailable("Ocean unreachable (ConnectTimeout) on GET vieprivee/7001"),
    OceanRejected(403, "Forbidden: customerId not accessible with this account"),
    OceanRejected(404, "Not Found"),
])
def test_ocean_errors_are_told_in_french_words_only(exc):
    with translation.override("fr"):
        text = ocean_error_message(exc)
    for technical in ("HTTP", "GET", "vieprivee", "Forbidden", "Not Found", "ConnectTimeout", "modification"):
        assert technical not in text, text
    assert "Océan" in text


def test_counts_use_french_plurals():
    with translation.override("fr"):
        assert ngettext("%(count)s entity", "%(count)s entities", 0) % {"count": 0} == "0 entité"
        assert ngettext("%(count)s entity", "%(count)s entities", 1) % {"count": 1} == "1 entité"
        assert ngettext("%(count)s entity", "%(count)s entities", 2) % {"count": 2} == "2 entités"
        html = render_to_string("privacy/partials/_application_progress.html", {
            "progress": {"finished": 1, "total": 1, "confirmed": 1, "skipped": 0, "failed": 0, "done": False},
            "application": type("A", (), {"pk": 1})(), "items": []})
        assert "1 conducteur traité sur 1" in html and "conducteurs" not in html.split("Relancer")[0]


def test_a_period_ending_at_midnight_is_shown_as_its_last_day():
    with translation.override("fr"):
        assert period_end(datetime(2026, 1, 4, 23, 0, tzinfo=UTC)) == "dim 04/01/2026, fin de journée"
        assert period_end(datetime(2026, 1, 4, 17, 30, tzinfo=UTC)) == "dim 04/01/2026 18:30"


def test_the_privacy_page_says_exactly_what_each_role_sees(login):
    html = login(None).get("/privacy/").content.decode()
    section = html.split('id="who-sees"')[1].split("</section>")[0]
    for role in ("Vous (conducteur)", "Votre gestionnaire de flotte", "RH", "Administrateurs du portail"):
        assert role in section
    assert "trajets privés compris : son jour, ses heures de début et de fin, sa distance" in section
    assert "ne voient que des totaux" not in html and "only ever see totals" not in html


@pytest.mark.django_db
def test_the_vehicle_view_explains_why_its_totals_differ(login, hr, customer):
    from tests.reports.conftest import make_snapshot, row
    from tests.reports.test_views import JAN, Q_JAN

    make_snapshot(customer, JAN, [row(kind="vehicle", ocean_id=5001, name="AB-123-CD", private_m=10, pro_m=10)])
    html = login(hr).get("/reports/", {**Q_JAN, "view": "vehicle"}).content.decode()
    assert "véhicules de pool" in html and "Pourquoi ces totaux diffèrent" in html


@pytest.mark.django_db
def test_the_monthly_trend_follows_the_chosen_period(customer):
    from privacy.reports.services.periods import Period
    from privacy.reports.services.queries import monthly_trend
    from tests.reports.conftest import make_snapshot, row

    for year, month in ((2025, 11), (2025, 12), (2026, 1), (2026, 2)):
        make_snapshot(customer, Period.month(year, month), [row(private_m=1000, pro_m=1000)])
    quarter = [p.start for p, _sums in monthly_trend(customer, period=Period.quarter(2025, 4))]
    assert quarter == [date(2025, 11, 1), date(2025, 12, 1)]
    january = [p.start for p, _sums in monthly_trend(customer, period=Period.month(2026, 1))]
    assert january[-1] == date(2026, 1, 1) and date(2026, 2, 1) not in january  # up to the chosen month


@pytest.mark.django_db
def test_an_import_error_is_stored_as_a_code_and_shown_in_the_readers_language(login, admin_user, customer):
    from django.utils.translation import gettext_noop

    from privacy.onboarding.models import OnboardingRun
    from privacy.services.stored_text import coded

    run = OnboardingRun.objects.create(customer=customer, kind="csv", source="users.csv", counts={"failed": 1},
                                       rows=[{"line": 2, "matricule": "", "name": "", "username": "",
                                              "status": "failed", "invited": False, "driver_id": None,
                                              "reason": coded(gettext_noop("invalid e-mail “%(email)s”"),
                                                              email="x@")}])
    client = login(admin_user)
    french = client.get(f"/setup/runs/{run.pk}/").content.decode()
    assert "e-mail invalide « x@ »" in french and "i18n:" not in french
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/setup/runs/{run.pk}/").content.decode()
    assert "invalid e-mail “x@”" in english
