"""CSV and XLSX exports (tablib) built from the very tables the pages show.

Each file starts with who/what/when lines — customer, period, "as of" — then a blank line, the
column headers, the rows and a total row. Numbers are written as numbers (rounded like the page),
so a spreadsheet can sum them. Two CSV flavours, both UTF-8 with BOM: "csv" (the default offered
first) is French Excel's — ";" between fields and "," as the decimal mark — and "csv_intl" is the
international one ("," and "."). Headers of percentage columns say "(%)".
"""
from __future__ import annotations

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from privacy.spreadsheet import BOM, FRENCH_DELIMITER, safe_cell, safe_row, xlsx_bytes

__all__ = ["benefit_dataset", "respond", "safe_cell", "table_dataset"]

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "csv_intl": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _header(dataset: tablib.Dataset, width: int, lines: list[tuple[str, str]]) -> None:
    for label, value in lines:
        dataset.append([label, value] + [""] * (width - 2))
    dataset.append([""] * width)


def _stamp(customer, period, as_of) -> list[tuple[str, str]]:
    as_of_text = timezone.localtime(as_of, customer.tz).strftime("%d/%m/%Y %H:%M") if as_of else _("no data")
    return [(_("Customer"), customer.name), (_("Period"), f"{period.label} ({period.start:%d/%m/%Y} – "
                                                         f"{period.end:%d/%m/%Y})"),
            (_("As of"), as_of_text)]


def table_dataset(table, customer, period, title: str) -> tablib.Dataset:
    width = max(2, len(table.columns))
    dataset = tablib.Dataset(title=title[:31])
    _header(dataset, width, [(_("Report"), title)] + _stamp(customer, period,
                                                              table.snapshot.as_of if table.snapshot else None)
            + _incomplete(table.snapshot))
    dataset.append([f"{c.label} (%)" if c.unit == "%" else str(c.label) for c in table.columns])
    for line in table.lines + ([table.totals] if table.totals else []):
        dataset.append([_cell(line.values[c.key], c.places) for c in table.columns])
    return dataset


def _cell(value, places):
    if value is None:
        return ""
    if places is None:
        return str(value)
    return float(value) if places else int(value)


def _incomplete(snapshot) -> list[tuple[str, str]]:
    """The report's "incomplete" line (D1): what Ocean sent that the portal could not read."""
    if snapshot is None or not getattr(snapshot, "incomplete", ""):
        return []
    return [(_("Incomplete"), _("Ocean sent figures the portal cannot read: %(what)s") % {"what": snapshot.incomplete})]


def benefit_dataset(lines, customer, year: int, as_of, data=None) -> tablib.Dataset:
    from privacy.reports.benefit_words import regime_words
    from privacy.reports.services.periods import Period

    headers = [_("Driver"), _("Vehicle"), _("Private km"), _("Total km"), _("Private share") + " (%)",
               _("Private fuel (€)"), _("Flat rate (€)"), _("Flat-rate formula"),
               _("Actual expenses (€)"), _("Actual-expenses formula"), _("Notes"), _("Matricule"),
               _("Available from"), _("Available until"), _("Months"), _("Regime"),
               _("First day with data"), _("Last day with data"), _("Days without data")]
    dataset = tablib.Dataset(title=_("Benefit in kind")[:31])
    _header(dataset, len(headers), [(_("Report"), _("Benefit in kind"))]
            + _stamp(customer, Period.year(year), as_of) + _incomplete(data))
    dataset.append([str(h) for h in headers])
    for line in lines:
        cover, attribution = line.coverage, line.attribution
        dataset.append([
            line.driver_name, line.vehicle_label, float(line.private_km), float(line.total_km),
            float(line.share) if line.share is not None else "",
            float(line.private_fuel), _money(line.flat), _formula(line.flat), _money(line.actual),
            _formula(line.actual), " ".join(line.notes), line.matricule,
            f"{attribution.start:%d/%m/%Y}" if attribution else "",
            f"{attribution.end:%d/%m/%Y}" if attribution else "",
            line.months, regime_words(line.flat.inputs["regime"]) if line.flat else "",
            f"{cover.first_day:%d/%m/%Y}" if cover and cover.first_day else "",
            f"{cover.last_day:%d/%m/%Y}" if cover and cover.last_day else "",
            cover.days_missing if cover else "",
        ])
    return dataset


def _money(result):
    return float(result.amount) if result is not None else ""


def _formula(result):
    return result.formula if result is not None else ""


def neutralised(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy whose every text cell went through ``safe_cell`` (formula injection, OWASP)."""
    safe = tablib.Dataset(title=dataset.title, headers=safe_row(dataset.headers) if dataset.headers else None)
    for row in dataset:
        safe.append(safe_row(row))
    return safe


def respond(dataset: tablib.Dataset, fmt: str, name: str) -> HttpResponse:
    """The file as a download. ``fmt`` is "csv", "csv_intl" or "xlsx" (anything else is the caller's 400)."""
    return download(file_body(dataset, fmt), fmt, name)


def file_body(dataset: tablib.Dataset, fmt: str) -> str | bytes:
    """The file's content. Every cell goes through ``privacy.spreadsheet.safe_cell``; XLSX text cells are
    typed as text."""
    if fmt == "csv":
        return BOM + neutralised(_decimal_comma(dataset)).export("csv", delimiter=FRENCH_DELIMITER)
    if fmt == "csv_intl":
        return BOM + neutralised(dataset).export("csv", delimiter=",")
    return xlsx_bytes(dataset.title or "", ([dataset.headers] if dataset.headers else []) + list(dataset))


def download(body: str | bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=FORMATS[fmt])
    extension = "csv" if fmt.startswith("csv") else fmt
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "export"}.{extension}"'
    return response


def _decimal_comma(dataset: tablib.Dataset) -> tablib.Dataset:
    """The same rows with "," as the decimal mark in numbers (French Excel reads "12.5" as text)."""
    french = tablib.Dataset(title=dataset.title, headers=dataset.headers)
    for row in dataset:
        french.append([str(v).replace(".", ",") if isinstance(v, float | int) and not isinstance(v, bool)
                       else v for v in row])
    return french
