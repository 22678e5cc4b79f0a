"""analyse/preformattedPrivacy: tree shape, exact totals, schedules, declarations, filters, periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocean_sim.analysis import RENDER_MODES
from ocean_sim.dates import PARIS, local_date, to_ms

from .conftest import NOW

PATH = "analyse/preformattedPrivacy"
START = NOW - timedelta(days=30)
MAPS = (
    "durationInSecByPeriodMap",
    "distanceInMeterByPeriodMap",
    "distanceElectriqueInMeterByPeriodMap",
    "utilisationBatterieByPeriodMap",
)


def run(
    api, mode="BY_DRIVER_WITH_HORAIRE_SYNTHESIS", debut=START, fin=NOW, flt=None, criteria="ALL", status=200
):
    periode = {
        "debut": to_ms(debut) if isinstance(debut, datetime) else debut,
        "fin": to_ms(fin) if isinstance(fin, datetime) else fin,
    }
    r = api.post(
        PATH, json={"filter": flt or {}, "renderMode": mode, "criteria": criteria, "periode": periode}
    )
    assert r.status_code == status, r.json
    return r.json


def tree(api, **kw):
    [res] = run(api, **kw)
    return res["synthesisTreeByDriver"] or res["synthesisTreeByVehicle"]


def dist(totals, flag):
    return totals["total"]["distanceInMeterByPeriodMap"][flag]


def leaves(t):
    return {lid: leaf for ent in t["nodes"].values() for lid, leaf in ent["nodes"].items()}


def identified_steps(state, debut=START, fin=NOW):
    return [s for s in state.fleet.steps_between(debut, fin, NOW) if s.driver_idx is not None]


def test_response_shape(api):
    [res] = run(api)
    assert set(res) == {"mode", "synthesisTreeByDriver", "synthesisTreeByVehicle", "htmlTable", "bean"}
    assert res["mode"] == "BY_DRIVER_WITH_HORAIRE_SYNTHESIS" and res["bean"] == {}
    assert res["synthesisTreeByVehicle"] is None
    assert res["htmlTable"].startswith("<table") and "</table>" in res["htmlTable"]
    root = res["synthesisTreeByDriver"]
    assert set(root) == {"entity", "nodes", "entityTotalCumul", "entityTotalByFlagCumul", "content"}
    assert root["entity"] == {"id": 1110000000, "nom": "Transports Démo", "suppressionLogique": False}
    assert set(root["content"]) == {
        "entity",
        "entityTotal",
        "entityTotalByFlag",
        "refItems",
        "typeMotorisationEnergyeMap",
        "chauffeursByIdDriverAndPeriodeBean",
    }
    assert set(root["nodes"]) == {"121", "122", "123"}
    ent = root["nodes"]["121"]
    assert ent["entity"]["nom"] == "Agence Lyon"
    leaf = ent["nodes"]["7001"]
    totals = leaf["content"]["entityTotal"]
    assert set(totals) == {"consoL", "consoKWh", "cost", "dayDate", "entity", "total", "driver", "vehicle"}
    assert totals["driver"]["individu"]["id"] == 7001 and totals["vehicle"] is None
    assert set(totals["total"]) == set(MAPS)
    for m in MAPS:
        assert set(totals["total"][m]) == {"VIE_PRIVEE", "VIE_PRO"}
        assert all(isinstance(x, int) for x in totals["total"][m].values())
    assert set(leaf["content"]["entityTotalByFlag"]) == {"VIE_PRIVEE", "VIE_PRO"}
    assert "FOURNIER" in res["htmlTable"] or leaf["entity"]["nom"].split()[0] in res["htmlTable"]


@pytest.mark.parametrize("mode", RENDER_MODES)
def test_every_render_mode_fills_one_tree(api, mode):
    [res] = run(api, mode=mode)
    by_driver = mode.startswith("BY_DRIVER")
    assert (res["synthesisTreeByDriver"] is not None) == by_driver
    assert (res["synthesisTreeByVehicle"] is not None) == (not by_driver)
    t = res["synthesisTreeByDriver"] or res["synthesisTreeByVehicle"]
    day_maps = [lf["content"]["chauffeursByIdDriverAndPeriodeBean"]["map"] for lf in leaves(t).values()]
    assert any(day_maps) == mode.endswith("DETAIL")


def test_totals_equal_sum_of_steps_without_horaire(api, state):
    t = tree(api, mode="BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS")
    steps = identified_steps(state)
    cumul = t["entityTotalCumul"]
    assert dist(cumul, "VIE_PRIVEE") == 0
    assert dist(cumul, "VIE_PRO") == sum(s.distance for s in steps)
    assert cumul["total"]["durationInSecByPeriodMap"]["VIE_PRO"] == sum(s.dur_s for s in steps)
    vt = tree(api, mode="BY_VEHICLE_WITHOUT_HORAIRE_SYNTHESIS")
    assert dist(vt["entityTotalCumul"], "VIE_PRO") == sum(
        s.distance for s in state.fleet.steps_between(START, NOW, NOW)
    )


def test_leaf_matches_fiche_jour_rows(api):
    """What a client sums from ficheJour equals the analysis for that vehicle (vehicle 5004, 30 days)."""
    debut = datetime(2026, 2, 1, tzinfo=PARIS).astimezone(UTC)
    fin = datetime(2026, 3, 1, tzinfo=PARIS).astimezone(UTC)
    total = 0
    for k in range(28):
        day = (debut.astimezone(PARIS) + timedelta(days=k)).strftime("%d/%m/%Y")
        total += sum(
            r["distanceMeter"] for r in api.get(f"mobility/v1/ficheJour?vehId=5004&date={day}").json["fjRows"]
        )
    t = tree(api, mode="BY_VEHICLE_WITH_HORAIRE_SYNTHESIS", debut=debut, fin=fin)
    leaf = leaves(t)["5004"]["content"]["entityTotal"]
    assert dist(leaf, "VIE_PRIVEE") + dist(leaf, "VIE_PRO") == total > 0
    assert leaf["vehicle"]["id"] == 5004 and leaf["driver"] is None


def _check_sums(node):
    kids = list(node["nodes"].values())
    cumul = node["entityTotalCumul"]
    if not kids:
        assert cumul["total"] == node["content"]["entityTotal"]["total"]
        return
    for m in MAPS:
        for flag in ("VIE_PRIVEE", "VIE_PRO"):
            assert cumul["total"][m][flag] == sum(k["entityTotalCumul"]["total"][m][flag] for k in kids)
    for key in ("consoL", "consoKWh", "cost"):
        assert round(cumul[key], 3) == round(sum(k["entityTotalCumul"][key] for k in kids), 3)
    for flag in ("VIE_PRIVEE", "VIE_PRO"):
        by_flag = node["entityTotalByFlagCumul"][flag]
        assert dist(by_flag, flag) == dist(cumul, flag)
        other = "VIE_PRO" if flag == "VIE_PRIVEE" else "VIE_PRIVEE"
        assert dist(by_flag, other) == 0
    for k in kids:
        _check_sums(k)


@pytest.mark.parametrize("mode", ["BY_DRIVER_WITH_HORAIRE_SYNTHESIS", "BY_VEHICLE_WITH_HORAIRE_DETAIL"])
def test_cumuls_are_exact_sums(api, mode):
    t = tree(api, mode=mode)
    assert dist(t["entityTotalCumul"], "VIE_PRIVEE") > 0
    _check_sums(t)
    cumul = t["entityTotalCumul"]
    pri, pro = t["entityTotalByFlagCumul"]["VIE_PRIVEE"], t["entityTotalByFlagCumul"]["VIE_PRO"]
    assert round(pri["consoL"] + pro["consoL"], 3) == round(cumul["consoL"], 3)
    assert round(pri["cost"] + pro["cost"], 2) == round(cumul["cost"], 2)


def test_detail_days_sum_to_leaf(api):
    t = tree(api, mode="BY_DRIVER_WITH_HORAIRE_DETAIL")
    leaf = leaves(t)["7004"]["content"]
    days = leaf["chauffeursByIdDriverAndPeriodeBean"]["map"]
    assert len(days) >= 15
    for key, day in days.items():
        assert day["dayDate"] == key and datetime.fromisoformat(key)
    for flag in ("VIE_PRIVEE", "VIE_PRO"):
        assert sum(dist(d, flag) for d in days.values()) == dist(leaf["entityTotal"], flag)


def _mixed_step(state, vidx=3):
    v = state.fleet.vehicles[vidx]
    for k in range(1, 30):
        day = local_date(NOW) - timedelta(days=k)
        if day.weekday() >= 5:
            continue
        for s in state.fleet.steps(v, day, NOW):
            six = datetime(day.year, day.month, day.day, 18, tzinfo=PARIS).astimezone(UTC)
            if s.start < six < s.end and s.end.astimezone(PARIS).hour < 23:
                return v, s, six
    raise AssertionError("no step crossing 18:00")


def test_crossing_step_split_by_time_and_declaration_moves_exact_distance(api, state):
    v, s, six = _mixed_step(state)
    driver = str(state.fleet.drivers[s.driver_idx].id)
    span = {"debut": s.start, "fin": s.end + timedelta(seconds=1)}
    only = leaves(tree(api, **span))[driver]["content"]["entityTotal"]
    priv_s = int((s.end - six).total_seconds())
    assert only["total"]["durationInSecByPeriodMap"] == {"VIE_PRIVEE": priv_s, "VIE_PRO": s.dur_s - priv_s}
    expected = round(s.distance * priv_s / s.dur_s)
    assert dist(only, "VIE_PRIVEE") == expected and dist(only, "VIE_PRO") == s.distance - expected

    before = leaves(tree(api))[driver]["content"]["entityTotal"]
    q = {
        "idEtape": s.id,
        "numeroEmbarque": v.numero_embarque,
        "codeExploitant": "1110000001",
        "privacy": "true",
    }
    assert api.post("vieprivee/v1/etapeViePriveePosteriori", query_string=q).status_code == 200
    after = leaves(tree(api))[driver]["content"]["entityTotal"]
    assert dist(after, "VIE_PRIVEE") - dist(before, "VIE_PRIVEE") == s.distance - expected
    assert dist(before, "VIE_PRO") - dist(after, "VIE_PRO") == s.distance - expected
    # without schedules only the declaration counts: exactly that step's distance is private
    wo = leaves(tree(api, mode="BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS"))[driver]["content"]["entityTotal"]
    assert dist(wo, "VIE_PRIVEE") == s.distance
    q["privacy"] = "false"
    api.post("vieprivee/v1/etapeViePriveePosteriori", query_string=q)
    pro = leaves(tree(api))[driver]["content"]["entityTotal"]
    assert dist(before, "VIE_PRIVEE") - dist(pro, "VIE_PRIVEE") == expected
    assert dist(pro, "VIE_PRIVEE") + dist(pro, "VIE_PRO") == dist(before, "VIE_PRIVEE") + dist(
        before, "VIE_PRO"
    )


def test_no_schedule_or_privacy_disabled_means_no_private(api, state):
    ls = leaves(tree(api))
    assert dist(ls["7006"]["content"]["entityTotal"], "VIE_PRIVEE") == 0  # no recurring schedule
    assert dist(ls["7006"]["content"]["entityTotal"], "VIE_PRO") > 0
    assert dist(ls["7020"]["content"]["entityTotal"], "VIE_PRIVEE") == 0  # vehicle privacyEnabled false
    assert dist(ls["7004"]["content"]["entityTotal"], "VIE_PRIVEE") > 0


def test_schedule_change_never_alters_the_past(api):
    before = tree(api)
    body = {
        "innerMap": {
            "map": {
                d: {
                    "VIE_PRIVEE": [
                        {
                            "idJourSemaine": d,
                            "typeHoraires": "VIE_PRIVEE",
                            "debutHeure": 0,
                            "debutMinute": 0,
                            "finHeure": 24,
                            "finMinute": 0,
                        }
                    ]
                }
                for d in ("LUNDI", "MARDI", "MERCREDI")
            }
        }
    }
    assert (
        api.post("vieprivee/v1/horairesViePriveeRecurrentesIndividu?individuId=7004", json=body).status_code
        == 200
    )
    assert tree(api) == before


def test_exceptional_period_makes_steps_private_once_it_happened(api, state, clock):
    q = {
        "individuId": 7004,
        "dateDebut": "11/03/2026 23:00:00 Z",
        "dateFin": "12/03/2026 23:00:00 Z",
        "description": "RTT",
    }
    assert api.post("vieprivee/v1/horaireViePriveeExceptionnelleIndividu", query_string=q).status_code == 200
    clock.advance(days=2)
    api.relogin()
    day = datetime(2026, 3, 12, tzinfo=PARIS)
    leaf = leaves(tree(api, debut=day, fin=day + timedelta(days=1)))["7004"]["content"]["entityTotal"]
    steps = [s for s in state.fleet.steps(state.fleet.vehicles[3], day.date(), clock.now)]
    assert steps and dist(leaf, "VIE_PRO") == 0 and dist(leaf, "VIE_PRIVEE") == sum(s.distance for s in steps)


def test_filters(api, state):
    assert set(leaves(tree(api, flt={"persons": [7001, 7005]}))) == {"7001", "7005"}
    t = tree(api, flt={"entities": [122]})
    assert set(t["nodes"]) == {"122"}
    grp = {d.id for d in state.fleet.drivers if d.group_id == 1003}
    assert set(leaves(tree(api, flt={"groups": [1003]}))) <= {str(i) for i in grp}
    assert set(
        leaves(tree(api, mode="BY_VEHICLE_WITH_HORAIRE_SYNTHESIS", flt={"vehicleIds": [5002, 5024]}))
    ) == {"5002", "5024"}
    assert leaves(tree(api, flt={"persons": [7001], "entities": [122]})) == {}
    assert set(leaves(tree(api, flt={"persons": [], "entities": [], "groups": [], "vehicleIds": []}))) == set(
        leaves(tree(api))
    )


@pytest.mark.parametrize("key", ["persons", "entities", "groups", "vehicleIds"])
def test_filter_with_zero_rejected(api, key):
    run(api, flt={key: [0]}, status=400)
    run(api, flt={key: [7001, 0]}, status=400)
    run(api, flt={key: ["x"]}, status=400)


def test_iso_and_ms_periods_agree(api):
    ms = run(api, debut=to_ms(START), fin=to_ms(NOW))
    iso_z = run(api, debut="2026-02-09T10:30:00.000Z", fin="2026-03-11T10:30:00Z")
    iso_off = run(api, debut="2026-02-09T11:30:00.000+01:00", fin="2026-03-11T10:30:00+00:00")
    assert ms == iso_z == iso_off
    run(api, debut=to_ms(NOW), fin=to_ms(START), status=400)
    run(api, debut="09/02/2026", fin=to_ms(NOW), status=400)
    run(api, debut=None, fin=to_ms(NOW), status=400)


def test_bad_mode_criteria_and_body(api):
    run(api, mode="BY_DRIVER", status=400)
    run(api, criteria="WITHOUT_GEOLOCATION", status=400)  # only the vendor's typo is accepted
    assert api.post(PATH, data="nope", content_type="application/json").status_code == 400
    assert api.post(PATH).status_code == 400


def test_geolocation_criteria(api):
    mode = "BY_VEHICLE_WITHOUT_HORAIRE_SYNTHESIS"
    assert set(leaves(tree(api, mode=mode, criteria="WIHOUT_GEOLOCATION"))) == {"5025"}
    geo = set(leaves(tree(api, mode=mode, criteria="GEOLOCATION")))
    assert "5025" not in geo and geo | {"5025"} == set(leaves(tree(api, mode=mode)))


def test_vehicle_function_mode_only_company_cars(api, state):
    t = tree(api, mode="BY_DRIVER_VEHICLE_FUNCTION_WITH_HORAIRE_SYNTHESIS")
    non_fonction = {str(a.driver_id) for a in state.fleet.assignments if not a.fonction}
    assert non_fonction and not set(leaves(t)) & non_fonction
    assert len(leaves(t)) >= 10


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start_h=st.integers(0, 89 * 24), span_h=st.integers(1, 30 * 24))
def test_property_private_plus_pro_equals_all_steps(api, state, start_h, span_h):
    debut = NOW - timedelta(days=90) + timedelta(hours=start_h)
    fin = debut + timedelta(hours=span_h)
    cumul = tree(api, debut=debut, fin=fin)["entityTotalCumul"]
    steps = identified_steps(state, debut, fin)
    assert dist(cumul, "VIE_PRIVEE") + dist(cumul, "VIE_PRO") == sum(s.distance for s in steps)
    assert sum(cumul["total"]["durationInSecByPeriodMap"].values()) == sum(s.dur_s for s in steps)
