"""ficheJour and positions/search describe the same trips with the same times, on every day.

For each day of a fixed 60-day span (across the October DST change, with 2026-11-25 and 2026-12-01, the
days the probe's zone question once went wrong), the clock pinned with time_machine shortly after midnight
UTC or in the early afternoon: every trip ficheJour lists for a vehicle and the previous day is found in
positions/search (same vehicle, same period) as a START_ACTION at its start and a STOP_ACTION at its end,
same place, same instant; and every trip start positions/search gives for that period is a ficheJour trip.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from ocean_sim.app import create_app
from ocean_sim.dates import PARIS, local_midnight, to_ms

from .conftest import BASE, login

FIRST_DAY = date(2026, 10, 15)
DAYS = [FIRST_DAY + timedelta(days=k) for k in range(60)]
assert date(2026, 11, 25) in DAYS and date(2026, 12, 1) in DAYS and date(2026, 10, 25) in DAYS


def _instant(pos: dict, zone) -> int:
    """ficheJour ``date``/``heure`` → epoch ms, read in ``zone`` (the customer's, or UTC under D3)."""
    wall = datetime.strptime(f"{pos['date']} {pos['heure']}", "%d/%m/%Y %H:%M:%S")
    return to_ms(wall.replace(tzinfo=zone))


def _trips_of_a_day(api_get, vehicle, day: date, lo: datetime, hi: datetime, zone):
    """(ficheJour trips, positions/search trips) of one vehicle-day as comparable tuples."""
    rows = api_get("mobility/v1/ficheJour", {"vehId": vehicle.id, "date": day.strftime("%d/%m/%Y")})["fjRows"]
    fiche = sorted(
        (_instant(r["posDeb"], zone), r["posDeb"]["latitudeY"], r["posDeb"]["longitudeX"],
         _instant(r["posFin"], zone), r["posFin"]["latitudeY"], r["posFin"]["longitudeX"], r["dureeMs"])
        for r in rows if r["type"] == "T"
    )
    # The period: the vehicle-day, widened at the end so a trip started late is found with its stop.
    found = api_get("positions/search", {"immatriculation": vehicle.immat, "startDate": lo.isoformat(),
                                         "endDate": (hi + timedelta(hours=6)).isoformat()})["positionsVehicles"]
    points = sorted((p["timestamp"], p["etat"], p["latitudeY"], p["longitudeX"])
                    for v in found for p in v["positions"])
    assert all(v["vehicle"]["idVehicule"] == vehicle.id for v in found)
    starts = [p for p in points if p[1] == "START_ACTION" and p[0] < to_ms(hi)]
    searched = []
    for t0, _etat, lat0, lon0 in starts:  # each start with the first stop after it
        stop = next((p for p in points if p[1] == "STOP_ACTION" and p[0] >= t0), None)
        assert stop is not None, (vehicle.id, day, t0)
        searched.append((t0, lat0, lon0, stop[0], stop[2], stop[3], stop[0] - t0))
    return fiche, searched


@pytest.mark.parametrize("variant", ["", "d3", "d14"])
def test_fichejour_trips_are_the_positions_search_trips_on_every_day(variant):
    checked = 0
    for k, today in enumerate(DAYS):
        hour, minute = (0, 30) if k % 2 else (13, 0)
        with time_machine.travel(datetime(today.year, today.month, today.day, hour, minute, tzinfo=UTC),
                                 tick=False):
            app = create_app(variants=variant)  # clock: the real one, pinned by time_machine
            try:
                client, token = app.test_client(), login(app)

                def api_get(path, params, client=client, token=token):
                    r = client.get(BASE + path, query_string=params, headers={"X-AUTH-TOKEN": token})
                    assert r.status_code == 200, (path, params, r.status_code)
                    return r.json

                fleet = app.extensions["ocean_sim"].fleet
                day = today - timedelta(days=1)
                if variant == "d14":  # ficheJour's day is the UTC day (times still local)
                    lo = datetime(day.year, day.month, day.day, tzinfo=UTC)
                    hi = lo + timedelta(days=1)
                else:
                    lo, hi = local_midnight(day), local_midnight(day + timedelta(days=1))
                zone = UTC if variant == "d3" else PARIS
                for vehicle in fleet.vehicles:
                    fiche, searched = _trips_of_a_day(api_get, vehicle, day, lo, hi, zone)
                    assert fiche == searched, (variant, today, vehicle.id)
                    checked += len(fiche)
            finally:
                app.extensions["ocean_sim"].store.close()
    assert checked > 60 * 25  # most vehicles drive on weekdays: the comparison is not vacuous
