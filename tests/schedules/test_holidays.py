"""French public holidays: metropolitan vs Alsace-Moselle, applied in bulk as whole-day periods, re-run harmless."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from privacy.schedules.models import BulkApplication
from privacy.schedules.services.holidays import Holiday, french_holidays
from tests.schedules.conftest import sim_periods


def test_2027_metropolitan_holidays_have_no_good_friday_nor_26_december():
    days = {h.day: h.name for h in french_holidays(2027, "metropole")}
    assert len(days) == 11
    assert days[date(2027, 12, 25)] == "Noël"
    assert date(2027, 3, 26) not in days
    assert date(2027, 12, 26) not in days


def test_2027_alsace_moselle_adds_good_friday_and_26_december():
    metro = {h.day for h in french_holidays(2027, "metropole")}
    alsace = {h.day: h.name for h in french_holidays(2027, "alsace-moselle")}
    assert set(alsace) - metro == {date(2027, 3, 26), date(2027, 12, 26)}
    assert alsace[date(2027, 3, 26)] == "Vendredi saint"


def test_a_holiday_is_a_whole_local_day_even_in_summer_time():
    start, end = Holiday(date(2027, 7, 14), "Fête nationale").bounds("Europe/Paris")
    assert start == datetime(2027, 7, 13, 22, tzinfo=UTC) and end == datetime(2027, 7, 14, 22, tzinfo=UTC)


def test_the_page_proposes_the_holidays_of_the_chosen_year_and_region(sim, login, manager):
    html = login(manager).get("/holidays/?drivers=7001&year=2027&region=alsace-moselle").content.decode()
    assert "Vendredi saint" in html and "Saint-Étienne" in html
    html = login(manager).get("/holidays/?drivers=7001&year=2027&region=metropole").content.decode()
    assert "Vendredi saint" not in html and "Noël" in html


@pytest.fixture
def run_inline(monkeypatch):
    """Bulk jobs run in the test process when their transaction commits (the real worker: test_worker.py)."""
    from privacy.schedules.services.bulk import bulk_run
    from privacy.schedules.tasks import bulk_application_run

    monkeypatch.setattr(bulk_application_run, "delay", bulk_run)


def test_adding_holidays_to_selected_drivers_and_running_it_again_is_harmless(
        sim, login, manager, run_inline, django_capture_on_commit_callbacks):
    data = {"drivers": ["7001", "7002"], "year": "2027", "region": "alsace-moselle",
            "holiday": ["2027-03-26", "2027-12-25", "2027-12-26"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = login(manager).post("/holidays/", data)
    assert response.status_code == 302
    job = BulkApplication.objects.get()
    assert sorted(job.items.values_list("status", flat=True)) == ["confirmed", "confirmed"]
    labels = [p[0] for p in sim_periods(sim, 7002)]
    assert sorted(labels) == ["Noël", "Saint-Étienne", "Vendredi saint"]
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post("/holidays/", data)
    again = BulkApplication.objects.order_by("-pk").first()
    assert list(again.items.values_list("status", flat=True)) == ["skipped", "skipped"]
    stored = again.items.first().message
    assert "déjà" not in stored  # stored as a code and its parameters, translated when shown
    from django.utils import translation

    from privacy.services.stored_text import shown

    with translation.override("fr"):
        assert "3 déjà présent(s)" in shown(stored)
    with translation.override("en"):
        assert "3 already present" in shown(stored)
    page = login(manager).get(f"/applications/{again.pk}/").content.decode()
    assert "3 déjà présent(s)" in page and "i18n:" not in page
    assert len(sim_periods(sim, 7001)) == 3


def test_no_driver_selected_is_explained(sim, login, manager):
    html = login(manager).post("/holidays/", {"year": "2027", "region": "metropole",
                                              "holiday": ["2027-12-25"]}).content.decode()
    assert 'role="alert"' in html
    assert not BulkApplication.objects.exists()
