"""Documented payloads (ocean-api.md) → typed results; lenient parsing."""

from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime

import pytest

from privacy.ocean import Driver, OceanRejected, ScheduleEntry
from privacy.ocean import parse as p

from .support import load


def test_it_parses_individus():
    jean, leroy = [p.driver(i) for i in load("individus.json")]
    assert jean == Driver(
        id=7001,
        nom="DUPONT",
        prenom="Jean",
        matricule="M001",
        email="jean.dupont@example.com",
        gsm="0600000000",
        civilite="MR",
        entity_id=123,
        entity_name="Agence Paris",
        group_id=1001,
        vehicle_id=5001,
        vehicle_numero_embarque=2,
        vehicle_immatriculation="AB-123-CD",
        has_user=True,
        deleted=False,
    )
    assert jean.full_name == "Jean DUPONT"
    assert jean.raw["propSpecifiqueDTO"]["categoriePermis"] == ["B"]
    assert (leroy.civilite, leroy.deleted, leroy.has_user, leroy.entity_id, leroy.vehicle_id) == (
        "MME",
        True,
        False,
        None,
        None,
    )
    assert leroy.full_name == "LEROY"


def test_results_are_frozen_and_slotted():
    d = p.driver({})
    with pytest.raises(FrozenInstanceError):
        d.nom = "x"
    assert not hasattr(d, "__dict__")


def test_it_parses_vehicles():
    megane, other = [p.vehicle(i) for i in load("vehicles.json")]
    assert (megane.id, megane.immatriculation, megane.numero_embarque, megane.privacy_enabled) == (
        5001,
        "AB-123-CD",
        2,
        True,
    )
    assert (megane.marque, megane.modele, megane.motorisation, megane.energy_id) == (
        "Renault",
        "Megane",
        "MONO",
        1,
    )
    assert megane.first_registration == date(2022, 3, 15)
    assert (megane.entity_id, megane.entity_name, megane.driver_id, megane.deleted) == (
        123,
        "Agence Paris",
        7001,
        False,
    )
    assert megane.raw["boitier"]["imeiBoi"] == "3520000000000"
    assert (other.numero_embarque, other.first_registration, other.driver_id, other.deleted) == (
        3,
        date(2022, 3, 15),
        None,
        True,
    )


def test_it_parses_entities_and_assignments():
    assert [(e.id, e.nom) for e in map(p.entity, p.as_list(load("entities.json"), "entities"))] == [
        (123, "Agence Paris"),
        (124, "Agence Lyon"),
    ]
    open_, closed = map(p.assignment, load("assignments.json"))
    assert (open_.id, open_.vehicle_id, open_.driver_id, open_.company_car, open_.end) == (
        301,
        5001,
        7001,
        True,
        None,
    )
    assert open_.start == datetime(2025, 1, 1, tzinfo=UTC)
    assert closed.start == datetime(2024, 1, 1, tzinfo=UTC)
    assert closed.end == datetime(2024, 12, 31, 23, tzinfo=UTC)


def test_it_parses_recurring_epoch_ms_and_open_end():
    entries = [p.schedule_entry(i) for i in load("recurring_epoch.json")]
    first = entries[0]
    assert first == ScheduleEntry(
        id=1110000002,
        day="LUNDI",
        type="VIE_PRIVEE",
        start_hour=0,
        start_minute=0,
        end_hour=8,
        end_minute=0,
        valid_from=datetime(2025, 12, 31, 23, tzinfo=UTC),
        valid_until=None,
    )
    assert entries[2].valid_from == first.valid_from  # numeric string
    assert (entries[2].end_hour, entries[2].end_minute) == (23, 59)  # kept as given
    assert (entries[3].end_hour, entries[3].end_minute) == (24, 0)
    assert entries[3].raw["unknownKey"] == "kept"
    now = datetime(2026, 2, 1, tzinfo=UTC)
    assert [e.is_active(now) for e in entries] == [True, True, True, False]
    assert entries[3].is_active(datetime(2025, 6, 1, tzinfo=UTC))
    assert not first.is_active(datetime(2025, 12, 31, 22, 59, tzinfo=UTC))
    assert first.is_active(datetime(2025, 12, 31, 23, tzinfo=UTC))  # valid_from inclusive


def test_it_parses_the_older_iso_recurring_variant():
    (entry,) = [p.schedule_entry(i) for i in load("recurring_iso.json")]
    assert entry.type == "IMMOBILISATION"
    assert entry.valid_from == entry.valid_until == datetime(2025, 11, 25, 13, 49, 33, 102000, tzinfo=UTC)
    assert not entry.is_active(entry.valid_from)  # empty interval


