"""CSV and XLSX exports open and hold the numbers of the page, with the period and "as of"."""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from privacy.models import AuditEntry

from .conftest import make_snapshot, row
from .test_views import JAN, Q_JAN


@pytest.fixture
def january(customer):
    return make_snapshot(customer, JAN, [
        row(ocean_id=7001, name="DUPONT Jean", private_m=1_234_567, pro_m=2_000_001, cost="123.45"),
        row(ocean_id=7002, name="MARTIN Zoé", private_m=0, pro_m=0, cost="0"),
    ])


def page_numbers(html: str) -> list[list[Decimal]]:
    """Numbers of the page's table rows (body and total), in French format, in column order."""
    table = html.split("<table")[1].split("</table>")[0]
    out = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        cells = re.findall(r'class="num">([^<]*)<', tr)
        out.append([_fr(c) for c in cells])
    return out


def _fr(text: str):
    text = text.split("\u00a0")[:-1] if "\u00a0" in text else [text]
    joined = "".join(text).replace("\u202f", "").replace("\u00a0", "").replace(",", ".")
    return None if joined in ("—", "") else Decimal(joined)


def test_xlsx_holds_the_same_numbers_as_the_page_with_period_and_as_of(login, hr, january):
    client = login(hr)
    page = page_numbers(client.get(reverse("privacy:reports"), Q_JAN).content.decode())
    response = client.get(reverse("privacy:report_export"), {**Q_JAN, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    labels = {r[0]: r[1] for r in values[:5] if r[0]}
    assert "2026" in labels["Période"] and "01/01/2026" in labels["Période"] and "31/01/2026" in labels["Période"]
    assert labels["À jour au"] == "05/01/2026 04:30"
    header_index = next(i for i, r in enumerate(values) if r[0] == "Nom")
    body = values[header_index + 1:]
    as_numbers = [[None if v in ("", None) else Decimal(str(v)).quantize(Decimal("0.01")) for v in r[2:]]
                  for r in body]
    expected = [[None if v is None else v.quantize(Decimal("0.01")) for v in r] for r in page]
    assert as_numbers == expected
    assert body[0][0] == "DUPONT Jean" and body[-1][0] == "Total"
    assert body[0][2] == pytest.approx(1234.6)


def test_csv_is_french_excel_format_by_default_and_holds_the_page_numbers(login, hr, january):
    client = login(hr)
    html = client.get(reverse("privacy:reports"), Q_JAN).content.decode()
    page = page_numbers(html)
    assert "CSV (Excel français)" in html and "format=csv_intl" in html  # both offered, French first
    assert html.index("format=csv\"") < html.index("format=csv_intl")
    response = client.get(reverse("privacy:report_export"), {**Q_JAN, "format": "csv"})
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[2][0] == "Période" and rows[3][0] == "À jour au"
    header_index = next(i for i, r in enumerate(rows) if r and r[0] == "Nom")
    assert "Part privée (%)" in rows[header_index]  # a percentage column says so
    assert "Heures privées" in rows[header_index] and "Électricité (kWh)" in rows[header_index]
    body = rows[header_index + 1:]
    assert "1234,6" in body[0]  # "," decimals: French Excel reads a number, not text
    assert not any("." in v for r in body for v in r[2:])
    assert [[Decimal(v.replace(",", ".")) if v else None for v in r[2:]] for r in body] == page


def test_csv_in_international_format_on_request(login, hr, january):
    response = login(hr).get(reverse("privacy:report_export"), {**Q_JAN, "format": "csv_intl"})
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=","))
    header_index = next(i for i, r in enumerate(rows) if r and r[0] == "Nom")
    assert "1234.6" in rows[header_index + 1]
    assert AuditEntry.objects.filter(action="report.export", actor__username="hr").count() == 1


def test_an_unknown_format_is_a_400(login, hr, january):
    assert login(hr).get(reverse("privacy:report_export"), {**Q_JAN, "format": "pdf"}).status_code == 400


def test_exports_of_the_entity_view_and_an_empty_period_still_open(login, hr, january):
    client = login(hr)
    response = client.get(reverse("privacy:report_export"), {"period": "year", "year": "2020", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert any(r[1] == "aucune donnée" for r in sheet.iter_rows(values_only=True))
