"""`POST analyse/preformattedPrivacy` helpers (ocean-api §7): request body and streaming copy."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import BinaryIO

import requests
from urllib3.exceptions import HTTPError as Urllib3Error

from .dates import to_epoch_ms
from .errors import OceanUnavailable

PATH = "analyse/preformattedPrivacy"
CHUNK = 64 * 1024
RENDER_MODES = frozenset(
    {
        "BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS",
        "BY_DRIVER_WITH_HORAIRE_SYNTHESIS",
        "BY_VEHICLE_WITHOUT_HORAIRE_SYNTHESIS",
        "BY_VEHICLE_WITH_HORAIRE_SYNTHESIS",
        "BY_DRIVER_WITHOUT_HORAIRE_DETAIL",
        "BY_DRIVER_WITH_HORAIRE_DETAIL",
        "BY_VEHICLE_WITHOUT_HORAIRE_DETAIL",
        "BY_VEHICLE_WITH_HORAIRE_DETAIL",
        "BY_DRIVER_VEHICLE_FUNCTION_WITH_HORAIRE_SYNTHESIS",
        "BY_DRIVER_VEHICLE_FUNCTION_WITH_HORAIRE_DETAIL",
    }
)
# The vendor spells it WIHOUT (§7); the correct English spelling is accepted and translated.
CRITERIA = {
    "ALL": "ALL",
    "GEOLOCATION": "GEOLOCATION",
    "WIHOUT_GEOLOCATION": "WIHOUT_GEOLOCATION",
    "WITHOUT_GEOLOCATION": "WIHOUT_GEOLOCATION",
}


def ids(values: Iterable[int]) -> list[int]:
    return [int(v) for v in values if v is not None and int(v) != 0]  # never send 0 (§7)


def body(start: datetime, end: datetime, render_mode: str, criteria: str,
         persons, entities, groups, vehicle_ids) -> dict:  # fmt: skip
    """JSON body: empty / 0 filters omitted, `periode` in epoch ms."""
    if render_mode not in RENDER_MODES:
        raise ValueError(f"unknown renderMode {render_mode!r}")
    if criteria not in CRITERIA:
        raise ValueError(f"unknown criteria {criteria!r}")
    filters = {"persons": ids(persons), "entities": ids(entities), "groups": ids(groups),
               "vehicleIds": ids(vehicle_ids)}  # fmt: skip
    return {
        "filter": {k: v for k, v in filters.items() if v},
        "renderMode": render_mode,
        "criteria": CRITERIA[criteria],
        "periode": {"debut": to_epoch_ms(start), "fin": to_epoch_ms(end)},
    }


def copy_stream(resp: requests.Response, fileobj: BinaryIO) -> int:
    """Copy a streamed body in CHUNK pieces (bounded memory); returns bytes written."""
    written = 0
    try:
        for chunk in resp.iter_content(chunk_size=CHUNK):
            if chunk:
                fileobj.write(chunk)
                written += len(chunk)
    except (requests.RequestException, Urllib3Error) as exc:
        raise OceanUnavailable(
            f"Ocean analysis stream cut after {written} bytes ({type(exc).__name__})"
        ) from None
    finally:
        resp.close()
    return written
