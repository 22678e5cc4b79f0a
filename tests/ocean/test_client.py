"""Each method: path, query, body, headers, timeouts, customerId, success/refusal bodies."""

import io
import json
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from responses import matchers

from privacy.ocean import OceanConfig, OceanRejected

from .support import BASE, PASSWORD, TOKEN, load

VP = f"{BASE}/vieprivee/v1"
START = datetime(2025, 11, 24, tzinfo=UTC)
END = datetime(2025, 11, 30, 23, 59, 59, tzinfo=UTC)


def query(call) -> dict:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


def api_calls(rsps):
    return [c for c in rsps.calls if not c.request.url.endswith("/auth/authenticate2")]


def test_login_body_is_json_only(client, rsps):
    info = client.authenticate()
    assert (info.token_present, info.password_expiration_days, info.additional) == (True, 42, {})
    login = rsps.calls[0].request
    assert login.url == f"{BASE}/auth/authenticate2"  # nothing in the URL
    assert json.loads(login.body) == {"login": "api.user", "password": PASSWORD}
    assert login.headers["Content-Type"] == "application/json"
    assert "X-AUTH-TOKEN" not in login.headers


def test_every_call_has_token_customer_id_and_explicit_timeouts(client, rsps):
    rsps.add(responses.GET, f"{BASE}/vehicule_engin/vehicles", json=load("vehicles.json"))
    rsps.add(responses.GET, f"{BASE}/mobility/v1/entities", json=load("entities.json"))
    rsps.add(responses.POST, f"{BASE}/individus/list", json=load("individus.json"))
    client.vehicles()
    client.entities()
    client.individus_list()
    assert len(rsps.calls) == 4  # one login, reused
    for call in api_calls(rsps):
        assert call.request.headers["X-AUTH-TOKEN"] == TOKEN
        assert query(call)["customerId"] == ["1110000000"]
        assert call.request.req_kwargs["timeout"] == (3.05, 20.0)
    assert rsps.calls[0].request.req_kwargs["timeout"] == (3.05, 20.0)


def test_redirects_are_not_followed(client, rsps):
    # the token header must never travel to another host
    rsps.add(
        responses.GET, f"{BASE}/mobility/v1/entities", status=302, headers={"Location": "https://evil.test/"}
    )
    with pytest.raises(OceanRejected) as err:
        client.entities()
    assert err.value.status == 302
    assert all("evil.test" not in c.request.url for c in rsps.calls)


def test_customer_id_is_omitted_when_not_configured(make_client, login_ok, rsps):
    client = make_client(OceanConfig(base_url=BASE, login="u", password="p"))
    rsps.add(responses.GET, f"{BASE}/mobility/v1/entities", json={"entities": []})
    assert client.entities() == []
    assert "customerId" not in query(rsps.calls[-1])


def test_individus_criteria_are_repeated_query_params(client, rsps):
    rsps.add(responses.POST, f"{BASE}/individus/list", json=load("individus.json"))
    drivers = client.individus_list(criteria=["WITH_VEHICLE", "WITH_USER"])
    assert [d.id for d in drivers] == [7001, 7002]
    req = rsps.calls[-1].request
    assert "criteria=WITH_VEHICLE&criteria=WITH_USER" in req.url
    assert req.body is None


def test_vehicles_filter_by_plate(client, rsps):
    rsps.add(
        responses.GET,
        f"{BASE}/vehicule_engin/vehicles",
        json=load("vehicles.json"),
        match=[matchers.query_param_matcher({"customerId": "1110000000", "immatriculation": "AB-123-CD"})],
    )
    assert [v.numero_embarque for v in client.vehicles(immatriculation="AB-123-CD")] == [2, 3]


def test_entities_envelope_and_bare_list(client, rsps):
    rsps.add(responses.GET, f"{BASE}/mobility/v1/entities", json=load("entities.json"))
    rsps.add(responses.GET, f"{BASE}/mobility/v1/entities", json=[{"id": 1, "nom": "X"}])
    assert [e.nom for e in client.entities()] == ["Agence Paris", "Agence Lyon"]
    assert [e.nom for e in client.entities()] == ["X"]


