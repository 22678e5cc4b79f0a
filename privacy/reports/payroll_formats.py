"""Payroll files of the benefit in kind: the generic CSV and column mappings for French payroll tools.

Every file is a ``tablib.Dataset`` written by ``privacy.reports.exports.respond`` (the project's CSV/XLSX
writer). Columns are documented in docs/payroll-export.md. The mappings for Silae, Sage Paie, Cegid and
PayFit are **best guesses** (their import formats are not public in full; each tool lets the customer
map columns on import): the setting ``PAYROLL_EXPORT_FORMATS`` adds or replaces a mapping, and
``PAYROLL_BENEFIT_CODE`` is the pay item code the customer's payroll file uses for the vehicle benefit.

DSN (cahier technique de la DSN, net-entreprises.fr): the benefit is an "Autre élément de revenu brut",
block S21.G00.54, type (S21.G00.54.001) ``04`` "Avantage en nature : véhicule", amount (.002), first and
last day of the period it belongs to (.003, .004, DDMMYYYY).
"""
from __future__ import annotations

from decimal import Decimal

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DSN_BLOCK = "S21.G00.54"
DSN_TYPE_VEHICLE = "04"  # S21.G00.54.001 "Avantage en nature : véhicule"
METHOD_CODES = {"flat": "forfait", "actual": "reel"}

# field names a mapping may use (docs/payroll-export.md § Fields)
GENERIC_COLUMNS = [
    ("matricule", "matricule"), ("nom", "driver_name"), ("periode_debut", "start_iso"),
    ("periode_fin", "end_iso"), ("type_ligne", "kind"), ("methode", "method_code"), ("montant", "amount"),
    ("vehicules", "vehicles"), ("code_rubrique", "code"), ("dsn_bloc", "dsn_block"),
    ("dsn_type_s21_g00_54_001", "dsn_type"), ("dsn_montant_s21_g00_54_002", "amount"),
    ("dsn_debut_s21_g00_54_003", "start_dsn"), ("dsn_fin_s21_g00_54_004", "end_dsn"),
]

BUILT_IN = {
    "generic": {"label": gettext_lazy("Generic CSV (documented)"), "columns": GENERIC_COLUMNS,
                "decimal": ".", "best_guess": False},
    "silae": {"label": "Silae", "best_guess": True, "decimal": ",", "columns": [
        ("Matricule", "matricule"), ("Code", "code"), ("Valeur", "amount"), ("Date debut", "start_fr"),
        ("Date fin", "end_fr")]},
    "sage": {"label": "Sage Paie", "best_guess": True, "decimal": ",", "columns": [
        ("Matricule", "matricule"), ("Rubrique", "code"), ("Montant", "amount"), ("Periode", "month_fr")]},
    "cegid": {"label": "Cegid", "best_guess": True, "decimal": ",", "columns": [
        ("Matricule", "matricule"), ("Rubrique", "code"), ("Montant", "amount"), ("Date debut", "start_fr"),
        ("Date fin", "end_fr")]},
    "payfit": {"label": "PayFit", "best_guess": True, "decimal": ",", "columns": [
        ("Matricule", "matricule"), ("Nom", "driver_name"), ("Element", "code"), ("Montant", "amount"),
        ("Mois", "month_fr")]},
}


def formats() -> dict[str, dict]:
    merged = {k: dict(v) for k, v in BUILT_IN.items()}
    for name, spec in (getattr(settings, "PAYROLL_EXPORT_FORMATS", None) or {}).items():
        if isinstance(spec, dict) and isinstance(spec.get("columns"), list):
            merged[str(name)] = {"label": str(spec.get("label", name)), "decimal": spec.get("decimal", ","),
                                 "best_guess": True, "columns": [tuple(c) for c in spec["columns"]]}
    return merged


def _amount(value: Decimal, decimal: str):
    """Dot decimals stay numbers (Decimal) for the writer; comma decimals become text like "412,50"."""
    value = value.quantize(Decimal("0.01"))
    return value if decimal == "." else f"{value}".replace(".", decimal)


def _fields(line, decimal: str) -> dict:
    start, end = line.period.start, line.period.end
    return {
        "matricule": line.matricule, "driver_name": line.driver_name, "driver_id": line.driver_id,
        "start_iso": start.isoformat(), "end_iso": end.isoformat(), "start_fr": f"{start:%d/%m/%Y}",
        "end_fr": f"{end:%d/%m/%Y}", "month_fr": f"{start:%m/%Y}", "start_dsn": f"{start:%d%m%Y}",
        "end_dsn": f"{end:%d%m%Y}", "kind": line.kind, "method_code": METHOD_CODES.get(line.method, line.method),
        "amount": _amount(line.amount, decimal), "vehicles": line.vehicles,
        "code": getattr(settings, "PAYROLL_BENEFIT_CODE", "AEN_VEHICULE"), "dsn_block": DSN_BLOCK,
        "dsn_type": DSN_TYPE_VEHICLE,
    }


def payroll_dataset(lines, name: str) -> tablib.Dataset:
    """``lines``: ``payroll.ExportLine`` items; ``name``: a key of ``formats()`` (else generic)."""
    spec = formats().get(name) or BUILT_IN["generic"]
    dataset = tablib.Dataset(title=_("Payroll")[:31])
    dataset.headers = [header for header, _field in spec["columns"]]
    for line in lines:
        values = _fields(line, spec.get("decimal", "."))
        dataset.append([values.get(field, "") for _header, field in spec["columns"]])
    return dataset
