"""``--drivers N --vehicles M``: bigger fleets, deterministic, the demo fleet untouched inside them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ocean_sim.__main__ import main
from ocean_sim.app import create_app
from ocean_sim.dates import local_date

from .conftest import NOW, Api, login


def big_app(clock, drivers=1000, vehicles=1010, db_path=None):
    return create_app(clock=clock, drivers=drivers, vehicles=vehicles, db_path=db_path)


def test_a_big_fleet_keeps_the_demo_fleet_and_appends_the_rest(clock):
    demo = create_app(clock=clock).extensions["ocean_sim"].fleet
    big = big_app(clock).extensions["ocean_sim"].fleet
    assert big.drivers[:21] == demo.drivers and big.vehicles[:25] == demo.vehicles
    assert big.assignments[:23] == demo.assignments
    assert len(big.drivers) == 1000 and len(big.vehicles) == 1010 and len(big.entities) == 10
    assert len({d.id for d in big.drivers}) == 1000 and len({d.matricule for d in big.drivers}) == 1000
    assert len({v.immat for v in big.vehicles}) == 1010 and len({v.numero_embarque for v in big.vehicles}) == 1010
    assert all(d.entity_id in big.entities for d in big.drivers[21:])
    now = NOW
    assert big.current_vehicle(7001 + 500, now).id == 5001 + 25 + 479  # extra driver j drives extra vehicle j
    assert big.current_driver(5001 + 1003, now).id == 8000 and big.current_driver(5001 + 1009, now) is None


def test_the_same_seed_gives_the_same_fleet_and_trips(clock):
    a, b = (big_app(clock, 300, 300).extensions["ocean_sim"].fleet for _ in range(2))
    assert a.drivers == b.drivers and a.vehicles == b.vehicles and a.entities == b.entities
    day = local_date(NOW) - timedelta(days=3)
    assert [a.steps(v, day, NOW) for v in a.vehicles[250:260]] == [b.steps(v, day, NOW) for v in b.vehicles[250:260]]
    other = create_app(clock=clock, drivers=300, vehicles=300, seed=7).extensions["ocean_sim"].fleet
    assert [d.nom for d in other.drivers[21:]] != [d.nom for d in a.drivers[21:]]


def test_big_fleet_step_ids_are_unique_and_found_back(clock):
    app = big_app(clock, 400, 400)
    fleet = app.extensions["ocean_sim"].fleet
    ids = []
    for days in range(1, 8):
        for v in fleet.vehicles[90:130]:
            ids += [(v.numero_embarque, s.id) for s in fleet.steps(v, local_date(NOW) - timedelta(days=days), NOW)]
    assert len(ids) == len(set(ids)) > 100 and max(i for _, i in ids) < 2**53
    for ne, step_id in ids[::17]:
        assert fleet.find_step(ne, step_id, NOW).id == step_id
    ne, step_id = ids[-1]
    assert fleet.find_step(fleet.vehicles[5].numero_embarque, step_id, NOW) is None


def test_every_extra_driver_with_a_schedule_is_seeded_even_on_a_database_first_seeded_small(clock, tmp_path):
    db = str(tmp_path / "sim.sqlite3")
    create_app(clock=clock, db_path=db).extensions["ocean_sim"].store.close()
    app = big_app(clock, 200, 204, db_path=db)
    api = Api(app, login(app))
    assert len(api.get("vieprivee/v1/horairesViePriveeRecurrentesIndividu?individuId=7101").json) == 12
    assert api.get("vieprivee/v1/horairesViePriveeRecurrentesIndividu?individuId=7025").json == []  # i % 7 == 3
    assert len(api.post("individus/list").json) == 200
    app.extensions["ocean_sim"].store.close()


def test_the_command_line_refuses_a_fleet_smaller_than_the_demo():
    with pytest.raises(SystemExit):
        main(["--drivers", "5"])
