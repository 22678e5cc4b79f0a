"""Bigger demo fleets (``python -m ocean_sim --drivers N --vehicles M``) for benchmarks and load tests.

The 21 drivers and 25 vehicles of the demo fleet stay exactly as they are (same ids, names, trips); the
extra ones are appended, drawn from their own ``random.Random(f"fleet-big:{seed}")`` so they are a pure
function of the seed too. Layout of the extras:

- one agency per ~100 drivers (ids 124…, named after the region's towns), drivers spread over all of
  them round-robin; groups, e-mail, GSM, user accounts and "no schedule" follow the demo's index rules;
- extra driver ``21 + j`` drives extra vehicle ``25 + j`` since the fleet's origin (no change of vehicle);
  vehicles beyond the drivers have no driver (no trips), drivers beyond the vehicles have no vehicle;
- step ids of vehicles from index 100 on use ``STEP_ID_BIG + day × 10⁷ + index × 10 + k`` (the demo's
  scheme holds 100 vehicles), still unique per ``numeroEmbarque`` and below 2⁵³.
"""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING

from . import fleetdata as fd
from .models import Assignment, Driver, Vehicle

if TYPE_CHECKING:
    from .fleet import Fleet

BASE_DRIVERS, BASE_VEHICLES = 21, 25
STEP_ID_BIG = 10**12
REGIONS = ("lyon", "paris", "nantes")


def _ascii(s: str) -> str:
    return s.lower().translate(str.maketrans("éèëêàâçîïôöûüÉ", "eeeeaaciioouue")).replace(" ", "")


def extend(fleet: Fleet, n_drivers: int, n_vehicles: int) -> None:
    """Append agencies, drivers, vehicles and assignments to the demo fleet, in place."""
    if n_drivers < BASE_DRIVERS or n_vehicles < BASE_VEHICLES:
        raise ValueError(f"a fleet holds at least the demo's {BASE_DRIVERS} drivers and {BASE_VEHICLES} vehicles")
    rng = random.Random(f"fleet-big:{fleet.seed}")
    for k in range(3, max(3, round(n_drivers / 100))):
        region = REGIONS[k % 3]
        towns = fd.TOWNS[region]
        town = towns[(k // 3) % len(towns)][0]
        suffix = f" {k // (3 * len(towns)) + 1}" if k >= 3 * len(towns) else ""
        fleet.entities[121 + k] = (f"Agence {town}{suffix}", region)
    entity_ids = sorted(fleet.entities)
    for i in range(BASE_DRIVERS, n_drivers):
        civ = 2 if rng.random() < 0.4 else 1
        prenom = rng.choice(fd.FIRST_NAMES_F if civ == 2 else fd.FIRST_NAMES_M)
        nom = rng.choice(fd.LAST_NAMES).upper()
        gsm = f"06{rng.randint(10_000_000, 99_999_999)}"
        fleet.drivers.append(Driver(
            idx=i, id=7001 + i, nom=nom, prenom=prenom, matricule=f"M{i + 1:04d}",
            initiales=(prenom[0] + nom[0]).upper(), gsm=None if i % 4 == 3 else gsm,
            email=None if i % 6 == 5 else f"{_ascii(prenom)}.{_ascii(nom)}.{i + 1}@transports-demo.fr",
            civilite=civ, entity_id=entity_ids[i % len(entity_ids)], group_id=(1001, 1002, 1001, 1003)[i % 4],
            user_id=9001 + i if i % 2 == 0 else None, deleted=False, has_schedule=i % 7 != 3,
        ))
    plates = {v.immat for v in fleet.vehicles}
    extra = n_vehicles - BASE_VEHICLES
    numbers = rng.sample(range(10_000, 10_000 + 20 * max(extra, 1)), extra)
    for j, i in enumerate(range(BASE_VEHICLES, n_vehicles)):
        while True:
            L = fd.PLATE_LETTERS
            plate = f"{rng.choice(L)}{rng.choice(L)}-{rng.randint(100, 999)}-{rng.choice(L)}{rng.choice(L)}"
            if plate not in plates:
                plates.add(plate)
                break
        electric = i % 5 == 4
        marque, modele = rng.choice(fd.ELECTRIC_MODELS if electric else fd.THERMAL_MODELS)
        driver_idx = BASE_DRIVERS + j
        entity = fleet.drivers[driver_idx].entity_id if driver_idx < n_drivers else entity_ids[i % len(entity_ids)]
        fleet.vehicles.append(Vehicle(
            idx=i, id=5001 + i, immat=plate, numero_embarque=numbers[j], privacy_enabled=i % 50 != 19,
            marque=marque, modele=modele, electric=electric,
            rate=rng.randint(150, 190) if electric else rng.randint(520, 780), entity_id=entity,
            geolocalise=True, date1ere_mec=date(2019 + i % 6, 1 + i % 12, 1 + i % 27), boitier_id=3001 + i,
        ))
    aid = 8001 + len(fleet.assignments)
    for j in range(min(n_drivers - BASE_DRIVERS, extra)):
        d = fleet.drivers[BASE_DRIVERS + j]
        fleet.assignments.append(Assignment(aid + j, 5001 + BASE_VEHICLES + j, d.id, fleet.origin, None,
                                            d.idx % 5 != 2))


def step_id(day_number: int, vehicle_idx: int, k: int) -> int:
    return STEP_ID_BIG + day_number * 10**7 + vehicle_idx * 10 + k


def split_step_id(id_etape: int) -> tuple[int, int] | None:
    """(day number, vehicle index) of a big-fleet step id, None for the demo's scheme."""
    if id_etape < STEP_ID_BIG:
        return None
    rem = id_etape - STEP_ID_BIG
    return rem // 10**7, (rem % 10**7) // 10
