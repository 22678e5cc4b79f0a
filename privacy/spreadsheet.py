"""The one cell-escaping rule every CSV and XLSX the portal writes goes through (formula injection).

OWASP "CSV Injection": a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula by Excel, LibreOffice or Google Sheets. Names reach the files from users (templates,
periods, customers, entities), from Océan (drivers, plates, entities) and from CSV imports, so every text
cell is prefixed with ``'`` when it starts with one of those characters; the spreadsheet then shows it as
text. Numbers (int, float, Decimal) are left alone so sums still work, and so is a text that is only a
number (``-12,30``), which no spreadsheet evaluates as a formula. In XLSX every text cell is also typed as
text (``t="s"``), never as a formula.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d\s\u202f\xa0]*(?:[.,]\d+)?%?")


def safe_cell(value):
    """``value`` ready for a spreadsheet cell: text that could start a formula gets a leading ``'``."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_row(values: Iterable) -> list:
    return [safe_cell(v) for v in values]


# French Excel: UTF-8 only with a byte-order mark, ";" between cells (the comma is the decimal mark).
BOM = "\ufeff"
FRENCH_DELIMITER = ";"


class _Echo:
    """csv.writer wants a file; this one hands each line back (for streaming responses)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """A French-Excel CSV line by line (BOM, ";", every cell escaped): for a streaming response, or
    ``"".join(...)`` for a file."""
    writer = csv.writer(_Echo(), delimiter=FRENCH_DELIMITER)
    yield BOM + writer.writerow(safe_row(header))
    for row in rows:
        yield writer.writerow(safe_row(row))


def xlsx_bytes(title: str, rows: Iterable[Iterable]) -> bytes:
    """An XLSX workbook of one sheet; text cells are escaped and typed as text, numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    book = Workbook()
    sheet = book.active
    sheet.title = (title or "Export")[:31]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c)
            value = safe_cell(value)
            if isinstance(value, str):
                cell.value = value
                cell.data_type = TYPE_STRING  # openpyxl would otherwise make "=…" a formula
            else:
                cell.value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
