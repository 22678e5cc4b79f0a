"""privacy.ocean.parse field by field: every key read, every fallback, every lenient conversion."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from privacy.ocean import parse as p
from privacy.ocean.types import LoginInfo


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None), (True, None), (False, None), (3, 3), ("12", 12), (" 7 ", 7), (2.6, 3), (2.4, 2),
        ("2.6", 2), ("1e3", 1000), ("123456789012345678901", 123456789012345678901), ("x", None), ([1], None),
        ({}, None),
    ],
)
def test_to_int(value, expected):
    got = p.to_int(value)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(("value", "expected"), [(None, None), (True, None), ("2.5", 2.5), (3, 3.0), ("x", None)])
def test_to_float(value, expected):
    assert p.to_float(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), (" TRUE ", True), ("1", True), ("Yes", True), ("oui", True), ("OUI", True), ("false", False),
     ("0", False), ("non", False), ("", False), (1, True), (0, False), (None, False), (True, True)],
)
def test_to_bool(value, expected):
    assert p.to_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2022-03-15", date(2022, 3, 15)), ("15/03/2022", date(2022, 3, 15)), ("2022-02-30", None),
     (1647302400000, date(2022, 3, 15)), ("2022-03-15T23:30:00-01:00", date(2022, 3, 16)), (None, None)],
)
def test_to_date(value, expected):
    assert p.to_date(value) == expected


def test_to_str_and_obj():
    assert (p.to_str(None), p.to_str({}), p.to_str([]), p.to_str(5), p.to_str("a")) == (None, None, None, "5", "a")
    assert p.obj({"a": {"b": {"c": 1}}}, "a", "b") == {"c": 1}
    assert p.obj({"a": "text"}, "a", "b") == {} and p.obj({"a": [1]}, "a") == {} and p.obj(None) == {}


def test_login_info():
    assert p.login_info({"token": "t", "passwordExpirationRemainingDays": "5",
                         "additionalAccountData": {"x": 1}}) == LoginInfo(True, 5, {"x": 1})
    assert p.login_info(["token"]) == LoginInfo(False, None, {})
    assert p.login_info({"token": ""}) == LoginInfo(False, None, {})


def test_driver_every_field_and_user_detection():
    item = {"individu": {"id": "7", "nomInd": "N", "prenomInd": "P", "matriculeInd": 12, "email": "e", "gsm": "g",
                         "idCivilite": 3, "suppressionLogique": "true"},
            "entite": {"id": 4, "nom": "E"}, "groupe": {"id": 9},
            "vehicleFieldsDTO": {"id": 5, "numeroEmbarque": "2", "immatriculation": "AA"},
            "utilisateur": {"loginUti": "someone"}}
    d = p.driver(item)
    assert (d.id, d.nom, d.prenom, d.matricule, d.email, d.gsm, d.civilite, d.deleted) == (
        7, "N", "P", "12", "e", "g", "MLLE", True)
    assert (d.entity_id, d.entity_name, d.group_id, d.vehicle_id, d.vehicle_numero_embarque,
            d.vehicle_immatriculation) == (4, "E", 9, 5, 2, "AA")
    assert d.has_user is True and d.raw is item
    assert p.driver({**item, "utilisateur": {"id": 3}}).has_user is True
    assert p.driver({**item, "utilisateur": {"id": None, "loginUti": ""}}).has_user is False
    flat = p.driver({"id": 8, "nomInd": "Flat"})  # a bare individu
    assert (flat.id, flat.nom, flat.has_user, flat.civilite) == (8, "Flat", False, None)


def test_vehicle_every_field():
    item = {"vehicle": {"id": 1, "immatriculation": "AB", "numeroEmbarque": 2, "privacyEnabled": "oui",
                        "marque": "M", "modele": "O", "description": "D", "typeMotorisation": "T", "idEnergie": 3,
                        "date1ereMec": "2020-01-31", "suppressionLogique": 0},
            "entite": {"id": 4, "nom": "E"}, "chauffeur": {"id": 5}}
    v = p.vehicle(item)
    assert (v.id, v.immatriculation, v.numero_embarque, v.privacy_enabled, v.marque, v.modele, v.description,
            v.motorisation, v.energy_id, v.first_registration, v.entity_id, v.entity_name, v.driver_id,
            v.deleted) == (1, "AB", 2, True, "M", "O", "D", "T", 3, date(2020, 1, 31), 4, "E", 5, False)
    assert v.raw is item


def test_entity_and_assignment_fallbacks():
    item = {"id": "3", "nom": "Agence"}
    assert (p.entity(item).id, p.entity(item).nom, p.entity(item).raw) == (3, "Agence", item)
    both = {"chauffeurVehicule": {"id": 1, "idVehicule": 5001, "idIndividu": 7001, "isVehiculeFonction": "1",
                                  "dateDebut": "01/01/2025", "dateFin": 1735689600000},
            "vehicule": {"id": 9}, "chauffeur": {"id": 8}}
    a = p.assignment(both)
    assert (a.id, a.vehicle_id, a.driver_id, a.company_car, a.raw) == (1, 5001, 7001, True, both)  # the link wins
    assert (a.start, a.end) == (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
    nested_only = {"chauffeurVehicule": {"id": 2}, "vehicule": {"id": 9}, "chauffeur": {"id": 8}}
    b = p.assignment(nested_only)
    assert (b.id, b.vehicle_id, b.driver_id, b.company_car, b.start, b.end) == (2, 9, 8, False, None, None)
    flat = p.assignment({"id": 3, "idVehicule": 6, "idIndividu": 7})
    assert (flat.id, flat.vehicle_id, flat.driver_id) == (3, 6, 7)


def test_exceptional_period_author_label_and_slots():
    base = {"id": 1, "debut": "2027-12-25T00:00:00Z", "fin": 1830297600000, "description": "item label"}
    period = p.exceptional_period({**base, "utilisateur": {"prenomUti": "Marie", "nomUti": "Gestion"}})
    assert (period.author, period.label, period.slots, period.extension_id) == ("Marie Gestion", "item label", (),
                                                                              None)
    assert (period.start, period.end) == (datetime(2027, 12, 25, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))
    assert p.exceptional_period({**base, "utilisateur": {"nomUti": "Gestion"}}).author == "Gestion"
    assert p.exceptional_period({**base, "utilisateur": {"prenomUti": "Marie"}}).author == "Marie"
    assert p.exceptional_period({**base, "utilisateur": {"loginUti": "rh", "nomUti": "X"}}).author == "rh"
    assert p.exceptional_period({**base, "utilisateur": {}}).author is None
    item = {**base, "extension": {"id": 5, "description": "NOEL"},
            "horairesIndividu": [{"id": 2, "horaire": {"idJourSemaine": "LUNDI"}}, "junk"]}
    with_ext = p.exceptional_period(item)
    assert (with_ext.extension_id, with_ext.label, with_ext.raw) == (5, "NOEL", item)
    assert [(s.id, s.day) for s in with_ext.slots] == [(2, "LUNDI")]


def test_step_and_its_points_every_field():
    pos = {"date": "24/11/2025", "heure": "08:15", "latitudeY": "48.5", "longitudeX": 2, "etat": "start D",
           "fullAddress": {"address": "1 rue", "postalCode": 75001, "town": "Paris", "country": "France"},
           "driver": {"prenom": "Jean", "matricule": "M1"}, "poi": {"nom": "Dépôt"}}
    item = {"id": 4, "type": "T", "anomalyType": "A", "distanceMeter": "1500", "dureeMs": 1499, "posDeb": pos}
    step = p.step(item, 5001, "Europe/Paris")
    assert (step.id, step.vehicle_id, step.kind, step.anomaly, step.distance_m, step.duration_s, step.raw) == (
        4, 5001, "T", "A", 1500, 1, item)
    s = step.start
    assert (s.when, s.date_text, s.time_text, s.latitude, s.longitude) == (
        datetime(2025, 11, 24, 7, 15, tzinfo=UTC), "24/11/2025", "08:15", 48.5, 2.0)
    assert (s.address, s.postal_code, s.town, s.country, s.driver_matricule, s.driver_name, s.poi, s.etat) == (
        "1 rue", "75001", "Paris", "France", "M1", "Jean", "Dépôt", "start D")
    assert step.end.when is None and step.end.address is None
    assert p.step({"dureeMs": 1500}, None, "UTC").duration_s == 2 and p.step({}, None, "UTC").duration_s is None


def test_missing_or_misshapen_keys_give_empty_results():
    junk = {"individu": None, "vehicle": "x", "horaire": [], "extension": 3, "chauffeurVehicule": None}
    for item in ({}, junk):
        d, v, e = p.driver(item), p.vehicle(item), p.entity(item)
        assert (d.id, d.nom, d.civilite, d.entity_id, d.vehicle_id, d.has_user, d.deleted) == (
            None, None, None, None, None, False, False)
        assert (v.id, v.numero_embarque, v.privacy_enabled, v.first_registration, v.driver_id) == (
            None, None, False, None, None)
        assert (e.id, e.nom) == (None, None)
        a = p.assignment(item)
        assert (a.id, a.vehicle_id, a.driver_id, a.start, a.end, a.company_car) == (None,) * 5 + (False,)
        s = p.schedule_entry(item)
        assert (s.id, s.day, s.type, s.start_hour, s.end_minute, s.valid_from, s.valid_until) == (None,) * 7
        x = p.exceptional_period(item)
        assert (x.id, x.extension_id, x.label, x.start, x.end, x.author) == (None,) * 6
    assert p.exceptional_period({}).slots == ()
    step = p.step({"posDeb": None, "posFin": "x"}, None, "Europe/Paris")
    assert (step.id, step.kind, step.start.when, step.end.latitude, step.end.address) == (None,) * 5


# -- bodies ---------------------------------------------------------------------------------------
def test_decode():
    assert p.decode(b"") is None and p.decode(None) is None and p.decode(b"   ") is None
    assert p.decode(b' {"a": 1} ') == {"a": 1}
    assert p.decode(b" plain text ") == "plain text"
    assert p.decode(b"caf\xe9") == "caf\ufffd"  # not UTF-8: replaced, never an exception


def test_decode_keeps_what_the_standard_parser_kept():
    """The fast parser (orjson) must not change an answer: what it refuses or would alter goes through json."""
    assert p.decode(b'[{"id": 123456789012345678901234567890}]') == [{"id": 123456789012345678901234567890}]
    assert p.decode(b'{"id": 9223372036854775807, "v": 1.5}') == {"id": 9223372036854775807, "v": 1.5}
    nan = p.decode(b'{"vitesse": NaN}')["vitesse"]
    assert nan != nan  # json reads NaN; orjson refuses it
    assert p.decode('{"nom": "Hélène"}'.encode()) == {"nom": "Hélène"}
    assert p.decode(b'{"nom": "H\xe9l\xe8ne"}') == {"nom": "H\ufffdl\ufffdne"}  # Latin-1 bytes: replaced
    assert p.decode(b"\xef\xbb\xbf[1]") == "\ufeff[1]"  # a BOM is not JSON, as before: the text


@pytest.mark.parametrize("body", [5, 0, {"a": False, "b": False}, {"ok": 0}, [False, False], "no"])
def test_more_success_bodies(body):
    assert p.is_refusal(body) is False


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (b'{"errorMessage": "em"}', "em"),
        (b'{"error_description": "ed"}', "ed"),
        (b'{"error": "er"}', "er"),
        (b'{"detail": "de"}', "de"),
        (b'{"title": "ti"}', "ti"),
        (b'{"title": "ti", "message": "me", "error": "er"}', "me"),  # message first
        (b'{"message": "  ", "detail": "de"}', "de"),  # a blank text is skipped
        (b'{"message": 5, "error": "er"}', "er"),
        (b'{"code": "d\xc3\xa9j\xc3\xa0"}', '{"code": "déjà"}'),  # no schema: the JSON itself, readable
        (b'[{"message": "first"}, {"message": "second"}]', "first"),
        (b"[]", "[]"),
        (b"[5]", "[5]"),
        (b"null", ""),
        (b"<p>Service <b>down</b></p>", " Service  down  "),
    ],
)
def test_describe_error(content, text):
    assert p.describe_error(content) == text
