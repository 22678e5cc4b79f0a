"""The streaming parser: the simulator's tree shape, DETAIL maps, unknown and malformed keys, bad JSON."""
from __future__ import annotations

import io
import logging
from decimal import Decimal

import orjson
import pytest

from privacy.reports.services.parse import MalformedAnalysis, parse_analysis

KEYS = {"private_keys": ["VIE_PRIVEE"], "pro_keys": ["VIE_PRO"]}


def totals(priv_m, pro_m, *, extra_key=None, litres=1.5, priv_litres=0.5, day=None):
    maps = {name: {"VIE_PRIVEE": priv_m, "VIE_PRO": pro_m} for name in (
        "durationInSecByPeriodMap", "distanceInMeterByPeriodMap", "distanceElectriqueInMeterByPeriodMap",
        "utilisationBatterieByPeriodMap")}
    if extra_key:
        maps["distanceInMeterByPeriodMap"][extra_key] = 777
    return {"consoL": litres, "consoKWh": 0.0, "cost": 2.78, "dayDate": day, "entity": {"id": 121},
            "total": maps, "_priv_litres": priv_litres}


def node(ident, name, priv_m, pro_m, children=None, days=0, **kw):
    cumul = totals(priv_m, pro_m, **kw)
    by_flag = {"VIE_PRIVEE": {**totals(priv_m, 0), "consoL": cumul.pop("_priv_litres"), "cost": 1.0},
               "VIE_PRO": totals(0, pro_m)}
    return {
        "entity": {"id": ident, "nom": name, "suppressionLogique": False},
        "nodes": children or {},
        "entityTotalCumul": cumul,
        "entityTotalByFlagCumul": by_flag,
        "content": {"entity": {"id": ident, "nom": name}, "entityTotal": totals(0, 0),
                    "entityTotalByFlag": {}, "refItems": {}, "typeMotorisationEnergyeMap": {},
                    "chauffeursByIdDriverAndPeriodeBean": {"map": {
                        f"2026-01-{d + 1:02d}": totals(1, 1, day=f"2026-01-{d + 1:02d}") for d in range(days)}}},
    }


def answer(tree_name="synthesisTreeByDriver", days=0, **leaf_kw) -> bytes:
    leaf_a = node(7001, "DUPONT Jean", 1000, 9000, days=days, **leaf_kw)
    leaf_b = node(7004, "MARTIN Zoé", 0, 5000, days=days)
    entity = node(121, "Agence Lyon", 1000, 14000, {"7001": leaf_a, "7004": leaf_b})
    root = node(1110000000, "Transports Démo", 1000, 14000, {"121": entity})
    other = "synthesisTreeByVehicle" if tree_name == "synthesisTreeByDriver" else "synthesisTreeByDriver"
    return orjson.dumps([{"mode": "X", tree_name: root, other: None,
                          "htmlTable": "<table><td>12 rue de la Paix</td></table>", "bean": {}}])


def parse(data: bytes, **keys):
    return list(parse_analysis(io.BytesIO(data), **(keys or KEYS)))


def test_leaves_and_entities_of_the_driver_tree_become_rows():
    rows = {(r.kind, r.ocean_id): r for r in parse(answer())}
    assert set(rows) == {("driver", 7001), ("driver", 7004), ("entity", 121)}
    jean = rows[("driver", 7001)]
    assert (jean.name, jean.entity_id, jean.entity_name) == ("DUPONT Jean", 121, "Agence Lyon")
    assert (jean.values["private_m"], jean.values["pro_m"], jean.values["private_s"]) == (1000, 9000, 1000)
    assert jean.values["litres"] == Decimal("1.5") and jean.values["litres_private"] == Decimal("0.5")
    assert jean.values["cost_private"] == Decimal("1.0")
    assert rows[("entity", 121)].values["pro_m"] == 14000
    assert jean.extra == {}


def test_the_vehicle_tree_gives_vehicle_rows_and_no_entity_rows():
    rows = parse(answer("synthesisTreeByVehicle"))
    assert {r.kind for r in rows} == {"vehicle"}


def test_detail_maps_are_skipped_and_give_the_same_rows():
    plain = [(r.kind, r.ocean_id, r.values) for r in parse(answer())]
    detailed = [(r.kind, r.ocean_id, r.values) for r in parse(answer(days=31))]
    assert plain == detailed


def test_unknown_period_keys_are_kept_in_extra_and_logged_once(caplog):
    caplog.set_level(logging.WARNING, logger="privacy.reports.services.parse")
    rows = {r.ocean_id: r for r in parse(answer(extra_key="TRAJET_DOMICILE"))}
    jean = rows[7001]
    assert jean.extra["unknown"]["distanceInMeterByPeriodMap"] == {"TRAJET_DOMICILE": 777}
    assert jean.values["private_m"] + jean.values["pro_m"] == 10000  # not mixed into private or pro
    assert sum("TRAJET_DOMICILE" in m for m in caplog.messages) == 1