def test_it_parses_the_fr_exceptional_shape():
    (period,) = [p.exceptional_period(i) for i in load("exceptional_fr.json")]
    assert (period.id, period.extension_id, period.delete_id, period.label, period.author) == (
        18521,
        18524,
        18524,
        "NOEL",
        "rh.manager",
    )
    assert period.start == datetime(2027, 12, 25, tzinfo=UTC)
    assert period.end == datetime(2027, 12, 26, tzinfo=UTC)
    (slot,) = period.slots
    assert (slot.id, slot.day, slot.type, slot.end_hour, slot.end_minute) == (
        90377,
        "SAMEDI",
        "VIE_PRIVEE_EXCEPTIONNELLE",
        24,
        0,
    )
    assert period.entirely_future(datetime(2027, 12, 24, tzinfo=UTC))
    assert not period.entirely_future(datetime(2027, 12, 25, tzinfo=UTC))


def test_exceptional_without_extension_falls_back_to_id_and_en_shape():
    en = load("recurring_epoch.json")[0]  # the EN page repeats the recurring example
    period = p.exceptional_period(en)
    assert period.delete_id == period.id == 1110000002
    assert period.extension_id is None and period.label is None and period.author is None
    assert len(period.slots) == 1 and period.slots[0].day == "LUNDI"
    assert (period.start, period.end) == (datetime(2025, 12, 31, 23, tzinfo=UTC), None)
    assert period.entirely_future(datetime(2020, 1, 1, tzinfo=UTC))
    assert not period.entirely_future(datetime(2025, 12, 31, 23, tzinfo=UTC))


def test_it_parses_fiche_jour_rows():
    rows = [p.step(r, 5001, "Europe/Paris") for r in p.as_list(load("fiche_jour.json"), "fjRows")]
    step = rows[0]
    assert (step.id, step.vehicle_id, step.kind, step.anomaly, step.distance_m, step.duration_s) == (
        1110000401,
        5001,
        "T",
        "NONE",
        12345,
        1800,
    )
    assert step.start.when == datetime(2025, 11, 24, 7, 15, tzinfo=UTC)
    assert step.end.when == datetime(2025, 11, 24, 7, 45, tzinfo=UTC)
    assert (step.start.driver_matricule, step.start.driver_name, step.start.poi, step.start.etat) == (
        "M001",
        "Jean DUPONT",
        "Siège",
        "start D",
    )
    assert (step.start.latitude, step.start.longitude, step.start.town) == (48.8566, 2.3522, "Paris")
    assert step.end.poi is None
    empty = rows[1]
    assert empty.start.when == datetime(2025, 11, 23, 23, tzinfo=UTC)  # date only → local midnight
    assert empty.end.when is None and empty.end.latitude is None


@pytest.mark.parametrize("body", [False, [False], [{"boolean": False}], {"boolean": False}, "False", "false"])
def test_refusal_bodies(body):
    assert p.is_refusal(body)


@pytest.mark.parametrize(
    "body",
    [True, [True], [{"boolean": True}], {}, None, "", [], "True", [{"oceanStatus": "OK", "message": "x"}]],
)
def test_success_bodies(body):
    assert not p.is_refusal(body)


def test_error_text_extraction():
    assert p.describe_error(b'{"message": "individuId invalide"}') == "individuId invalide"
    assert p.describe_error(b"<html><body><h1>HTTP Status 400</h1></body></html>").split() == [
        "HTTP",
        "Status",
        "400",
    ]
    assert p.describe_error(b"") == ""


def test_read_list_keeps_the_items_of_a_list_or_of_its_envelope():
    assert p.read_list([{"id": 1}, 2, {"id": 3}], "individus/list") == [{"id": 1}, {"id": 3}]
    assert p.read_list({"entities": [{"id": 1}]}, "entities", "entities") == [{"id": 1}]
    assert p.read_list({"fjRows": None}, "ficheJour", "fjRows") == []
    assert p.read_list(None, "assignments") == []


@pytest.mark.parametrize(("body", "message"), [
    ({"status": 500, "error": "Accès refusé"}, "unexpected answer to entities: Accès refusé"),
    ({"status": 500, "entitiesCount": 0}, 'unexpected answer to entities: {"status": 500, "entitiesCount": 0}'),
    ("Erreur interne", "unexpected answer to entities: Erreur interne"),
    (False, "unexpected answer to entities: False"),
    ("", "unexpected answer to entities:"),
])
def test_read_list_refuses_any_other_answer_and_says_what_came(body, message):
    with pytest.raises(OceanRejected) as err:
        p.read_list(body, "entities", "entities")
    assert (err.value.status, err.value.message) == (200, message)