def test_assignment_history_and_its_404_fallback(client, rsps):
    rsps.add(responses.GET, f"{BASE}/affectations_chauffeurs/historique", status=404)
    rsps.add(
        responses.GET,
        "https://ocean.test/ocean/affectations_chauffeurs/historique",
        json=load("assignments.json"),
    )
    got = client.assignment_history(driver_id=7001)
    assert [a.id for a in got] == [301, 300]
    first, second = api_calls(rsps)
    assert query(first) == query(second) == {"idIndividu": ["7001"], "customerId": ["1110000000"]}
    assert second.request.headers["X-AUTH-TOKEN"] == TOKEN


def test_assignment_history_no_fallback_on_other_errors(client, rsps):
    rsps.add(responses.GET, f"{BASE}/affectations_chauffeurs/historique", status=400, json={"message": "bad"})
    with pytest.raises(OceanRejected) as err:
        client.assignment_history(vehicle_id=5001)
    assert err.value.status == 400 and err.value.message == "bad"
    assert len(api_calls(rsps)) == 1


def test_fiche_jour(client, rsps):
    rsps.add(responses.GET, f"{BASE}/mobility/v1/ficheJour", json=load("fiche_jour.json"))
    steps = client.fiche_jour(vehicle_id=5001, day=date(2025, 11, 24))
    assert [s.id for s in steps] == [1110000401, 1110000402]
    assert query(rsps.calls[-1]) == {"vehId": ["5001"], "date": ["24/11/2025"], "customerId": ["1110000000"]}
    assert "date=24%2F11%2F2025" in rsps.calls[-1].request.url


def test_fiche_jour_uses_the_client_time_zone(make_client, login_ok, rsps):
    rsps.add(responses.GET, f"{BASE}/mobility/v1/ficheJour", json=load("fiche_jour.json"))
    steps = make_client(tz="UTC").fiche_jour(vehicle_id=5001, day=date(2025, 11, 24))
    assert steps[0].start.when == datetime(2025, 11, 24, 8, 15, tzinfo=UTC)


def test_recurring_get(client, rsps):
    rsps.add(responses.GET, f"{VP}/horairesViePriveeRecurrentesIndividu", json=load("recurring_epoch.json"))
    entries = client.recurring_get(driver_id=7001)
    assert len(entries) == 4 and entries[0].valid_until is None
    assert query(rsps.calls[-1]) == {"individuId": ["7001"], "customerId": ["1110000000"]}


def test_recurring_set_sends_the_week_in_inner_map_and_encodes_plus(client, rsps):
    rsps.add(responses.POST, f"{VP}/horairesViePriveeRecurrentesIndividu", json=True)
    week = {
        "LUNDI": {
            "VIE_PRIVEE": [
                {
                    "idJourSemaine": "LUNDI",
                    "typeHoraires": "VIE_PRIVEE",
                    "debutHeure": 0,
                    "debutMinute": 0,
                    "finHeure": 8,
                    "finMinute": 0,
                }
            ]
        }
    }
    client.recurring_set(driver_id=7001, inner_map=week, start=START)
    req = rsps.calls[-1].request
    # Every day is named; a day without private hours is an empty list, so it is cleared (D10).
    empty = {d: {"VIE_PRIVEE": []} for d in ("MARDI", "MERCREDI", "JEUDI", "VENDREDI", "SAMEDI", "DIMANCHE")}
    assert json.loads(req.body) == {"innerMap": {"map": week | empty}}
    assert list(json.loads(req.body)["innerMap"]["map"])[:2] == ["LUNDI", "MARDI"]
    assert query(rsps.calls[-1]) == {
        "individuId": ["7001"],
        "dateDebut": ["24/11/2025 00:00:00 +0000"],
        "customerId": ["1110000000"],
    }
    assert "dateDebut=24%2F11%2F2025+00%3A00%3A00+%2B0000" in req.url  # '+' of the zone is %2B
    client.recurring_set(driver_id=7001, inner_map={}, start=START, end=END)
    assert query(rsps.calls[-1])["dateFin"] == ["30/11/2025 23:59:59 +0000"]