def test_the_private_and_pro_keys_come_from_settings():
    rows = {r.ocean_id: r for r in parse(answer(), private_keys=["VIE_PRO"], pro_keys=["VIE_PRIVEE"])}
    assert (rows[7001].values["private_m"], rows[7001].values["pro_m"]) == (9000, 1000)


def test_malformed_values_count_as_zero_and_are_noted():
    data = answer().replace(b'"consoL":1.5', b'"consoL":"beaucoup"', 1)
    tree = orjson.loads(data)
    leaf = tree[0]["synthesisTreeByDriver"]["nodes"]["121"]["nodes"]["7001"]
    leaf["entityTotalCumul"]["total"]["distanceInMeterByPeriodMap"]["VIE_PRO"] = "n/a"
    leaf["entityTotalCumul"]["total"]["durationInSecByPeriodMap"] = None
    rows = {r.ocean_id: r for r in parse(orjson.dumps(tree))}
    jean = rows[7001]
    assert jean.values["pro_m"] == 0 and jean.values["private_m"] == 1000 and jean.values["pro_s"] == 0
    assert "distanceInMeterByPeriodMap.VIE_PRO" in jean.extra["malformed"]


def test_a_node_whose_id_is_not_a_number_is_skipped():
    tree = orjson.loads(answer())
    nodes = tree[0]["synthesisTreeByDriver"]["nodes"]["121"]["nodes"]
    nodes["abc"] = nodes.pop("7004")
    assert {r.ocean_id for r in parse(orjson.dumps(tree))} == {7001, 121}


@pytest.mark.parametrize("data", [b"", b"{}", b'{"synthesisTreeByDriver": null}', answer()[:-40], b"[{]"])
def test_a_truncated_or_non_array_answer_is_malformed(data):
    with pytest.raises(MalformedAnalysis):
        parse(data)


def test_an_empty_array_gives_no_rows():
    assert parse(b"[]") == []


def parse_with_survey(data: bytes):
    from privacy.reports.services.parse import AnalysisSurvey

    survey = AnalysisSurvey()
    rows = list(parse_analysis(io.BytesIO(data), **KEYS, survey=survey))
    return rows, survey


def test_a_documented_answer_leaves_the_survey_empty():
    _rows, survey = parse_with_survey(answer())
    assert survey.trees == ["synthesisTreeByDriver"]
    assert (survey.unknown_fields, survey.unknown_period_keys, survey.shapes, survey.malformed) == ({}, {}, [], 0)
    assert not survey.incomplete and survey.fallback == ""


def test_undocumented_fields_take_the_tolerant_path_with_the_same_rows_and_are_reported():
    tree = orjson.loads(answer(days=3))
    tree[0]["newTopField"] = {"x": 1}
    leaf = tree[0]["synthesisTreeByDriver"]["nodes"]["121"]["nodes"]["7001"]
    leaf["groupe"] = {"id": 1001}
    leaf["entityTotalCumul"]["total"]["distanceHybrideInMeterByPeriodMap"] = {"VIE_PRO": 3}
    rows, survey = parse_with_survey(orjson.dumps(tree))
    assert [(r.kind, r.ocean_id, r.values) for r in rows] == [(r.kind, r.ocean_id, r.values) for r in parse(answer())]
    assert survey.fallback and "unknown field" in survey.fallback
    assert survey.unknown_fields == {"result": {"newTopField"}, "node": {"groupe"},
                                     "total": {"distanceHybrideInMeterByPeriodMap"}}


def test_unknown_period_keys_and_odd_shapes_make_the_survey_incomplete():
    tree = orjson.loads(answer(extra_key="TRAJET_DOMICILE"))
    tree[0]["synthesisTreeByVehicle"] = tree[0]["synthesisTreeByDriver"]
    nodes = tree[0]["synthesisTreeByDriver"]["nodes"]["121"]["nodes"]
    nodes["7001"]["nodes"] = {"9": nodes["7004"]}
    nodes["7004"]["entityTotalCumul"] = [1, 2]
    rows, survey = parse_with_survey(orjson.dumps(tree))
    assert survey.incomplete
    assert survey.unknown_period_keys == {"distanceInMeterByPeriodMap": {"TRAJET_DOMICILE"}}
    assert survey.trees == ["synthesisTreeByDriver", "synthesisTreeByVehicle"]
    assert any("below the leaf level" in s for s in survey.shapes)
    assert any("7004.entityTotalCumul" in s for s in survey.shapes)
    by_key = {(r.kind, r.ocean_id): r for r in rows}
    assert by_key[("driver", 7004)].values["pro_m"] == 0 and by_key[("vehicle", 7001)].values["private_m"] == 1000


def test_a_real_file_is_memory_mapped_and_gives_the_same_rows(tmp_path):
    path = tmp_path / "analysis.json"
    path.write_bytes(answer(days=5))
    with path.open("rb") as body:
        from_file = [(r.kind, r.ocean_id, r.values) for r in parse_analysis(body, **KEYS)]
    assert from_file == [(r.kind, r.ocean_id, r.values) for r in parse(answer())]
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with empty.open("rb") as body, pytest.raises(MalformedAnalysis):
        list(parse_analysis(body, **KEYS))
