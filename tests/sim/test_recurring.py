"""Recurring vie-privée schedules: GET shape, POST replace semantics and date rules, DELETE versions."""

from __future__ import annotations

import pytest

from ocean_sim.dates import from_ms, to_ms

from .conftest import NOW, week_body

PATH = "vieprivee/v1/horairesViePriveeRecurrentesIndividu"
BODY = week_body({"LUNDI": [(0, 0, 8, 0), (18, 0, 23, 59)], "MARDI": [(12, 0, 13, 30)]})


def get(api, iid=7001):
    r = api.get(f"{PATH}?individuId={iid}")
    assert r.status_code == 200
    return r.json


def active(rows, at_ms):
    return [r for r in rows if r["debut"] <= at_ms and (r["fin"] is None or at_ms < r["fin"])]


def test_get_shape_and_default_week(api):
    rows = get(api)
    assert len(rows) == 5 * 2 + 2
    for row in rows:
        assert set(row) == {"id", "individu", "horaire", "debut", "fin"}
        assert row["individu"]["id"] == 7001 and row["fin"] is None
        h = row["horaire"]
        assert set(h) == {
            "id",
            "idJourSemaine",
            "typeHoraires",
            "debutHeure",
            "debutMinute",
            "finHeure",
            "finMinute",
        }
        assert h["typeHoraires"] == "VIE_PRIVEE"
        assert isinstance(row["debut"], int) and row["debut"] < to_ms(NOW)
    assert {r["horaire"]["idJourSemaine"] for r in rows} == {
        "LUNDI",
        "MARDI",
        "MERCREDI",
        "JEUDI",
        "VENDREDI",
        "SAMEDI",
        "DIMANCHE",
    }
    assert len({r["id"] for r in rows}) == len(rows)


def test_some_drivers_have_no_schedule(api):
    assert get(api, 7006) == []  # index 5
    assert api.get(f"{PATH}?individuId=1").status_code == 404
    assert api.get(PATH).status_code == 400


def test_post_replaces_whole_week_from_date_debut(api):
    before = get(api)
    r = api.post(PATH, query_string={"individuId": 7001, "dateDebut": "12/03/2026 00:00:00 Z"}, json=BODY)
    assert r.status_code == 200 and r.json is True and r.get_data() == b"true"
    rows = get(api)
    start = to_ms(from_ms(0).replace(year=2026, month=3, day=12))
    closed = [r for r in rows if r["fin"] is not None]
    assert sorted(r["id"] for r in closed) == sorted(r["id"] for r in before)  # history kept, closed
    assert all(r["fin"] == start for r in closed)
    new = [r for r in rows if r["fin"] is None]
    assert len(new) == 3 and all(r["debut"] == start for r in new)
    assert not {r["id"] for r in new} & {r["id"] for r in before}
    assert sorted((r["horaire"]["idJourSemaine"], r["horaire"]["debutHeure"]) for r in new) == [
        ("LUNDI", 0),
        ("LUNDI", 18),
        ("MARDI", 12),
    ]
    # a second POST from the same date replaces the not-yet-started version (no merge)
    api.post(
        PATH,
        query_string={"individuId": 7001, "dateDebut": "12/03/2026 00:00:00 Z"},
        json=week_body({"JEUDI": [(20, 0, 24, 0)]}),
    )
    rows = get(api)
    assert [r["horaire"]["idJourSemaine"] for r in rows if r["fin"] is None] == ["JEUDI"]
    assert len(rows) == len(before) + 1


def test_post_without_date_debut_starts_now(api):
    assert api.post(PATH, query_string={"individuId": 7002}, json=BODY).status_code == 200
    rows = get(api, 7002)
    assert {r["debut"] for r in rows if r["fin"] is None} == {to_ms(NOW)}
    assert active(rows, to_ms(NOW) - 1) and len(active(rows, to_ms(NOW))) == 3


def test_post_with_date_fin(api):
    q = {"individuId": 7003, "dateDebut": "12/03/2026 00:00:00 Z", "dateFin": "20/03/2026 00:00:00 Z"}
    assert api.post(PATH, query_string=q, json=BODY).status_code == 200
    new = [r for r in get(api, 7003) if r["debut"] == to_ms(NOW.replace(day=12, hour=0, minute=0))]
    assert {r["fin"] for r in new} == {to_ms(NOW.replace(day=20, hour=0, minute=0))}
    q["dateFin"] = "11/03/2026 23:00:00 Z"
    assert api.post(PATH, query_string=q, json=BODY).status_code == 400


