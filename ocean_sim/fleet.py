"""Deterministic demo fleet: entities, drivers, vehicles, assignments and steps.

Everything is a pure function of ``(seed, anchor)``: ``anchor`` is the Paris-local date the
database was first seeded (stored in the DB so history does not shift across restarts). Steps are
generated lazily per (vehicle, day) and never stored; only the visibility window (90 days back
from the clock's today, nothing ending after "now") depends on the clock.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import lru_cache

from . import fleet_big
from . import fleetdata as fd
from .dates import local_at, local_date, local_midnight
from .models import Assignment, Driver, Place, Step, Vehicle

__all__ = ["Assignment", "Driver", "Fleet", "Place", "Step", "Vehicle"]

N_DRIVERS = 21  # index 20 is soft-deleted, has no entity/vehicle
N_VEHICLES = 25
CHANGED_DRIVERS = (0, 1, 2)  # drove vehicles 20..22 until 40 days before the anchor
POOL_VEHICLES = (23, 24)  # no assigned driver; unidentified trips
NO_SCHEDULE_DRIVERS = (5, 11, 17)
STEP_DAYS = 90
STEP_ID_BASE = 1_000_000_000
_DAY0 = date(2000, 1, 1)


def _ascii(s: str) -> str:
    return s.lower().translate(str.maketrans("éèëêàâçîïôöûüÉ", "eeeeaaciioouue")).replace(" ", "")


def _haversine(a: Place, b: Place) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


class Fleet:
    def __init__(self, seed: int, anchor: date, customer_id: int, code_exploitant: str, *,
                 drivers: int = N_DRIVERS, vehicles: int = N_VEHICLES):
        self.seed, self.anchor = seed, anchor
        self.customer_id, self.code_exploitant = customer_id, code_exploitant
        self.origin = local_midnight(anchor - timedelta(days=400))
        self.change_at = local_midnight(anchor - timedelta(days=40))
        self.schedule_from = local_midnight(anchor - timedelta(days=120))
        rng = random.Random(f"fleet:{seed}")
        self.entities = {eid: (nom, region) for eid, nom, region in fd.ENTITIES}
        self.groups = dict(fd.GROUPS)
        self.drivers = self._make_drivers(rng)
        self.vehicles = self._make_vehicles(rng)
        self.assignments = self._make_assignments()
        if (drivers, vehicles) != (N_DRIVERS, N_VEHICLES):
            fleet_big.extend(self, drivers, vehicles)
        self._assign_by_vehicle: dict[int, list[Assignment]] = defaultdict(list)
        self._assign_by_driver: dict[int, list[Assignment]] = defaultdict(list)
        for a in self.assignments:
            self._assign_by_vehicle[a.vehicle_id].append(a)
            self._assign_by_driver[a.driver_id].append(a)
        self.driver_by_id = {d.id: d for d in self.drivers}
        self.vehicle_by_id = {v.id: v for v in self.vehicles}
        self.vehicle_by_ne = {v.numero_embarque: v for v in self.vehicles}
        self._depots = {eid: self._depot(eid) for eid in self.entities}
        self._day_steps = lru_cache(maxsize=max(8192, 8 * len(self.vehicles)))(self._gen_day)

    # ----- static fleet ---------------------------------------------------------------------
    def _make_drivers(self, rng: random.Random) -> list[Driver]:
        lasts = rng.sample(fd.LAST_NAMES, N_DRIVERS)
        out = []
        for i in range(N_DRIVERS):
            civ = 2 if rng.random() < 0.4 else 1
            prenom = rng.choice(fd.FIRST_NAMES_F if civ == 2 else fd.FIRST_NAMES_M)
            nom = lasts[i].upper()
            out.append(
                Driver(
                    idx=i,
                    id=7001 + i,
                    nom=nom,
                    prenom=prenom,
                    matricule=f"M{i + 1:04d}",
                    initiales=(prenom[0] + nom[0]).upper(),
                    gsm=None if i % 4 == 3 else f"06{rng.randint(10_000_000, 99_999_999)}",
                    email=None if i % 6 == 5 else f"{_ascii(prenom)}.{_ascii(nom)}@transports-demo.fr",
                    civilite=civ,
                    entity_id=None if i == 20 else fd.ENTITIES[i % 3][0],
                    group_id=(1001, 1002, 1001, 1003)[i % 4],
                    user_id=9001 + i if i % 2 == 0 else None,
                    deleted=(i == 20),
                    has_schedule=i not in NO_SCHEDULE_DRIVERS and i != 20,
                )
            )
        return out

    def _make_vehicles(self, rng: random.Random) -> list[Vehicle]:
        nes = rng.sample(range(100, 9999), N_VEHICLES)
        plates: set[str] = set()
        out = []
        for i in range(N_VEHICLES):
            while True:
                L = fd.PLATE_LETTERS
                p = f"{rng.choice(L)}{rng.choice(L)}-{rng.randint(100, 999)}-{rng.choice(L)}{rng.choice(L)}"
                if p not in plates:
                    plates.add(p)
                    break
            electric = i % 5 == 4
            marque, modele = rng.choice(fd.ELECTRIC_MODELS if electric else fd.THERMAL_MODELS)
            ent = fd.ENTITIES[(i % 20 if i < 23 else i - 23) % 3][0]
            out.append(
                Vehicle(
                    idx=i,
                    id=5001 + i,
                    immat=p,
                    numero_embarque=nes[i],
                    privacy_enabled=i not in (19, 24),
                    marque=marque,
                    modele=modele,
                    electric=electric,
                    rate=rng.randint(150, 190) if electric else rng.randint(520, 780),
                    entity_id=ent,
                    geolocalise=i != 24,
                    date1ere_mec=date(2019 + i % 6, 1 + i % 12, 1 + i % 27),
                    boitier_id=3001 + i,
                )
            )
        return out

    def _make_assignments(self) -> list[Assignment]:
        out, aid = [], 8001
        for d in self.drivers[:20]:
            fonction = d.idx % 5 != 2
            if d.idx in CHANGED_DRIVERS:
                out.append(Assignment(aid, 5001 + 20 + d.idx, d.id, self.origin, self.change_at, fonction))
                aid += 1
                out.append(Assignment(aid, 5001 + d.idx, d.id, self.change_at, None, fonction))
            else:
                out.append(Assignment(aid, 5001 + d.idx, d.id, self.origin, None, fonction))
            aid += 1
        return out

    def _depot(self, entity_id: int) -> Place:
        town, cp, lat, lon = fd.TOWNS[self.entities[entity_id][1]][0]
        return Place("1 rue de l'Industrie", cp, town, lat, lon, poi=f"Dépôt {self.entities[entity_id][0]}")

    # ----- lookups --------------------------------------------------------------------------
    def assignment_at(self, vehicle_id: int, at: datetime) -> Assignment | None:
        for a in self._assign_by_vehicle.get(vehicle_id, ()):
            if a.debut <= at and (a.fin is None or at < a.fin):
                return a
        return None

    def current_vehicle(self, driver_id: int, now: datetime) -> Vehicle | None:
        for a in self._assign_by_driver.get(driver_id, ()):
            if a.debut <= now and (a.fin is None or now < a.fin):
                return self.vehicle_by_id[a.vehicle_id]
        return None

    def current_driver(self, vehicle_id: int, now: datetime) -> Driver | None:
        a = self.assignment_at(vehicle_id, now)
        return self.driver_by_id[a.driver_id] if a else None

    # ----- steps ----------------------------------------------------------------------------
    @staticmethod
    def step_id(d: date, vehicle_idx: int, k: int) -> int:
        if vehicle_idx >= 100:
            return fleet_big.step_id((d - _DAY0).days, vehicle_idx, k)
        return STEP_ID_BASE + (d - _DAY0).days * 1000 + vehicle_idx * 10 + k

    def window(self, now: datetime) -> tuple[date, date]:
        today = local_date(now)
        return today - timedelta(days=STEP_DAYS - 1), today

    def steps(self, vehicle: Vehicle, d: date, now: datetime) -> list[Step]:
        """Steps of one vehicle on one Paris-local day, as visible at ``now``."""
        first, last = self.window(now)
        if not first <= d <= last:
            return []
        return [s for s in self._day_steps(vehicle.idx, d) if s.end <= now]

    def find_step(self, numero_embarque: int, id_etape: int, now: datetime) -> Step | None:
        v = self.vehicle_by_ne.get(numero_embarque)
        big = fleet_big.split_step_id(id_etape)
        rem = id_etape - STEP_ID_BASE
        day_number, idx = big or (rem // 1000, (rem % 1000) // 10)
        if v is None or rem < 0 or idx != v.idx:
            return None
        d = _DAY0 + timedelta(days=day_number)
        return next((s for s in self.steps(v, d, now) if s.id == id_etape), None)

    def steps_between(self, start: datetime, end: datetime, now: datetime) -> list[Step]:
        """All visible steps (every vehicle) whose start lies in [start, end)."""
        out = []
        d, last = local_date(start), local_date(end)
        while d <= last:
            for v in self.vehicles:
                out.extend(s for s in self.steps(v, d, now) if start <= s.start < end)
            d += timedelta(days=1)
        return out

    def _place(self, rng: random.Random, region: str) -> Place:
        town, cp, lat, lon = rng.choice(fd.TOWNS[region])
        return Place(
            f"{rng.randint(1, 120)} {rng.choice(fd.STREETS)}",
            cp,
            town,
            round(lat + rng.uniform(-0.012, 0.012), 6),
            round(lon + rng.uniform(-0.012, 0.012), 6),
        )

    def _gen_day(self, vidx: int, d: date) -> tuple[Step, ...]:
        v = self.vehicles[vidx]
        a = self.assignment_at(v.id, local_at(d, 12, 0))
        pool = vidx in POOL_VEHICLES
        if a is None and not pool:
            return ()
        didx = self.driver_by_id[a.driver_id].idx if a else None
        rng = random.Random(f"steps:{self.seed}:{v.id}:{d.isoformat()}")
        region = self.entities[v.entity_id][1]
        plan: list[tuple[int, int | None]] = []  # (start second of day, forced min end second)
        if d.weekday() < 5:
            if pool and rng.random() > 0.35:
                return ()
            n = rng.randint(1, 3) if pool else rng.randint(2, 6)
            plan.append((rng.randint(7 * 3600, 8 * 3600 + 2700), None))
            plan.extend((-1, None) for _ in range(n - 1))  # chained after the previous trip
            if rng.random() < 0.3:
                plan.append(
                    (
                        rng.randint(17 * 3600 + 38 * 60, 17 * 3600 + 58 * 60),
                        18 * 3600 + rng.randint(300, 1500),
                    )
                )
            if rng.random() < 0.15:
                plan.append((rng.randint(19 * 3600 + 1800, 21 * 3600 + 1800), None))
        elif rng.random() < 0.35:
            plan.append((rng.randint(10 * 3600, 12 * 3600), None))
            if rng.random() < 0.5:
                plan.append((rng.randint(14 * 3600, 16 * 3600), None))
        cur, t_free, steps = self._depots[v.entity_id], 0, []
        for start, min_end in plan:
            if start == -1:
                start = t_free + rng.randint(15 * 60, 120 * 60)
                if start > 17 * 3600 + 20 * 60:
                    continue
            if start < t_free:
                continue
            dest = self._place(rng, region) if rng.random() > 0.15 else self._depots[v.entity_id]
            speed = rng.uniform(28, 55) / 3.6
            dist = max(600, int(_haversine(cur, dest) * 1.3))
            dur = max(120, int(dist / speed))
            if min_end is not None and start + dur < min_end:
                dur = min_end - start
                dist = int(dur * speed)
            t0 = local_at(d, start // 3600, start % 3600 // 60, start % 60)
            steps.append(
                Step(
                    self.step_id(d, vidx, len(steps)),
                    vidx,
                    t0,
                    t0 + timedelta(seconds=dur),
                    dist,
                    dur,
                    cur,
                    dest,
                    didx,
                    rng.randint(0, 359),
                    rng.randint(0, 359),
                )
            )
            cur, t_free = dest, start + dur
        return tuple(steps)
