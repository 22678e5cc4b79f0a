"""The client no longer assumes one reading of the vendor docs where they are silent (D2–D14)."""

import copy
import json
import logging
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import responses

from privacy.ocean import OceanAuthError, OceanConfig, OceanRejected
from privacy.ocean.dates import apply_now_start, utc_as_wall_clock, wall_clock_as_utc
from privacy.ocean.fiche import ocean_days

from .support import BASE, PASSWORD, load

ENTITIES = f"{BASE}/mobility/v1/entities"
LOGIN = f"{BASE}/auth/authenticate2"
VP = f"{BASE}/vieprivee/v1"
RECURRING = f"{VP}/horairesViePriveeRecurrentesIndividu"
PLURAL = f"{VP}/horairesViePriveeExceptionnellesIndividu"
SINGULAR = f"{VP}/horaireViePriveeExceptionnelleIndividu"
FICHE = f"{BASE}/mobility/v1/ficheJour"
TOKEN2 = "c" * 128


def n_calls(rsps, url, method=None):
    return sum(
        1 for c in rsps.calls
        if c.request.url.split("?")[0] == url and (method is None or c.request.method == method)
    )


# -- D9: a 403 may be an expired token ----------------------------------------------------------
def test_403_gets_one_new_login_and_one_replay(client, rsps):
    rsps.add(responses.GET, ENTITIES, json={"entities": []})
    rsps.add(responses.GET, ENTITIES, status=403)
    rsps.add(responses.GET, ENTITIES, json={"entities": [{"id": 1, "nom": "A"}]})
    client.entities()
    rsps.remove(responses.POST, LOGIN)
    rsps.add(responses.POST, LOGIN, json={"token": TOKEN2})
    assert [e.id for e in client.entities()] == [1]
    assert n_calls(rsps, LOGIN) == 2
    assert rsps.calls[-1].request.headers["X-AUTH-TOKEN"] == TOKEN2


def test_403_with_a_fresh_token_is_a_refusal_and_is_then_refused_at_once(client, rsps):
    rsps.add(responses.GET, ENTITIES, status=403, json={"message": "Accès refusé"})
    with pytest.raises(OceanRejected) as err:
        client.entities()
    assert err.value.status == 403 and "Accès refusé" in err.value.message
    assert n_calls(rsps, LOGIN) == 2 and n_calls(rsps, ENTITIES) == 2
    with pytest.raises(OceanRejected):
        client.entities()
    assert n_calls(rsps, LOGIN) == 2 and n_calls(rsps, ENTITIES) == 3  # no login storm


def test_the_refusal_is_logged_once(client, rsps, caplog):
    rsps.add(responses.GET, ENTITIES, status=403)
    with caplog.at_level(logging.INFO, logger="privacy.ocean"), pytest.raises(OceanRejected):
        client.entities()
    refusals = [r.getMessage() for r in caplog.records if "refusal" in r.getMessage()]
    assert refusals == ["ocean GET mobility/v1/entities: 403 with a fresh token, a refusal"]


def test_a_known_refusal_is_remembered_for_ten_minutes_exactly(make_client, login_ok, rsps):
    now = [float(int(time.time()))]
    client = make_client(clock=lambda: now[0])
    rsps.add(responses.GET, ENTITIES, status=403)
    with pytest.raises(OceanRejected):
        client.entities()
    assert (n_calls(rsps, LOGIN), n_calls(rsps, ENTITIES)) == (2, 2)
    now[0] += 599
    with pytest.raises(OceanRejected):
        client.entities()
    assert (n_calls(rsps, LOGIN), n_calls(rsps, ENTITIES)) == (2, 3)  # refused at once
    now[0] += 1  # 600 s after the refusal: a 403 may again be an expired token
    with pytest.raises(OceanRejected):
        client.entities()
    assert (n_calls(rsps, LOGIN), n_calls(rsps, ENTITIES)) == (3, 5)


