"""A-posteriori step declarations (etapeViePriveePosteriori)."""

from __future__ import annotations

from datetime import timedelta

from ocean_sim.dates import local_date

from .conftest import NOW

PATH = "vieprivee/v1/etapeViePriveePosteriori"


def a_step(state, vidx=3, days_ago=1, k=0):
    v = state.fleet.vehicles[vidx]
    return v, state.fleet.steps(v, local_date(NOW) - timedelta(days=days_ago), NOW)[k]


def declare(api, ne, step_id, privacy="true", code="1110000001"):
    q = {"idEtape": step_id, "numeroEmbarque": ne, "privacy": privacy}
    if code is not None:
        q["codeExploitant"] = code
    return api.post(PATH, query_string=q)


def test_declare_answers_list_true_and_stores(api, state):
    v, s = a_step(state)
    r = declare(api, v.numero_embarque, s.id)
    assert r.status_code == 200 and r.json == [True]
    assert state.store.declarations() == {(v.numero_embarque, s.id): True}


def test_idempotent_and_latest_value_wins(api, state):
    v, s = a_step(state)
    declare(api, v.numero_embarque, s.id, "false")
    once = state.store.declarations()
    assert declare(api, v.numero_embarque, s.id, "false").json == [True]
    assert state.store.declarations() == once == {(v.numero_embarque, s.id): False}
    declare(api, v.numero_embarque, s.id, "true")
    assert state.store.declarations() == {(v.numero_embarque, s.id): True}


def test_code_exploitant_optional_but_checked(api, state):
    v, s = a_step(state)
    assert declare(api, v.numero_embarque, s.id, code=None).status_code == 200
    assert declare(api, v.numero_embarque, s.id, code="999").status_code == 400


def test_unknown_step_or_wrong_vehicle(api, state):
    v, s = a_step(state)
    other, _ = a_step(state, vidx=4)
    assert declare(api, other.numero_embarque, s.id).status_code == 400
    assert declare(api, 1, s.id).status_code == 400
    assert declare(api, v.numero_embarque, 42).status_code == 400
    assert declare(api, v.numero_embarque, s.id + 9).status_code == 400
    # a step later today has not happened yet
    later = state.fleet._day_steps(3, local_date(NOW))[-1]
    assert later.end > NOW and declare(api, v.numero_embarque, later.id).status_code == 400
    assert state.store.declarations() == {}


def test_required_params(api, state):
    v, s = a_step(state)
    assert api.post(f"{PATH}?idEtape={s.id}&privacy=true").status_code == 400
    assert api.post(f"{PATH}?numeroEmbarque={v.numero_embarque}&privacy=true").status_code == 400
    assert api.post(f"{PATH}?idEtape={s.id}&numeroEmbarque={v.numero_embarque}").status_code == 400
    assert (
        api.post(f"{PATH}?idEtape={s.id}&numeroEmbarque={v.numero_embarque}&privacy=maybe").status_code == 400
    )
    assert state.store.declarations() == {}


def test_step_id_comes_from_fiche_jour(api, state):
    v, _ = a_step(state)
    day = (local_date(NOW) - timedelta(days=2)).strftime("%d/%m/%Y")
    row = api.get(f"mobility/v1/ficheJour?vehId={v.id}&date={day}").json["fjRows"][0]
    assert declare(api, v.numero_embarque, row["id"]).status_code == 200
