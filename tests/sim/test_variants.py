"""Each behaviour variant plays the other reading of one open point of the vendor docs (D1–D14)."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from ocean_sim.dates import PARIS, local_at, local_date, to_ms
from ocean_sim.variants import VARIANTS, Variants

from .conftest import NOW, login, week_body

ANALYSIS = "analyse/preformattedPrivacy"
RECURRING = "vieprivee/v1/horairesViePriveeRecurrentesIndividu"
PLURAL = "vieprivee/v1/horairesViePriveeExceptionnellesIndividu"
SINGULAR = "vieprivee/v1/horaireViePriveeExceptionnelleIndividu"
NO_SCHEDULE = 7006  # driver index 5: no default schedule


def on(state, *names):
    state.variants.clear()
    state.variants.update(dict.fromkeys(names, True))


def analysis(api, mode="BY_DRIVER_WITH_HORAIRE_SYNTHESIS", days=7, flt=None):
    periode = {"debut": to_ms(NOW - timedelta(days=days)), "fin": to_ms(NOW)}
    r = api.post(ANALYSIS, json={"filter": flt or {}, "renderMode": mode, "criteria": "ALL", "periode": periode})
    assert r.status_code == 200, r.json
    return r.json[0]


def dmy(moment) -> str:
    return moment.astimezone(UTC).strftime("%d/%m/%Y %H:%M:%S") + " Z"


def test_the_catalogue_has_one_switch_per_open_point():
    assert {name.split("_")[0] for name in VARIANTS} == {f"d{n}" for n in range(1, 15)}
    with pytest.raises(ValueError, match="unknown variant"):
        Variants("d99")
    assert Variants("d3, d9").snapshot()["active"] == ["d3", "d9"]


def test_variants_are_switched_over_http(app):
    client = app.test_client()
    assert client.post("/__sim__/variants", json={"d9": True}).json["active"] == ["d9"]
    assert client.get("/__sim__/variants").json["active"] == ["d9"]
    assert client.post("/__sim__/variants", json={"nope": True}).status_code == 400
    assert client.post("/__sim__/variants", json={"d9": False}).json["active"] == []


def test_d1_keys_and_tree(api, state):
    on(state, "d1_keys", "d1_tree")
    tree = analysis(api)["synthesisTreeByDriver"]
    assert "7001" in tree["nodes"] and "121" not in tree["nodes"]
    leaf = tree["nodes"]["7001"]
    assert set(leaf["entityTotalCumul"]["total"]["distanceInMeterByPeriodMap"]) == {"PRIVE", "PROFESSIONNEL"}
    assert set(leaf["entityTotalByFlagCumul"]) == {"PRIVE", "PROFESSIONNEL"}


def test_d2_privacy_false_withdraws_the_request(api, state):
    day = local_date(NOW) - timedelta(days=1)
    vehicle = state.fleet.vehicle_by_id[5001]
    step = state.fleet.steps(vehicle, day, NOW)[0]
    params = {"idEtape": step.id, "numeroEmbarque": vehicle.numero_embarque, "privacy": "true"}
    assert api.post("vieprivee/v1/etapeViePriveePosteriori", query_string=params).status_code == 200
    on(state, "d2")
    api.post("vieprivee/v1/etapeViePriveePosteriori", query_string={**params, "privacy": "false"})
    assert (vehicle.numero_embarque, step.id) not in state.store.declarations()


def test_d3_fichejour_speaks_utc_and_d12_lists_stops(api, state):
    day = local_date(NOW) - timedelta(days=1)
    default = api.get("mobility/v1/ficheJour", query_string={"vehId": 5001, "date": day.strftime("%d/%m/%Y")}).json
    on(state, "d3", "d12")
    rows = api.get("mobility/v1/ficheJour", query_string={"vehId": 5001, "date": day.strftime("%d/%m/%Y")}).json
    trips = [r for r in rows["fjRows"] if r["type"] == "T"]
    assert len(trips) == len(default["fjRows"]) and len(rows["fjRows"]) == 2 * len(trips) - 1
    assert {r["type"] for r in rows["fjRows"]} == {"T", "A"}
    local_hour, utc_hour = int(default["fjRows"][0]["posDeb"]["heure"][:2]), int(trips[0]["posDeb"]["heure"][:2])
    assert local_hour - utc_hour == 1  # March 2026 before the change: CET


def test_d4_404_for_a_driver_with_nothing(api, state):
    assert api.get(RECURRING, query_string={"individuId": NO_SCHEDULE}).json == []
    on(state, "d4")
    assert api.get(RECURRING, query_string={"individuId": NO_SCHEDULE}).status_code == 404
    assert api.get(PLURAL, query_string={"individuId": 7001}).status_code == 404
    assert api.get(RECURRING, query_string={"individuId": 7001}).status_code == 200


def test_d5_no_tolerance_for_a_start_just_past(api, state):
    params = {"individuId": 7001, "dateDebut": dmy(NOW - timedelta(seconds=30))}
    body = week_body({"LUNDI": [(0, 0, 8, 0)]})
    assert api.post(RECURRING, query_string=params, json=body).status_code == 200
    on(state, "d5")
    assert api.post(RECURRING, query_string=params, json=body).status_code == 400


def test_d6_periods_cut_in_utc_days_and_applied_on_the_local_clock(api, state):
    start = local_at(local_date(NOW) + timedelta(days=30), 0, 0)  # a local midnight
    params = {"individuId": 7001, "dateDebut": dmy(start), "dateFin": dmy(start + timedelta(days=1)),
              "description": "CONGE"}
    assert api.post(SINGULAR, query_string=params).status_code == 200
    window = {"individuId": 7001, "dateDebut": dmy(start - timedelta(days=2)),
              "dateFin": dmy(start + timedelta(days=3))}
    [local] = api.get(PLURAL, query_string=window).json
    assert [(h["horaire"]["debutHeure"], h["horaire"]["finHeure"]) for h in local["horairesIndividu"]] == [(0, 24)]
    on(state, "d6")
    [utc] = api.get(PLURAL, query_string=window).json
    offset = int(start.astimezone(PARIS).utcoffset().total_seconds() // 3600)
    assert [(h["horaire"]["debutHeure"], h["horaire"]["finHeure"]) for h in utc["horairesIndividu"]] == [
        (24 - offset, 24), (0, 24 - offset)
    ]


def test_d7_exceptional_post_on_the_plural_path_only(api, state):
    start = NOW + timedelta(days=20)
    params = {"individuId": 7001, "dateDebut": dmy(start), "dateFin": dmy(start + timedelta(days=1))}
    assert api.post(PLURAL, query_string=params).status_code == 405
    on(state, "d7")
    assert api.post(SINGULAR, query_string=params).status_code == 404
    assert api.post(PLURAL, query_string=params).status_code == 200


def test_d8_both_trees(api, state):
    on(state, "d8")
    answer = analysis(api)
    assert answer["synthesisTreeByDriver"] and answer["synthesisTreeByVehicle"]
    assert "5001" in {k for ent in answer["synthesisTreeByVehicle"]["nodes"].values() for k in ent["nodes"]}


def test_d9_expired_token_gets_403(app, state):
    client = app.test_client()
    assert client.get("/ocean/restapi/mobility/v1/entities", headers={"X-AUTH-TOKEN": "x"}).status_code == 401
    on(state, "d9")
    assert client.get("/ocean/restapi/mobility/v1/entities", headers={"X-AUTH-TOKEN": "x"}).status_code == 403
    token = login(app)
    assert client.get("/ocean/restapi/mobility/v1/entities", headers={"X-AUTH-TOKEN": token}).status_code == 200


def test_d10_a_partial_post_keeps_the_days_it_does_not_name(api, state):
    on(state, "d10")
    start = NOW + timedelta(minutes=5)
    body = week_body({"LUNDI": [(1, 0, 2, 0)], "MARDI": []})
    assert api.post(RECURRING, query_string={"individuId": 7001, "dateDebut": dmy(start)}, json=body).status_code == 200
    newest = state.store.versions(7001)[-1]
    days = {slot[0] for _sid, _hid, slot in newest.slots}
    assert "MARDI" not in days and "MERCREDI" in days and "SAMEDI" in days
    assert [slot for _s, _h, slot in newest.slots if slot[0] == "LUNDI"] == [("LUNDI", 1, 0, 2, 0)]


def test_d11_only_the_literal_z(api, state):
    params = {"individuId": 7001, "dateDebut": "01/01/2026 00:00:00 +0000", "dateFin": "01/01/2027 00:00:00 +0000"}
    assert api.get(PLURAL, query_string=params).status_code == 200
    on(state, "d11")
    assert api.get(PLURAL, query_string=params).status_code == 400
    z = {k: v.replace("+0000", "Z") for k, v in params.items() if k != "individuId"}
    assert api.get(PLURAL, query_string={"individuId": 7001, **z}).status_code == 200


def test_d13_read_errors_come_with_status_200(api, state):
    on(state, "d13")
    r = api.get("mobility/v1/ficheJour", query_string={"vehId": 1, "date": "01/01/2026"})
    assert r.status_code == 200 and r.json["status"] == 404 and "error" in r.json
    assert api.post(RECURRING, query_string={"individuId": 7001}, json={}).status_code == 400  # writes unchanged


def test_d14_utc_day_cut_with_night_trips(api, state):
    saturday = next(local_date(NOW) - timedelta(days=k) for k in range(1, 8)
                    if (local_date(NOW) - timedelta(days=k)).weekday() == 5)
    friday = saturday - timedelta(days=1)
    on(state, "d14")
    night = [s for s in state.fleet.steps(state.fleet.vehicle_by_id[5001], saturday, NOW) if s.id % 10 == 9]
    assert len(night) == 1
    rows = api.get("mobility/v1/ficheJour", query_string={"vehId": 5001, "date": friday.strftime("%d/%m/%Y")}).json
    assert night[0].id in {r["id"] for r in rows["fjRows"]}  # Saturday 00:20 Paris is Friday 23:20 UTC
    assert rows["fjRows"][-1]["posDeb"]["date"] == saturday.strftime("%d/%m/%Y")


def test_positions_search_gives_true_utc_times(api, state):
    day = local_date(NOW) - timedelta(days=1)
    step = state.fleet.steps(state.fleet.vehicle_by_id[5001], day, NOW)[0]
    params = {"immatriculation": state.fleet.vehicle_by_id[5001].immat,
              "startDate": (step.start - timedelta(minutes=1)).isoformat(),
              "endDate": (step.start + timedelta(minutes=1)).isoformat()}
    [found] = api.get("positions/search", query_string=params).json["positionsVehicles"]
    assert found["positions"][0]["timestamp"] == to_ms(step.start)
    assert found["positions"][0]["latitudeY"] == step.frm.lat