def test_a_replay_after_a_401_that_succeeds_marks_nothing_as_refused(client, rsps):
    rsps.add(responses.GET, ENTITIES, status=401)
    rsps.add(responses.GET, ENTITIES, json={"entities": []})
    rsps.add(responses.GET, ENTITIES, status=403)
    rsps.add(responses.GET, ENTITIES, json={"entities": [{"id": 1, "nom": "A"}]})
    assert client.entities() == []
    assert [e.id for e in client.entities()] == [1]  # its 403 still gets a new login and a replay
    assert (n_calls(rsps, LOGIN), n_calls(rsps, ENTITIES)) == (3, 4)


def test_401_then_403_after_a_new_login_is_a_refusal_not_an_auth_error(client, rsps):
    rsps.add(responses.GET, ENTITIES, status=401)
    rsps.add(responses.GET, ENTITIES, status=403)
    with pytest.raises(OceanRejected) as err:
        client.entities()
    assert not isinstance(err.value, OceanAuthError) and err.value.status == 403


# -- D4: 404 on the schedule GETs is "nothing defined" ------------------------------------------
def test_404_on_the_schedule_reads_is_nothing_defined(client, rsps):
    rsps.add(responses.GET, RECURRING, status=404, json={"message": "Not found"})
    rsps.add(responses.GET, PLURAL, status=404)
    assert client.recurring_get(driver_id=7) == []
    start = datetime(2030, 1, 1, tzinfo=UTC)
    assert client.exceptional_list(driver_id=7, start=start, end=start + timedelta(days=1)) == []


def test_404_elsewhere_is_still_an_error(client, rsps):
    rsps.add(responses.GET, ENTITIES, status=404)
    with pytest.raises(OceanRejected):
        client.entities()


# -- D13: an error body sent with status 200 is an error -----------------------------------------
@pytest.mark.parametrize("body", [{"status": 500, "error": "Erreur interne"}, {"message": "Erreur"}, "false", True])
def test_an_error_body_on_a_read_is_an_error_not_an_empty_list(client, rsps, body):
    kw = {"json": body} if not isinstance(body, str) else {"body": body}
    rsps.add(responses.GET, RECURRING, **kw)
    rsps.add(responses.GET, FICHE, **kw)
    with pytest.raises(OceanRejected) as err:
        client.recurring_get(driver_id=7)
    assert err.value.status == 200
    with pytest.raises(OceanRejected):
        client.fiche_jour(vehicle_id=5001, day=date(2025, 11, 24))


def test_an_empty_body_or_an_empty_envelope_is_an_empty_list(client, rsps):
    rsps.add(responses.GET, RECURRING, body="")
    rsps.add(responses.GET, FICHE, json={"fjRows": None})
    assert client.recurring_get(driver_id=7) == []
    assert client.fiche_jour(vehicle_id=5001, day=date(2025, 11, 24)) == []


# -- D7: exceptional POST, singular then plural once --------------------------------------------
@pytest.mark.parametrize("status", [404, 405])
def test_exceptional_post_falls_back_to_the_plural_path_once_and_remembers_it(client, rsps, status):
    rsps.add(responses.POST, SINGULAR, status=status)
    rsps.add(responses.POST, PLURAL, json=True)
    start = datetime(2030, 1, 1, tzinfo=UTC)
    client.exceptional_add(driver_id=7, start=start, end=start + timedelta(days=1), label="NOEL")
    client.exceptional_add(driver_id=7, start=start, end=start + timedelta(days=2), label="NOEL 2")
    assert n_calls(rsps, SINGULAR, "POST") == 1 and n_calls(rsps, PLURAL, "POST") == 2


def test_exceptional_post_refused_on_both_paths_keeps_the_first_refusal_and_remembers_nothing(client, rsps):
    rsps.add(responses.POST, SINGULAR, status=404, json={"message": "individu inconnu"})
    rsps.add(responses.POST, PLURAL, status=404)
    start = datetime(2030, 1, 1, tzinfo=UTC)
    with pytest.raises(OceanRejected, match="individu inconnu"):
        client.exceptional_add(driver_id=7, start=start, end=start + timedelta(days=1), label="X")
    assert client._exceptional_post_path is None


