"""Login, token checks and expiry, customerId, base paths."""

from __future__ import annotations

import re

from .conftest import BASE, login


def test_login_returns_documented_shape(app):
    r = app.test_client().post(BASE + "auth/authenticate2", json={"login": "demo", "password": "demo"})
    assert r.status_code == 200
    assert r.content_type.startswith("application/json")
    body = r.json
    assert set(body) == {"additionalAccountData", "passwordExpirationRemainingDays", "token"}
    assert body["additionalAccountData"] == {}
    assert isinstance(body["passwordExpirationRemainingDays"], int)
    assert re.fullmatch(r"[0-9a-f]{128}", body["token"])


def test_wrong_credentials_401_and_malformed_400(app):
    c = app.test_client()
    assert c.post(BASE + "auth/authenticate2", json={"login": "demo", "password": "nope"}).status_code == 401
    assert c.post(BASE + "auth/authenticate2", json={"login": "x", "password": "demo"}).status_code == 401
    assert c.post(BASE + "auth/authenticate2", json={"login": "demo"}).status_code == 400
    assert c.post(BASE + "auth/authenticate2", data="not json").status_code == 400


def test_token_required_and_unknown_rejected(app, api):
    c = app.test_client()
    assert c.get(BASE + "mobility/v1/entities").status_code == 401
    assert c.get(BASE + "mobility/v1/entities", headers={"X-AUTH-TOKEN": "0" * 128}).status_code == 401
    assert c.get(BASE + "mobility/v1/entities", headers={"x-auth-token": api.token}).status_code == 200
    assert c.get(BASE + "mobility/v1/entities", headers={"X-Auth-Token": api.token}).status_code == 200


def test_token_expires_after_12_hours(app, api, clock):
    clock.advance(hours=11, minutes=59)
    assert api.get("mobility/v1/entities").status_code == 200
    clock.advance(minutes=1)
    assert api.get("mobility/v1/entities").status_code == 401
    fresh = login(app)
    assert (
        app.test_client().get(BASE + "mobility/v1/entities", headers={"X-AUTH-TOKEN": fresh}).status_code
        == 200
    )


def test_customer_id_checked(api):
    assert api.get("mobility/v1/entities?customerId=1110000000").status_code == 200
    assert api.get("mobility/v1/entities?customerId=3330000000").status_code == 403
    assert api.get("mobility/v1/entities?customerId=abc").status_code == 400
    assert api.post("individus/list?customerId=999").status_code == 403


def test_the_second_customer_has_an_empty_fleet(api):
    assert api.get("mobility/v1/entities?customerId=2220000000").json == {"entities": []}
    assert api.post("individus/list?customerId=2220000000").json == []
    assert api.get("vehicule_engin/vehicles?customerId=2220000000").json == []
    fiche = api.get("mobility/v1/ficheJour?customerId=2220000000&vehId=5001&date=01/01/2026")
    assert fiche.status_code == 404


def test_legacy_base_path_and_unknown_paths(app, api):
    c = app.test_client()
    h = {"X-AUTH-TOKEN": api.token}
    assert c.get("/ocean-3.0.0/restapi/mobility/v1/entities", headers=h).status_code == 200
    assert (
        c.post(
            "/ocean-3.0.0/restapi/auth/authenticate2", json={"login": "demo", "password": "demo"}
        ).status_code
        == 200
    )
    assert c.get("/ocean/restapi/nope", headers=h).status_code == 404
    assert c.get("/elsewhere/mobility/v1/entities", headers=h).status_code == 404
    assert c.post(BASE + "mobility/v1/entities", headers=h).status_code == 405


def test_credentials_and_tokens_never_logged(app, caplog):
    caplog.set_level("DEBUG")
    token = login(app)
    app.test_client().get(BASE + "mobility/v1/entities", headers={"X-AUTH-TOKEN": token})
    assert token not in caplog.text
    assert '"password"' not in caplog.text
