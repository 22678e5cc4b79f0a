"""A report whose analysis the portal cannot read completely says so where people look (D1): the HR
pages, the exports, the benefit page and the setup check — with the setting to change when Ocean's
answer matches a known other reading of the docs."""
from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from privacy.onboarding.services.setup_check import WARNING, run_setup_checks
from privacy.reports.models import ReportRefresh
from privacy.reports.services.queries import current_snapshot

from .conftest import previous_month

pytestmark = pytest.mark.django_db


def refreshed(customer, refresh_now):
    period = previous_month(customer)
    refresh = refresh_now(customer, period)
    assert refresh.status == ReportRefresh.Status.DONE, refresh.message
    return period, current_snapshot(customer, period)


def test_the_default_reading_is_complete(sim, customer, refresh_now):
    _period, snapshot = refreshed(customer, refresh_now)
    assert snapshot.incomplete == ""
    check = {c.key: c for c in run_setup_checks(customers=[customer], worker_timeout=0.01).checks}
    assert check[f"customer.{customer.ocean_customer_id}.analysis"].status == "ok"


def test_unknown_period_keys_mark_the_report_incomplete_and_name_the_setting(
        sim, customer, refresh_now, login, hr):
    sim.set_variants("d1_keys")
    period, snapshot = refreshed(customer, refresh_now)
    assert "PRIVE" in snapshot.incomplete and "PROFESSIONNEL" in snapshot.incomplete
    assert "OCEAN_ANALYSIS_PERIOD_KEYS=VIE_PRIVEE:private,VIE_PRO:pro,PRIVE:private,PROFESSIONNEL:pro" in (
        snapshot.incomplete)
    client = login(hr)
    page = client.get(reverse("privacy:reports"), period.query()).content.decode()
    assert "Ce rapport est incomplet." in page and "OCEAN_ANALYSIS_PERIOD_KEYS" in page
    export = client.get(reverse("privacy:report_export"), {**period.query(), "format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert any(r and r[0] == "Incomplet" and "PRIVE" in r[1] for r in rows)
    check = {c.key: c for c in run_setup_checks(customers=[customer], worker_timeout=0.01).checks}
    analysis = check[f"customer.{customer.ocean_customer_id}.analysis"]
    assert analysis.status == WARNING and "PRIVE" in analysis.detail


def test_another_tree_shape_marks_the_report_incomplete_and_names_the_setting(sim, customer, refresh_now, settings):
    sim.set_variants("d1_tree")
    _period, snapshot = refreshed(customer, refresh_now)
    assert "unexpected tree shape" in snapshot.incomplete and "OCEAN_ANALYSIS_TREE=root-leaf" in snapshot.incomplete
    settings.OCEAN_ANALYSIS_TREE = "root-leaf"  # what the report says to set
    _period, snapshot = refreshed(customer, refresh_now)
    assert snapshot.incomplete == ""


def test_the_benefit_page_and_its_export_say_so_too(sim, customer, refresh_now, login, hr):
    sim.set_variants("d1_keys")
    period, _snapshot = refreshed(customer, refresh_now)  # a month of the year: the benefit reads months
    client = login(hr)
    page = client.get(reverse("privacy:benefit"), {"year": period.start.year}).content.decode()
    assert "Ce rapport est incomplet." in page and "PRIVE" in page
    export = client.get(reverse("privacy:benefit_export"), {"year": period.start.year, "format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert any(r and r[0] == "Incomplet" and "PRIVE" in r[1] for r in rows)