def test_a_400_on_the_singular_path_is_not_sent_to_the_plural_one(client, rsps):
    rsps.add(responses.POST, SINGULAR, status=400)
    start = datetime(2030, 1, 1, tzinfo=UTC)
    with pytest.raises(OceanRejected):
        client.exceptional_add(driver_id=7, start=start, end=start + timedelta(days=1), label="X")
    assert n_calls(rsps, PLURAL) == 0


# -- D6: periods cut in UTC are sent and read as local wall-clock time ----------------------------
def test_period_day_cut_utc_sends_local_wall_clock_and_reads_it_back(make_client, login_ok, rsps):
    cfg = OceanConfig(base_url=BASE, login="u", password=PASSWORD, period_day_cut="UTC")
    client = make_client(cfg)
    start = datetime(2027, 12, 24, 23, 0, tzinfo=UTC)  # 25/12/2027 00:00 Paris
    rsps.add(responses.POST, SINGULAR, json=True)
    client.exceptional_add(driver_id=7, start=start, end=start + timedelta(days=1), label="NOEL")
    assert "dateDebut=25%2F12%2F2027+00%3A00%3A00+%2B0000" in rsps.calls[-1].request.url
    item = load("exceptional_fr.json")  # 2027-12-25T00:00Z → 2027-12-26T00:00Z, one SAMEDI 0–24 slot
    rsps.add(responses.GET, PLURAL, json=item)
    period = client.exceptional_list(driver_id=7, start=start, end=start + timedelta(days=2))[0]
    assert (period.start, period.end) == (start, start + timedelta(days=1))
    assert period.slots[0].valid_from == start


def test_wall_clock_helpers_are_inverse_across_dst():
    for moment in (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 7, 1, 22, 0, tzinfo=UTC)):
        assert utc_as_wall_clock(wall_clock_as_utc(moment, "Europe/Paris"), "Europe/Paris") == moment


@pytest.mark.parametrize(("zone", "wall"), [
    ("Europe/Paris", datetime(2026, 7, 2, 0, 0, tzinfo=UTC)),  # 2 July 00:00 in Paris (UTC+2)
    ("Indian/Reunion", datetime(2026, 7, 2, 2, 0, tzinfo=UTC)),  # UTC+4: the zone named, not the server's
    ("America/Cayenne", datetime(2026, 7, 1, 19, 0, tzinfo=UTC)),  # UTC-3
])
def test_wall_clock_helpers_use_the_zone_they_are_given(zone, wall):
    moment = datetime(2026, 7, 1, 22, 0, tzinfo=UTC)
    assert wall_clock_as_utc(moment, zone) == wall
    assert utc_as_wall_clock(wall, zone) == moment
    assert utc_as_wall_clock(None, zone) is None


# -- D10: every day is named in a recurring POST -------------------------------------------------
def test_a_recurring_post_names_every_day_so_a_cleared_day_is_cleared(client, rsps):
    rsps.add(responses.POST, RECURRING, json=True)
    client.recurring_set(driver_id=7, inner_map={}, start=datetime(2030, 1, 1, tzinfo=UTC))
    sent = json.loads(rsps.calls[-1].request.body)["innerMap"]["map"]
    assert sent == {d: {"VIE_PRIVEE": []} for d in
                    ("LUNDI", "MARDI", "MERCREDI", "JEUDI", "VENDREDI", "SAMEDI", "DIMANCHE")}


# -- D12, D3, D14: ficheJour ------------------------------------------------------------------------
def fiche_with(rows):
    body = load("fiche_jour.json")
    base = body["fjRows"][0]
    out = []
    for row_id, kind, day, hour in rows:
        row = copy.deepcopy(base)
        row["id"], row["type"] = row_id, kind
        for pos in (row["posDeb"], row["posFin"]):
            pos["date"], pos["heure"] = day, hour
        out.append(row)
    return {"fjRows": out}


