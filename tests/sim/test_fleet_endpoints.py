"""Shapes and rules of the read endpoints: individus, vehicles, entities, assignments, ficheJour."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta

from ocean_sim.dates import PARIS, local_date

from .conftest import NOW

INDIVIDU_KEYS = {
    "id",
    "nomInd",
    "prenomInd",
    "matriculeInd",
    "initialesInd",
    "gsm",
    "email",
    "idCivilite",
    "suppressionLogique",
}


def test_individus_list_shape(api):
    r = api.post("individus/list")
    assert r.status_code == 200
    items = r.json
    assert 18 <= len(items) <= 25
    for it in items:
        assert {
            "individu",
            "entite",
            "utilisateur",
            "groupe",
            "fonctionnalites",
            "propSpecifiqueDTO",
            "vehicleFieldsDTO",
        } <= set(it)
        assert set(it["individu"]) == INDIVIDU_KEYS
        assert it["individu"]["idCivilite"] in (1, 2, 3)
        assert re.fullmatch(r"M\d{4}", it["individu"]["matriculeInd"])
        assert set(it["groupe"]) == {"id", "descriptionGrp", "suppressionLogique"}
        assert it["propSpecifiqueDTO"]["typeObjet"] == "CLIENT"
        if it["utilisateur"] is not None:
            assert it["utilisateur"]["utilisateurType"] in ("CLASSIC", "SUPERUSER")
        if it["vehicleFieldsDTO"] is not None:
            assert isinstance(it["vehicleFieldsDTO"]["numeroEmbarque"], int)
    deleted = [it for it in items if it["individu"]["suppressionLogique"]]
    assert len(deleted) == 1
    assert sum(it["individu"]["email"] is None for it in items) >= 1
    assert sum(it["individu"]["email"] is not None for it in items) > len(items) / 2


def test_individus_criteria_filters(api):
    every = api.post("individus/list").json
    with_user = api.post("individus/list?criteria=WITH_USER").json
    without_user = api.post("individus/list?criteria=WITHOUT_USER").json
    assert with_user and without_user
    assert all(it["utilisateur"] for it in with_user)
    assert all(it["utilisateur"] is None for it in without_user)
    assert len(with_user) + len(without_user) == len(every)
    with_vehicle = api.post("individus/list?criteria=WITH_VEHICLE").json
    assert all(it["vehicleFieldsDTO"] for it in with_vehicle) and len(with_vehicle) < len(every)
    both = api.post("individus/list?criteria=WITH_VEHICLE&criteria=WITH_GSM").json
    assert all(it["individu"]["gsm"] and it["vehicleFieldsDTO"] for it in both)
    assert len(both) < len(with_vehicle)
    assert len(api.post("individus/list?criteria=WITH_ENTITE").json) == len(every) - 1
    assert api.post("individus/list?criteria=NOPE").status_code == 400


def test_vehicles_shape_and_filter(api):
    items = api.get("vehicule_engin/vehicles").json
    assert 20 <= len(items) <= 30
    for it in items:
        assert {"boitier", "chauffeur", "entite", "releve", "vehicle", "visites"} <= set(it)
        v = it["vehicle"]
        assert re.fullmatch(r"[A-Z]{2}-\d{3}-[A-Z]{2}", v["immatriculation"])
        assert isinstance(v["numeroEmbarque"], int) and isinstance(v["privacyEnabled"], bool)
        assert {
            "id",
            "marque",
            "modele",
            "description",
            "typeMotorisation",
            "idEnergie",
            "date1ereMec",
        } <= set(v)
    assert len({it["vehicle"]["numeroEmbarque"] for it in items}) == len(items)
    motor = Counter(it["vehicle"]["typeMotorisation"] for it in items)
    assert motor["ELECTRIQUE"] >= 2 and motor["MONO"] >= 10
    assert sum(it["vehicle"]["privacyEnabled"] for it in items) > len(items) * 0.8
    plate = items[3]["vehicle"]["immatriculation"]
    only = api.get(f"vehicule_engin/vehicles?immatriculation={plate}").json
    assert [it["vehicle"]["immatriculation"] for it in only] == [plate]
    assert api.get("vehicule_engin/vehicles?immatriculation=ZZ-000-ZZ").json == []


def test_entities(api):
    body = api.get("mobility/v1/entities").json
    assert [set(e) for e in body["entities"]] == [{"id", "nom"}] * 3
    assert {e["nom"] for e in body["entities"]} == {"Agence Lyon", "Agence Paris", "Agence Nantes"}


def test_assignment_history_both_paths(app, api):
    r = api.get("affectations_chauffeurs/historique?idIndividu=7001")
    short = app.test_client().get(
        "/ocean/affectations_chauffeurs/historique?idIndividu=7001", headers={"X-AUTH-TOKEN": api.token}
    )
    assert r.status_code == short.status_code == 200 and r.json == short.json
    rows = r.json
    assert len(rows) == 2  # driver 7001 changed vehicle 40 days ago
    cv = [row["chauffeurVehicule"] for row in rows]
    assert set(cv[0]) == {"id", "idVehicule", "idIndividu", "dateDebut", "dateFin", "isVehiculeFonction"}
    assert cv[0]["dateFin"] == cv[1]["dateDebut"] and cv[1]["dateFin"] is None
    assert cv[0]["idVehicule"] != cv[1]["idVehicule"]
    change = datetime.fromisoformat(cv[1]["dateDebut"])
    assert local_date(change) == local_date(NOW) - timedelta(days=40)
    by_vehicle = api.get(f"affectations_chauffeurs/historique?idVehicule={cv[1]['idVehicule']}").json
    assert [x["chauffeurVehicule"]["idIndividu"] for x in by_vehicle] == [7001]
    assert api.get("affectations_chauffeurs/historique").status_code == 400
    assert (
        api.get("affectations_chauffeurs/historique?idIndividu=7010").json[0]["chauffeurVehicule"]["dateFin"]
        is None
    )


def _fj(api, veh_id, day):
    return api.get(f"mobility/v1/ficheJour?vehId={veh_id}&date={day.strftime('%d/%m/%Y')}")


def test_fiche_jour_shape(api):
    day = local_date(NOW) - timedelta(days=1)  # a Tuesday: every assigned vehicle drives
    rows = _fj(api, 5004, day).json["fjRows"]
    assert 2 <= len(rows) <= 9
    for row in rows:
        assert row["type"] == "T" and row["anomalyType"] == "NONE"
        assert isinstance(row["distanceMeter"], int) and row["dureeMs"] % 1000 == 0
        for key in ("posDeb", "posFin"):
            pos = row[key]
            assert pos["date"] == day.strftime("%d/%m/%Y")
            assert re.fullmatch(r"\d{2}:\d{2}:\d{2}", pos["heure"])
            assert {
                "etat",
                "cap",
                "latitudeY",
                "longitudeX",
                "gpsCale",
                "driver",
                "fullAddress",
                "poi",
            } <= set(pos)
            assert set(pos["driver"]) == {"matricule", "nom", "prenom", "tel"}
            assert set(pos["fullAddress"]) == {"address", "postalCode", "town", "country"}
            assert re.fullmatch(r"\d{5}", pos["fullAddress"]["postalCode"])
        deb = datetime.strptime(row["posDeb"]["date"] + row["posDeb"]["heure"], "%d/%m/%Y%H:%M:%S")
        fin = datetime.strptime(row["posFin"]["date"] + row["posFin"]["heure"], "%d/%m/%Y%H:%M:%S")
        assert (fin - deb).total_seconds() * 1000 == row["dureeMs"]


def test_fiche_jour_hours_are_paris_local(api, state):
    day = local_date(NOW) - timedelta(days=1)
    row = _fj(api, 5004, day).json["fjRows"][0]
    step = state.fleet.steps(state.fleet.vehicle_by_id[5004], day, NOW)[0]
    assert row["id"] == step.id
    assert row["posDeb"]["heure"] == step.start.astimezone(PARIS).strftime("%H:%M:%S")
    assert row["posDeb"]["heure"] != step.start.strftime("%H:%M:%S")  # CET differs from UTC


def test_fiche_jour_param_rules(api):
    assert api.get("mobility/v1/ficheJour?vehId=5004&date=2026-03-10").status_code == 400
    assert api.get("mobility/v1/ficheJour?vehId=5004&date=10/03/26").status_code == 400
    assert api.get("mobility/v1/ficheJour?vehId=5004&date=10/03/2026 00:00:00 Z").status_code == 400
    assert api.get("mobility/v1/ficheJour?vehId=5004&date=31/02/2026").status_code == 400
    assert api.get("mobility/v1/ficheJour?date=10/03/2026").status_code == 400
    assert api.get("mobility/v1/ficheJour?vehId=5004").status_code == 400
    assert api.get("mobility/v1/ficheJour?vehId=99&date=10/03/2026").status_code == 404


def test_fiche_jour_window_and_no_future(api, state):
    today = local_date(NOW)
    assert _fj(api, 5004, today + timedelta(days=1)).json["fjRows"] == []
    assert _fj(api, 5004, today - timedelta(days=90)).json["fjRows"] == []
    assert sum(len(_fj(api, 5004, today - timedelta(days=k)).json["fjRows"]) for k in range(85, 90)) > 0
    # today: only steps that ended before now
    all_today = state.fleet._day_steps(3, today)
    visible = _fj(api, 5004, today).json["fjRows"]
    assert len(visible) == sum(s.end <= NOW for s in all_today) < len(all_today)


def test_steps_realistic_and_ids_unique(state):
    fleet, ids = state.fleet, Counter()
    crossing = Counter()
    for v in fleet.vehicles:
        for k in range(90):
            day = local_date(NOW) - timedelta(days=k)
            for s in fleet.steps(v, day, NOW):
                ids[(v.numero_embarque, s.id)] += 1
                assert s.end <= NOW and s.distance >= 500 and s.dur_s >= 60
                loc = s.start.astimezone(PARIS)
                six = loc.replace(hour=18, minute=0, second=0)
                if s.start < six < s.end and s.driver_idx is not None:
                    crossing[s.driver_idx] += 1
    assert max(ids.values()) == 1 and len(ids) > 3000
    assert len(crossing) >= 15 and all(n >= 2 for n in crossing.values())


def test_unidentified_pool_vehicle_rows(api, state):
    pool = state.fleet.vehicles[23]
    rows = [
        r for k in range(1, 30) for r in _fj(api, pool.id, local_date(NOW) - timedelta(days=k)).json["fjRows"]
    ]
    assert rows and all(r["posDeb"]["driver"]["matricule"] is None for r in rows)


def test_vehicle_chauffeur_matches_current_assignment(api):
    items = {it["vehicle"]["id"]: it for it in api.get("vehicule_engin/vehicles").json}
    assert items[5001]["chauffeur"]["id"] == 7001
    assert items[5021]["chauffeur"] is None  # 7001's previous vehicle
    assert items[5024]["chauffeur"] is None  # pool vehicle