def test_post_refuses_the_past(api):
    r = api.post(PATH, query_string={"individuId": 7001, "dateDebut": "10/03/2026 00:00:00 Z"}, json=BODY)
    assert r.status_code == 400 and "past" in r.json["error"]
    ok = api.post(PATH, query_string={"individuId": 7001, "dateDebut": "11/03/2026 10:29:30 Z"}, json=BODY)
    assert ok.status_code == 200  # within the 1-minute tolerance


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("dateDebut=12%2F03%2F2026+00%3A00%3A00+%2B0000", 200),  # + encoded as %2B
        ("dateDebut=12/03/2026%2000:00:00%20Z", 200),
        ("dateDebut=12/03/2026+00:00:00+Z", 200),  # + for spaces is fine
        ("dateDebut=12/03/2026+00:00:00+%2B0000", 200),
        ("dateDebut=12/03/2026+00:00:00++0000", 400),  # raw + decodes to a space
        ("dateDebut=12/03/2026+00:00:00+0000", 400),
        ("dateDebut=12/03/2026+00:00:00+%2B0100", 400),
        ("dateDebut=2026-03-12T00:00:00Z", 400),
        ("dateDebut=12/03/2026", 400),
        ("dateDebut=32/03/2026+00:00:00+Z", 400),
    ],
)
def test_post_date_format(api, raw, status):
    r = api.post(f"{PATH}?individuId=7001&{raw}", json=BODY)
    assert r.status_code == status, r.json


def test_post_required_params_and_body(api):
    assert api.post(PATH, json=BODY).status_code == 400
    assert api.post(f"{PATH}?individuId=abc", json=BODY).status_code == 400
    assert api.post(f"{PATH}?individuId=1", json=BODY).status_code == 400
    assert api.post(f"{PATH}?individuId=7001").status_code == 400
    assert api.post(f"{PATH}?individuId=7001", json={"map": {}}).status_code == 400
    assert (
        api.post(f"{PATH}?individuId=7001", json={"innerMap": {"map": {"LUNDI": {"AUTRE": []}}}}).status_code
        == 400
    )


@pytest.mark.parametrize(
    ("slot", "status"),
    [
        ((0, 0, 8, 0), 200),
        ((18, 0, 23, 59), 200),
        ((20, 0, 24, 0), 200),
        ((24, 0, 24, 0), 400),
        ((20, 0, 24, 30), 400),
        ((25, 0, 26, 0), 400),
        ((8, 60, 9, 0), 400),
        ((9, 0, 8, 0), 400),
        ((9, 0, 9, 0), 400),
        ((-1, 0, 8, 0), 400),
    ],
)
def test_post_slot_validation(api, slot, status):
    assert api.post(f"{PATH}?individuId=7001", json=week_body({"MERCREDI": [slot]})).status_code == status


def test_post_slot_must_match_its_day(api):
    body = week_body({"LUNDI": [(0, 0, 8, 0)]})
    body["innerMap"]["map"]["LUNDI"]["VIE_PRIVEE"][0]["idJourSemaine"] = "MARDI"
    assert api.post(f"{PATH}?individuId=7001", json=body).status_code == 400
    assert api.post(f"{PATH}?individuId=7001", json=week_body({"FUNDAY": [(0, 0, 8, 0)]})).status_code == 400


def test_failed_post_writes_nothing(api):
    before = get(api)
    body = week_body({"LUNDI": [(0, 0, 8, 0)], "MARDI": [(9, 0, 8, 0)]})
    assert api.post(f"{PATH}?individuId=7001", json=body).status_code == 400
    assert get(api) == before


def test_delete_closes_current_and_starts_new_version(api, clock):
    rows = get(api)
    victims = [r["id"] for r in rows if r["horaire"]["idJourSemaine"] in ("SAMEDI", "DIMANCHE")]
    r = api.delete(PATH, query_string={"individuId": 7001, "horaireIndividuIds": victims})
    assert r.status_code == 204 and r.get_data() == b""
    after = get(api)
    now = to_ms(NOW)
    closed = [x for x in after if x["fin"] == now]
    assert sorted(x["id"] for x in closed) == sorted(x["id"] for x in rows)
    current = active(after, now)
    assert len(current) == 10 and all(x["debut"] == now and x["fin"] is None for x in current)
    assert not {x["id"] for x in current} & {x["id"] for x in rows}
    # deleting the last slots closes the schedule with no new version
    clock.advance(minutes=5)
    ids = [x["id"] for x in current]
    assert (
        api.delete(f"{PATH}?individuId=7001&" + "&".join(f"horaireIndividuIds={i}" for i in ids)).status_code
        == 204
    )
    final = get(api)
    assert active(final, to_ms(clock.now)) == [] and len(final) == len(after)


def test_delete_errors(api):
    rows = get(api)
    assert api.delete(f"{PATH}?individuId=7001&horaireIndividuIds=12345").status_code == 400
    assert api.delete(f"{PATH}?individuId=7001").status_code == 400
    assert api.delete(f"{PATH}?horaireIndividuIds={rows[0]['id']}").status_code == 400
    assert api.delete(f"{PATH}?individuId=7002&horaireIndividuIds={rows[0]['id']}").status_code == 400
    mixed = f"{PATH}?individuId=7001&horaireIndividuIds={rows[0]['id']}&horaireIndividuIds=999"
    assert api.delete(mixed).status_code == 400
    assert get(api) == rows  # nothing applied


def test_delete_slot_of_closed_version_refused(api, clock):
    old = get(api)
    api.post(f"{PATH}?individuId=7001", json=BODY)
    clock.advance(minutes=1)
    assert api.delete(f"{PATH}?individuId=7001&horaireIndividuIds={old[0]['id']}").status_code == 400