def test_zone_token_z(make_client, login_ok, rsps):
    client = make_client(OceanConfig(base_url=BASE, login="u", password="p", zone_token="Z"))
    rsps.add(responses.POST, f"{VP}/horairesViePriveeRecurrentesIndividu", body="")
    client.recurring_set(driver_id=1, inner_map={}, start=START)
    assert query(rsps.calls[-1])["dateDebut"] == ["24/11/2025 00:00:00 Z"]


def test_naive_datetimes_are_refused_before_any_request(client, rsps):
    with pytest.raises(ValueError):
        client.recurring_set(driver_id=1, inner_map={}, start=datetime(2025, 1, 1))
    assert len(rsps.calls) == 0


def test_recurring_delete_single_id(client, rsps):
    rsps.add(responses.DELETE, f"{VP}/horairesViePriveeRecurrentesIndividu", status=204)
    client.recurring_delete(driver_id=7001, slot_ids=[1110000002])
    assert query(rsps.calls[-1]) == {
        "individuId": ["7001"],
        "horaireIndividuIds": ["1110000002"],
        "customerId": ["1110000000"],
    }


def test_recurring_delete_remaps_reissued_ids(client, rsps):
    before = load("recurring_epoch.json")
    after = json.loads(json.dumps(before))
    for item in after[:3]:
        item["fin"] = 1769900000000  # old version closed by the delete
    reissued = json.loads(json.dumps(before[1:3]))
    for new_id, item in zip((2220000003, 2220000004), reissued, strict=True):
        item["id"], item["debut"] = new_id, 1769900000000
    after += reissued
    get = f"{VP}/horairesViePriveeRecurrentesIndividu"
    rsps.add(responses.GET, get, json=before)
    rsps.add(responses.DELETE, get, status=204)
    rsps.add(responses.GET, get, json=after)
    rsps.add(responses.DELETE, get, status=204)
    rsps.add(responses.GET, get, json=after)
    rsps.add(responses.DELETE, get, status=204)
    client.recurring_delete(driver_id=7001, slot_ids=[1110000002, 1110000003, 1110000004])
    deleted = [query(c)["horaireIndividuIds"][0] for c in rsps.calls if c.request.method == "DELETE"]
    assert deleted == ["1110000002", "2220000003", "2220000004"]


def test_exceptional_list_sends_both_window_names(client, rsps):
    rsps.add(
        responses.GET, f"{VP}/horairesViePriveeExceptionnellesIndividu", json=load("exceptional_fr.json")
    )
    (period,) = client.exceptional_list(driver_id=7001, start=START, end=END)
    assert period.delete_id == 18524
    q = query(rsps.calls[-1])
    assert q["dateDebut"] == q["startDate"] == ["24/11/2025 00:00:00 +0000"]
    assert q["dateFin"] == q["endDate"] == ["30/11/2025 23:59:59 +0000"]
    assert q["individuId"] == ["7001"]


def test_exceptional_add_uses_the_singular_path_and_no_body(client, rsps):
    rsps.add(responses.POST, f"{VP}/horaireViePriveeExceptionnelleIndividu", body="true")
    client.exceptional_add(
        driver_id=7001,
        start=datetime(2027, 12, 25, tzinfo=UTC),
        end=datetime(2027, 12, 26, tzinfo=UTC),
        label="NOEL",
    )
    req = rsps.calls[-1].request
    assert req.body is None
    assert query(rsps.calls[-1]) == {
        "individuId": ["7001"],
        "dateDebut": ["25/12/2027 00:00:00 +0000"],
        "dateFin": ["26/12/2027 00:00:00 +0000"],
        "description": ["NOEL"],
        "customerId": ["1110000000"],
    }
    client.exceptional_add(driver_id=7001, start=START, end=END, label="X", update_id=18524)
    assert query(rsps.calls[-1])["extensionIdToUpdate"] == ["18524"]


def test_exceptional_delete_uses_the_plural_path(client, rsps):
    rsps.add(responses.DELETE, f"{VP}/horairesViePriveeExceptionnellesIndividu", json={})
    client.exceptional_delete(extension_id=18524)
    assert query(rsps.calls[-1]) == {"horaireExtensionIds": ["18524"], "customerId": ["1110000000"]}


