"""Writes survive a restart on the same SQLite file; /__sim__/reset wipes them; same seed, same fleet."""

from __future__ import annotations

from datetime import timedelta

from ocean_sim.app import create_app
from ocean_sim.dates import local_date

from .conftest import NOW, Api, Clock, login, week_body

REC = "vieprivee/v1/horairesViePriveeRecurrentesIndividu"
EXC_GET = "vieprivee/v1/horairesViePriveeExceptionnellesIndividu"
EXC_POST = "vieprivee/v1/horaireViePriveeExceptionnelleIndividu"


def _write_everything(api, state):
    assert api.post(f"{REC}?individuId=7002", json=week_body({"LUNDI": [(18, 0, 23, 59)]})).status_code == 200
    q = {
        "individuId": 7002,
        "dateDebut": "25/12/2027 00:00:00 Z",
        "dateFin": "26/12/2027 00:00:00 Z",
        "description": "NOEL",
    }
    assert api.post(EXC_POST, query_string=q).status_code == 200
    v = state.fleet.vehicles[1]
    s = state.fleet.steps(v, local_date(NOW) - timedelta(days=1), NOW)[0]
    q = {"idEtape": s.id, "numeroEmbarque": v.numero_embarque, "privacy": "true"}
    assert api.post("vieprivee/v1/etapeViePriveePosteriori", query_string=q).status_code == 200


def _snapshot(api):
    return (
        api.get(f"{REC}?individuId=7002").json,
        api.get(f"{EXC_GET}?individuId=7002").json,
        api.post(
            "analyse/preformattedPrivacy",
            json={
                "renderMode": "BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS",
                "criteria": "ALL",
                "periode": {"debut": "2026-03-01T00:00:00Z", "fin": "2026-03-10T00:00:00Z"},
            },
        ).json,
    )


def test_writes_survive_restart(tmp_path):
    db = str(tmp_path / "sim.sqlite3")
    app = create_app(db_path=db, clock=Clock())
    api = Api(app, login(app))
    _write_everything(api, app.extensions["ocean_sim"])
    snap = _snapshot(api)
    app.extensions["ocean_sim"].store.close()

    later = Clock(NOW + timedelta(minutes=5))
    app2 = create_app(db_path=db, clock=later)
    api2 = Api(app2, login(app2))
    assert _snapshot(api2) == snap
    assert app2.extensions["ocean_sim"].fleet.anchor == local_date(NOW)  # anchor kept in the DB
    rows = snap[0]
    assert any(r["fin"] is not None for r in rows) and snap[1][0]["extension"]["description"] == "NOEL"
    app2.extensions["ocean_sim"].store.close()

    fresh = create_app(db_path=str(tmp_path / "other.sqlite3"), clock=Clock())
    api3 = Api(fresh, login(fresh))
    assert _snapshot(api3) != snap
    fresh.extensions["ocean_sim"].store.close()


def test_reset_restores_seeded_state(app, api, state):
    seeded = _snapshot(api)
    _write_everything(api, state)
    assert _snapshot(api) != seeded
    r = app.test_client().post("/__sim__/reset")
    assert r.status_code == 200
    assert _snapshot(api) == seeded
    assert state.store.declarations() == {}


def _fleet_json(app):
    api = Api(app, login(app))
    day = (local_date(NOW) - timedelta(days=2)).strftime("%d/%m/%Y")
    return (
        api.post("individus/list").json,
        api.get("vehicule_engin/vehicles").json,
        [api.get(f"mobility/v1/ficheJour?vehId={5001 + i}&date={day}").json for i in range(25)],
        api.get(f"{REC}?individuId=7001").json,
    )


def test_same_seed_same_fleet_different_seed_different_fleet():
    a = _fleet_json(create_app(seed=7, clock=Clock()))
    b = _fleet_json(create_app(seed=7, clock=Clock()))
    c = _fleet_json(create_app(seed=8, clock=Clock()))
    assert a == b
    assert a[1] != c[1] and a[2] != c[2]
    assert sum(len(x["fjRows"]) for x in a[2]) > 20