def test_only_trip_rows_are_kept(client, rsps):
    rsps.add(responses.GET, FICHE, json=fiche_with([(1, "T", "24/11/2025", "08:00:00"),
                                                    (2, "A", "24/11/2025", "08:30:00"),
                                                    (3, None, "24/11/2025", "09:00:00")]))
    assert [s.id for s in client.fiche_jour(vehicle_id=5001, day=date(2025, 11, 24))] == [1, 3]


def test_fichejour_times_read_in_utc_when_configured(make_client, login_ok, rsps):
    client = make_client(OceanConfig(base_url=BASE, login="u", password=PASSWORD, fiche_jour_tz="UTC"))
    rsps.add(responses.GET, FICHE, json=fiche_with([(1, "T", "24/11/2025", "08:00:00")]))
    step = client.fiche_jour(vehicle_id=5001, day=date(2025, 11, 24))[0]
    assert step.start.when == datetime(2025, 11, 24, 8, 0, tzinfo=UTC)


def test_a_local_day_reads_the_utc_days_it_straddles_and_keeps_each_trip_on_its_local_day(client, rsps):
    def answer(request):
        day = request.url.split("date=")[1].split("&")[0].replace("%2F", "/")
        rows = {"23/11/2025": [(9, "T", "23/11/2025", "23:30:00"), (8, "T", "24/11/2025", "00:20:00")],
                "24/11/2025": [(1, "T", "24/11/2025", "08:00:00"), (8, "T", "24/11/2025", "00:20:00")]}
        return 200, {}, json.dumps(fiche_with(rows.get(day, [])))

    rsps.add_callback(responses.GET, FICHE, callback=answer)
    by_day = client.fiche_jour_days(vehicle_id=5001, first=date(2025, 11, 24), last=date(2025, 11, 24))
    assert [s.id for s in by_day[date(2025, 11, 24)]] == [8, 1]  # once each, 23/11's own trip left out
    assert n_calls(rsps, FICHE) == 2


def test_ocean_days_cover_both_clocks():
    assert ocean_days(date(2025, 11, 24), date(2025, 11, 30), "Europe/Paris") == [
        date(2025, 11, 23) + timedelta(days=n) for n in range(8)
    ]
    assert ocean_days(date(2025, 11, 24), date(2025, 11, 24), "America/New_York") == [
        date(2025, 11, 24), date(2025, 11, 25)
    ]
    assert ocean_days(date(2025, 11, 24), date(2025, 11, 24), "UTC") == [date(2025, 11, 24)]


# -- D5: "apply now" ----------------------------------------------------------------------------
def test_apply_now_is_the_next_whole_minute_plus_a_margin():
    now = datetime(2026, 5, 4, 10, 0, 37, 120000, tzinfo=UTC)
    assert apply_now_start(now) == datetime(2026, 5, 4, 10, 2, tzinfo=UTC)
    assert apply_now_start(now.replace(second=0, microsecond=0)) == datetime(2026, 5, 4, 10, 2, tzinfo=UTC)
    with pytest.raises(ValueError):
        apply_now_start(now.replace(tzinfo=None))


def test_the_clock_a_period_was_cut_on_is_read_from_its_day_slots(client, rsps):
    from privacy.ocean.vieprivee import observed_day_cut

    item = load("exceptional_fr.json")  # debut 2027-12-25T00:00Z, one SAMEDI 00:00 slot: cut in UTC
    rsps.add(responses.GET, PLURAL, json=item)
    start = datetime(2027, 12, 24, tzinfo=UTC)
    [period] = client.exceptional_list(driver_id=7, start=start, end=start + timedelta(days=3))
    assert observed_day_cut(period, "Europe/Paris") == "UTC"
    assert observed_day_cut(period, "UTC") is None  # no offset: cannot tell
    local = copy.deepcopy(item)
    local[0]["horairesIndividu"][0]["horaire"]["debutHeure"] = 1  # 00:00Z is 01:00 in Paris
    rsps.replace(responses.GET, PLURAL, json=local)
    [period] = client.exceptional_list(driver_id=7, start=start, end=start + timedelta(days=3))
    assert observed_day_cut(period, "Europe/Paris") == "local"