@pytest.mark.parametrize("private", [True, False])
def test_declare_step(client, rsps, private):
    rsps.add(responses.POST, f"{VP}/etapeViePriveePosteriori", json=[{"boolean": True}])
    client.declare_step(code_exploitant="1110000001", numero_embarque=2, step_id=1110000401, private=private)
    assert query(rsps.calls[-1]) == {
        "idEtape": ["1110000401"],
        "numeroEmbarque": ["2"],
        "codeExploitant": ["1110000001"],
        "privacy": [str(private).lower()],
        "customerId": ["1110000000"],
    }
    assert rsps.calls[-1].request.body is None


@pytest.mark.parametrize(
    ("status", "kwargs"),
    [
        (200, {"json": True}),
        (200, {"json": [True]}),
        (200, {"json": [{"oceanStatus": "OK"}]}),
        (200, {"json": {}}),
        (200, {"body": ""}),
        (201, {"body": ""}),
        (204, {}),
        (200, {"body": "True"}),
    ],
)
def test_write_success_bodies(client, rsps, status, kwargs):
    rsps.add(responses.POST, f"{VP}/etapeViePriveePosteriori", status=status, **kwargs)
    assert client.declare_step(code_exploitant="1", numero_embarque=2, step_id=3, private=True) is None
    assert [c.response.status_code for c in api_calls(rsps)] == [status]  # sent once, accepted, not resent


@pytest.mark.parametrize("body", [False, [False], [{"boolean": False}]])
def test_write_refusal_bodies(client, rsps, body):
    rsps.add(responses.POST, f"{VP}/horaireViePriveeExceptionnelleIndividu", json=body)
    with pytest.raises(OceanRejected) as err:
        client.exceptional_add(driver_id=1, start=START, end=END, label="x")
    assert (err.value.status, err.value.message) == (200, "refused by Ocean")


def test_preformatted_privacy_body(client, rsps):
    rsps.add(responses.POST, f"{BASE}/analyse/preformattedPrivacy", json=load("analysis.json"))
    raw = client.preformatted_privacy(
        start=START,
        end=END,
        render_mode="BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS",
        persons=[7001, 0],
        groups=[0],
        vehicle_ids=(5001,),
    )
    assert json.loads(raw) == load("analysis.json")
    req = rsps.calls[-1].request
    assert json.loads(req.body) == {
        "filter": {"persons": [7001], "vehicleIds": [5001]},  # empty/0 filters omitted
        "renderMode": "BY_DRIVER_WITHOUT_HORAIRE_SYNTHESIS",
        "criteria": "ALL",
        "periode": {"debut": 1763942400000, "fin": 1764547199000},
    }
    assert query(rsps.calls[-1]) == {"customerId": ["1110000000"]}


def test_preformatted_privacy_vendor_spelling_and_validation(client, rsps):
    rsps.add(responses.POST, f"{BASE}/analyse/preformattedPrivacy", json=[])
    client.preformatted_privacy(
        start=START, end=END, render_mode="BY_VEHICLE_WITH_HORAIRE_DETAIL", criteria="WITHOUT_GEOLOCATION"
    )
    assert json.loads(rsps.calls[-1].request.body)["criteria"] == "WIHOUT_GEOLOCATION"
    with pytest.raises(ValueError):
        client.preformatted_privacy(start=START, end=END, render_mode="BY_NOTHING")


def test_preformatted_privacy_streams_to_a_file(client, rsps):
    big = b"[" + b" " * (3 * 1024 * 1024) + b"]"
    rsps.add(responses.POST, f"{BASE}/analyse/preformattedPrivacy", body=big)
    out = io.BytesIO()
    written = client.preformatted_privacy_to_file(
        fileobj=out, start=START, end=END, render_mode="BY_DRIVER_WITH_HORAIRE_DETAIL", entities=[123]
    )
    assert written == len(big) and out.getvalue() == big
    assert rsps.calls[-1].request.req_kwargs["stream"] is True
    assert json.loads(rsps.calls[-1].request.body)["filter"] == {"entities": [123]}
