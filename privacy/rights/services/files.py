"""The « Mes données » download as files: one JSON document, or a ZIP of one CSV per table.

CSV cells go through the project's spreadsheet-safe writer (privacy/spreadsheet.py), so a value typed
by someone else (a reason, a label) can never run as a formula in the driver's spreadsheet. CSV uses
";" and UTF-8 with BOM, like the portal's other exports, so French Excel opens it directly.
"""
from __future__ import annotations

import io
import json
import zipfile

from privacy.rights.services.mydata import SECTIONS, MyData
from privacy.spreadsheet import BOM, csv_lines


def json_bytes(data: MyData) -> bytes:
    return json.dumps(data.as_json(), ensure_ascii=False, indent=2, sort_keys=False, default=str).encode()


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_text(rows: list[dict]) -> str:
    if not rows:
        return BOM
    keys = list(rows[0])
    return "".join(csv_lines(keys, ((_cell(row.get(k)) for k in keys) for row in rows)))


def zip_bytes(data: MyData) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in SECTIONS:
            archive.writestr(f"{name}.csv", csv_text(data.sections.get(name, [])))
        if data.unavailable:
            archive.writestr("unavailable.txt", "\n".join(data.unavailable) + "\n")
    return out.getvalue()
