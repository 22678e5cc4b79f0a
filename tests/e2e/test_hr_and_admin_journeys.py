"""HR refreshes a report, reads the chart and downloads the XLSX; an administrator checks the setup."""
from __future__ import annotations

import re

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from privacy.reports.services.periods import Period
from tests.e2e.conftest import log_in, visit

pytestmark = pytest.mark.e2e


def number(text: str) -> float | None:
    """A figure as the French page shows it ("1 234,5 km", "12,3 %") → 1234.5; None for text."""
    cleaned = re.sub(r"[\s\u00a0\u202f]|km|kWh|€|%|L|h", "", text).replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def test_hr_refreshes_a_report_sees_the_chart_and_the_xlsx_holds_the_pages_totals(page, server, hr, sim, tmp_path):
    today = timezone.localtime(timezone.now(), hr.customer.tz).date()
    month = Period.containing_month(today).previous_month()
    log_in(page, server, hr)
    page.goto(f"{server}/reports/?period=month&month={month.start:%Y-%m}")
    expect(page.locator(".report-status")).to_contain_text("Aucun chiffre")
    visit(page, "an empty report")

    page.get_by_role("button", name=re.compile("Récupérer depuis")).click()
    expect(page.locator("#report-progress progress")).to_be_visible()  # the live progress, polled every 2 s
    # Once the refresh is done, the poll reloads the page (HX-Refresh) with the new snapshot.
    expect(page.locator(".report-status")).to_contain_text("Chiffres à jour au", timeout=20_000)
    page.wait_for_load_state("networkidle")

    chart = page.locator("figure.chart svg[role=img]").first
    expect(chart).to_be_visible()
    expect(chart.locator("rect.bar-private").first).to_be_attached()
    totals = page.locator("table.report-table tfoot tr.total-row > *")
    expect(totals.first).to_have_text("Total")
    visit(page, "the report with its chart", screenshot="reports")
    shown = [number(t) for t in totals.all_inner_texts()]
    assert sum(1 for v in shown if v) >= 3, shown

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    total_row = next(r for r in rows if r and r[0] == "Total")
    assert len(total_row) == len(shown)
    for on_page, in_file in zip(shown, total_row, strict=True):
        if on_page is not None:
            assert isinstance(in_file, int | float) and abs(in_file - on_page) < 0.051, (on_page, in_file)

    page.get_by_role("link", name="Avantage en nature").first.click()
    expect(page.locator("h1")).to_contain_text("Avantage en nature")
    visit(page, "the benefit in kind", screenshot="benefit")


def test_an_administrator_sees_the_setup_checks_pass(page, server, admin_user, customer, sim):
    log_in(page, server, admin_user)
    page.goto(f"{server}/setup/")
    checks = page.locator("#checks")
    expect(checks).not_to_be_empty(timeout=20_000)
    expect(checks).to_contain_text("Océan")
    visit(page, "the setup page", screenshot="setup")
