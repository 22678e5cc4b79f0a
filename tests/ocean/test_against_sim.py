"""End to end against the Océan simulator (ocean_sim), every client method at least once."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from privacy.ocean import (
    MemoryTokenStore,
    OceanAuthError,
    OceanClient,
    OceanConfig,
    OceanRejected,
    OceanUnavailable,
)

testing = pytest.importorskip("ocean_sim.testing", reason="ocean_sim simulator not available")

CUSTOMER_ID = 1110000000
CODE_EXPLOITANT = "1110000001"


@pytest.fixture(scope="module")
def sim():
    with testing.SimServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _clean(sim):
    sim.clear_faults()
    sim.reset()
    sim.reset_stats()
    yield
    sim.clear_faults()


def fast_sleep(seconds: float) -> None:
    time.sleep(min(seconds, 0.05))


def make(sim, **cfg) -> OceanClient:
    cfg = {
        "base_url": sim.base_url,
        "login": "demo",
        "password": "demo",
        "customer_id": CUSTOMER_ID,
        "backoff_factor": 0.01,
        "backoff_max": 2.0,
    } | cfg
    return OceanClient(OceanConfig(**cfg), token_store=MemoryTokenStore(), sleep=fast_sleep)


@pytest.fixture
def client(sim):
    return make(sim)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)


def open_entries(entries):
    return [e for e in entries if e.valid_until is None]


def test_authenticate(client, sim):
    info = client.authenticate()
    assert info.token_present and info.password_expiration_days == 87
    assert sim.stats()["logins"] == 1


def test_reference_data(client, sim):
    drivers = client.individus_list(criteria=["WITH_VEHICLE"])
    assert drivers and all(d.vehicle_id for d in drivers)
    assert all(d.id and d.nom and d.full_name for d in drivers)
    everyone = client.individus_list()
    assert len(everyone) >= len(drivers)
    vehicles = client.vehicles()
    assert vehicles and all(v.id and v.numero_embarque is not None for v in vehicles)
    (one,) = client.vehicles(immatriculation=vehicles[0].immatriculation)
    assert one.id == vehicles[0].id
    entities = client.entities()
    assert entities and all(e.id and e.nom for e in entities)
    history = client.assignment_history(driver_id=drivers[0].id)
    assert history and all(a.driver_id == drivers[0].id and a.start for a in history)
    assert client.assignment_history(vehicle_id=drivers[0].vehicle_id)
    assert sim.stats()["logins"] == 1


def test_fiche_jour_and_declare_step(client, sim):
    vehicles = {v.id: v for v in client.vehicles()}
    found = None
    for vid in vehicles:
        for back in range(0, 8):
            steps = client.fiche_jour(vehicle_id=vid, day=date.today() - timedelta(days=back))
            if steps:
                found = vehicles[vid], steps
                break
        if found:
            break
    assert found, "the simulator has no step in the last week"
    vehicle, steps = found
    step = steps[0]
    assert step.id and step.vehicle_id == vehicle.id
    assert step.start.when is not None and step.start.when.tzinfo is not None
    assert step.end.when is None or step.end.when >= step.start.when
    client.declare_step(
        code_exploitant=CODE_EXPLOITANT,
        numero_embarque=vehicle.numero_embarque,
        step_id=step.id,
        private=True,
    )
    client.declare_step(
        code_exploitant=CODE_EXPLOITANT,
        numero_embarque=vehicle.numero_embarque,
        step_id=step.id,
        private=False,
    )
    with pytest.raises(OceanRejected) as err:
        client.declare_step(
            code_exploitant=CODE_EXPLOITANT,
            numero_embarque=vehicle.numero_embarque,
            step_id=999999999,
            private=True,
        )
    assert err.value.status == 400 and "unknown step" in err.value.message


def _slot(day, dh, dm, fh, fm):
    return {
        "idJourSemaine": day,
        "typeHoraires": "VIE_PRIVEE",
        "debutHeure": dh,
        "debutMinute": dm,
        "finHeure": fh,
        "finMinute": fm,
    }


def test_recurring_get_set_delete(client, sim):
    driver = client.individus_list(criteria=["WITH_VEHICLE"])[0]
    before = client.recurring_get(driver_id=driver.id)
    week = {
        "LUNDI": {
            "VIE_PRIVEE": [
                _slot("LUNDI", 0, 0, 8, 0),
                _slot("LUNDI", 12, 0, 13, 30),
                _slot("LUNDI", 18, 0, 23, 59),
            ]
        },
        "SAMEDI": {"VIE_PRIVEE": [_slot("SAMEDI", 0, 0, 24, 0)]},
    }
    client.recurring_set(driver_id=driver.id, inner_map=week, start=now())
    entries = open_entries(client.recurring_get(driver_id=driver.id))
    wanted = {
        ("LUNDI", "VIE_PRIVEE", 0, 0, 8, 0),
        ("LUNDI", "VIE_PRIVEE", 12, 0, 13, 30),
        ("LUNDI", "VIE_PRIVEE", 18, 0, 23, 59),
        ("SAMEDI", "VIE_PRIVEE", 0, 0, 24, 0),
    }
    assert {e.signature for e in entries} == wanted
    assert len(client.recurring_get(driver_id=driver.id)) >= len(before)  # closed versions kept
    doomed = [e.id for e in entries if e.day == "LUNDI" and e.start_hour in (0, 12)]
    client.recurring_delete(driver_id=driver.id, slot_ids=doomed)  # ids are re-issued after the 1st
    left = {e.signature for e in open_entries(client.recurring_get(driver_id=driver.id))}
    assert left == {("LUNDI", "VIE_PRIVEE", 18, 0, 23, 59), ("SAMEDI", "VIE_PRIVEE", 0, 0, 24, 0)}
    with pytest.raises(OceanRejected):
        client.recurring_set(driver_id=driver.id, inner_map=week, start=now() - timedelta(days=2))


def test_exceptional_add_list_update_delete(client, sim):
    driver = client.individus_list()[0]
    start = (datetime.now(UTC) + timedelta(days=30)).replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=1)
    window = {"driver_id": driver.id, "start": start - timedelta(days=1), "end": end + timedelta(days=1)}
    client.exceptional_add(driver_id=driver.id, start=start, end=end, label="NOEL")
    (period,) = [p for p in client.exceptional_list(**window) if p.label == "NOEL"]
    assert (period.start, period.end) == (start, end)
    assert period.entirely_future(datetime.now(UTC)) and period.delete_id is not None
    client.exceptional_add(
        driver_id=driver.id,
        start=start,
        end=end + timedelta(days=1),
        label="NOEL+1",
        update_id=period.delete_id,
    )
    (updated,) = [p for p in client.exceptional_list(**window) if p.delete_id == period.delete_id]
    assert updated.label == "NOEL+1" and updated.end == end + timedelta(days=1)
    client.exceptional_delete(extension_id=updated.delete_id)
    assert not [p for p in client.exceptional_list(**window) if p.delete_id == period.delete_id]


def test_analysis_bytes_and_stream(client, sim, tmp_path):
    end = datetime.now(UTC)
    args = {"start": end - timedelta(days=7), "end": end, "render_mode": "BY_DRIVER_WITH_HORAIRE_SYNTHESIS"}
    raw = client.preformatted_privacy(**args)
    body = json.loads(raw)
    assert isinstance(body, list)
    out = io.BytesIO()
    assert client.preformatted_privacy_to_file(fileobj=out, **args) == len(out.getvalue()) > 0
    assert json.loads(out.getvalue()) == body
    vehicle = client.vehicles()[0]
    client.preformatted_privacy(
        **(args | {"render_mode": "BY_VEHICLE_WITHOUT_HORAIRE_DETAIL"}),
        criteria="GEOLOCATION",
        vehicle_ids=[vehicle.id],
        persons=[0],
    )


# -- faults -----------------------------------------------------------------------------------------
def test_burst_of_429_is_absorbed(client, sim):
    client.authenticate()
    sim.set_faults(burst_429=2)
    assert client.entities()
    stats = sim.stats()
    assert stats["by_status"].get("429", stats["by_status"].get(429)) == 2, stats


def test_persistent_500_on_reads_gives_unavailable_after_bounded_retries(client, sim):
    client.authenticate()
    sim.reset_stats()
    sim.set_faults(error_rate=1.0)
    with pytest.raises(OceanUnavailable) as err:
        client.entities()
    assert err.value.status == 500
    assert sim.stats()["total"] == client.config.max_retries + 1


def test_500_on_exceptional_add_is_not_retried(client, sim):
    client.authenticate()
    sim.reset_stats()
    sim.set_faults(error_rate=1.0)
    start = datetime.now(UTC) + timedelta(days=40)
    with pytest.raises(OceanUnavailable) as err:
        client.exceptional_add(driver_id=1, start=start, end=start + timedelta(days=1), label="x")
    assert err.value.outcome_unknown
    assert sim.stats()["total"] == 1


def test_expired_tokens_are_renewed_once(client, sim):
    client.entities()
    sim.set_faults(expire_tokens=True)
    client.entities()
    client.entities()
    assert sim.stats()["logins"] == 2


def test_one_login_for_clients_sharing_a_store(sim):
    store = MemoryTokenStore()
    for _ in range(3):
        OceanClient(
            OceanConfig(base_url=sim.base_url, login="demo", password="demo", customer_id=CUSTOMER_ID),
            token_store=store,
        ).entities()
    assert sim.stats()["logins"] == 1


def test_bad_password_and_wrong_customer(sim):
    with pytest.raises(OceanAuthError):
        make(sim, password="nope").entities()
    with pytest.raises(OceanRejected) as err:
        make(sim, customer_id=42).entities()
    assert err.value.status == 403


def test_latency_and_read_timeout(sim):
    sim.set_faults(latency_ms=400)
    client = make(sim, read_timeout=0.1, max_retries=1)
    with pytest.raises(OceanUnavailable):
        client.entities()
