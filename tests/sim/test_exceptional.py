"""Exceptional vie-privée periods: singular POST, plural GET/DELETE, update and future-only rules."""

from __future__ import annotations

from datetime import UTC, datetime

from ocean_sim.dates import to_ms

GET_PATH = "vieprivee/v1/horairesViePriveeExceptionnellesIndividu"
POST_PATH = "vieprivee/v1/horaireViePriveeExceptionnelleIndividu"


def add(
    api, iid=7001, debut="25/12/2027 00:00:00 Z", fin="26/12/2027 00:00:00 Z", description="NOEL", **extra
):
    q = {"individuId": iid, "dateDebut": debut, "dateFin": fin, "description": description, **extra}
    return api.post(POST_PATH, query_string=q)


def listing(api, iid=7001, **window):
    r = api.get(GET_PATH, query_string={"individuId": iid, **window})
    assert r.status_code == 200
    return r.json


def test_add_and_get_fr_shape(api):
    r = add(api)
    assert r.status_code == 200 and r.json is True
    [row] = listing(api)
    assert set(row) == {
        "id",
        "description",
        "extension",
        "utilisateur",
        "individu",
        "debut",
        "fin",
        "horairesIndividu",
    }
    assert row["extension"]["description"] == "NOEL"
    assert row["extension"]["id"] != row["id"] and row["description"] != row["extension"]["description"]
    assert row["individu"]["id"] == 7001 and row["utilisateur"]["loginUti"] == "demo"
    assert row["debut"] == to_ms(datetime(2027, 12, 25, tzinfo=UTC))
    assert row["fin"] == to_ms(datetime(2027, 12, 26, tzinfo=UTC))
    # 00:00Z-24:00Z on 25/12 is 01:00 Saturday to 01:00 Sunday in Paris
    slots = [
        (
            h["horaire"]["idJourSemaine"],
            h["horaire"]["debutHeure"],
            h["horaire"]["finHeure"],
            h["horaire"]["finMinute"],
        )
        for h in row["horairesIndividu"]
    ]
    assert slots == [("SAMEDI", 1, 24, 0), ("DIMANCHE", 0, 1, 0)]
    assert {h["horaire"]["typeHoraires"] for h in row["horairesIndividu"]} == {"VIE_PRIVEE_EXCEPTIONNELLE"}
    assert (
        row["horairesIndividu"][0]["debut"] == row["debut"]
        and row["horairesIndividu"][-1]["fin"] == row["fin"]
    )


def test_whole_paris_days_have_fin_heure_24(api):
    assert add(api, debut="30/04/2026 22:00:00 Z", fin="03/05/2026 22:00:00 +0000").status_code == 200
    [row] = listing(api)
    hs = [h["horaire"] for h in row["horairesIndividu"]]
    assert [h["idJourSemaine"] for h in hs] == ["VENDREDI", "SAMEDI", "DIMANCHE"]
    assert all(
        (h["debutHeure"], h["debutMinute"], h["finHeure"], h["finMinute"]) == (0, 0, 24, 0) for h in hs
    )


def test_window_filters_with_both_param_names(api):
    add(api, debut="01/04/2026 00:00:00 Z", fin="02/04/2026 00:00:00 Z", description="A")
    add(api, debut="01/06/2026 00:00:00 Z", fin="02/06/2026 00:00:00 Z", description="B")
    assert len(listing(api)) == 2
    fr = listing(api, dateDebut="01/05/2026 00:00:00 Z", dateFin="01/07/2026 00:00:00 Z")
    en = listing(api, startDate="01/05/2026 00:00:00 Z", endDate="01/07/2026 00:00:00 Z")
    assert [r["extension"]["description"] for r in fr] == [r["extension"]["description"] for r in en] == ["B"]
    assert api.get(GET_PATH, query_string={"individuId": 7001, "startDate": "2026-05-01"}).status_code == 400
    assert listing(api, 7002) == []
    assert api.get(GET_PATH).status_code == 400


def test_add_rules(api):
    assert add(api, debut="26/12/2027 00:00:00 Z", fin="25/12/2027 00:00:00 Z").status_code == 400
    assert add(api, debut="25/12/2027 00:00:00 Z", fin="25/12/2027 00:00:00 Z").status_code == 400
    assert add(api, debut="01/03/2026 00:00:00 Z", fin="20/03/2026 00:00:00 Z").status_code == 400  # past
    assert add(api, fin="26/12/2027").status_code == 400
    assert (
        api.post(
            POST_PATH, query_string={"individuId": 7001, "dateDebut": "25/12/2027 00:00:00 Z"}
        ).status_code
        == 400
    )
    assert add(api, iid=1).status_code == 400
    assert (
        api.post(GET_PATH, query_string={"individuId": 7001}).status_code == 405
    )  # POST is on the singular path
    assert listing(api) == []


def test_update_future_period_keeps_its_ids(api):
    add(api)
    [row] = listing(api)
    ext = row["extension"]["id"]
    r = add(
        api,
        debut="24/12/2027 00:00:00 Z",
        fin="27/12/2027 00:00:00 Z",
        description="NOEL2",
        extensionIdToUpdate=ext,
    )
    assert r.status_code == 200 and r.json is True
    [new] = listing(api)
    assert new["extension"] == {"id": ext, "description": "NOEL2"} and new["id"] == row["id"]
    assert len(new["horairesIndividu"]) == 4
    assert add(api, extensionIdToUpdate=424242).status_code == 400
    assert add(api, iid=7002, extensionIdToUpdate=ext).status_code == 400


def test_update_of_started_period_refused(api, clock):
    add(api, debut="12/03/2026 00:00:00 Z", fin="20/03/2026 00:00:00 Z")
    [row] = listing(api)
    clock.advance(days=1)
    api.relogin()
    r = add(
        api,
        debut="13/03/2026 00:00:00 Z",
        fin="21/03/2026 00:00:00 Z",
        extensionIdToUpdate=row["extension"]["id"],
    )
    assert r.status_code == 400
    assert listing(api) == [row]


def test_delete_only_entirely_future(api, clock):
    add(api, debut="12/03/2026 00:00:00 Z", fin="13/03/2026 00:00:00 Z", description="SOON")
    add(api, description="NOEL")
    rows = {r["extension"]["description"]: r for r in listing(api)}
    r = api.delete(GET_PATH, query_string={"horaireExtensionIds": rows["NOEL"]["extension"]["id"]})
    assert r.status_code == 204 and r.get_data() == b""
    assert [x["extension"]["description"] for x in listing(api)] == ["SOON"]
    clock.advance(hours=14)  # 12/03 00:30Z: SOON has started
    api.relogin()
    soon = rows["SOON"]["extension"]["id"]
    assert api.delete(GET_PATH, query_string={"horaireExtensionIds": soon}).status_code == 400
    assert api.delete(GET_PATH, query_string={"horaireExtensionIds": 777}).status_code == 400
    assert api.delete(GET_PATH).status_code == 400
    assert (
        api.delete(GET_PATH, query_string={"horaireExtensionIds": rows["SOON"]["id"]}).status_code == 400
    )  # top-level id
    assert len(listing(api)) == 1


def test_delete_is_atomic(api):
    add(api, description="A")
    [row] = listing(api)
    r = api.delete(f"{GET_PATH}?horaireExtensionIds={row['extension']['id']}&horaireExtensionIds=999")
    assert r.status_code == 400
    assert listing(api) == [row]
