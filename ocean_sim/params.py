"""Query-parameter helpers (Spring-style: repeated keys or comma-separated values)."""

from __future__ import annotations

from flask import current_app, request

from .dates import parse_dmy_hms_z
from .schedules import BadInput


def int_param(name: str, *, required: bool = False) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        if required:
            raise BadInput(f"query parameter {name} is required")
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise BadInput(f"{name} must be an integer") from exc


def int_list(name: str) -> list[int]:
    out = []
    for raw in request.args.getlist(name):
        for part in raw.split(","):
            if part.strip():
                try:
                    out.append(int(part))
                except ValueError as exc:
                    raise BadInput(f"{name} must hold integers") from exc
    return out


def str_list(name: str) -> list[str]:
    return [p.strip() for raw in request.args.getlist(name) for p in raw.split(",") if p.strip()]


def date_param(*names: str):
    """First present of ``names`` parsed as "dd/MM/yyyy HH:mm:ss Z" (Z or +0000), else None."""
    for name in names:
        raw = request.args.get(name)
        if raw is not None:
            if raw.endswith("+0000") and current_app.extensions["ocean_sim"].variants.on("d11"):
                raise BadInput(f"date {raw!r}: the zone must be Z")  # variant D11
            return parse_dmy_hms_z(raw)
    return None
