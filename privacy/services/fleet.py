"""The customer's fleet as the portal sees it: drivers, vehicles and entities from Ocean.

Three list calls (`individus/list`, `vehicule_engin/vehicles`, `mobility/v1/entities`), made at once, build one
``Fleet`` that is cached for a few minutes in the shared cache, so pages never make one request per
driver (ocean-api §8.1: cache vehicles / individuals / entities for minutes). ``refresh=True``
rebuilds it (the "refresh" action). Access checks go through ``privacy.access``.
"""
from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from privacy import access
from privacy.models import Customer, User
from privacy.ocean import OceanUnavailable
from privacy.services.ocean import ocean_client

FLEET_TTL = 10 * 60
# The last good copy outlives the fresh one: when Ocean is down, pages (and a manager's painted grid
# waiting to be retried) keep working from it instead of failing on the driver lookup.
FLEET_STALE_TTL = 7 * 24 * 3600
_LOCK_TTL = 30


def _key(customer: Customer) -> str:
    return f"privacy:v1:fleet:{customer.pk}"


@dataclass(frozen=True, slots=True)
class FleetDriver:
    customer_id: int  # portal Customer pk (what privacy.access compares)
    ocean_id: int
    nom: str
    prenom: str
    matricule: str
    email: str
    entity_id: int | None
    entity_name: str
    vehicle_id: int | None
    vehicle_plate: str
    numero_embarque: int | None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.prenom, self.nom) if p) or self.matricule


@dataclass(frozen=True, slots=True)
class FleetVehicle:
    id: int
    plate: str
    numero_embarque: int | None
    privacy_enabled: bool
    label: str
    motorisation: str
    entity_id: int | None
    entity_name: str
    driver_id: int | None


@dataclass(slots=True)
class Fleet:
    drivers: dict[int, FleetDriver] = field(default_factory=dict)
    vehicles: dict[int, FleetVehicle] = field(default_factory=dict)
    entities: dict[int, str] = field(default_factory=dict)
    synced_at: str = ""

    def to_cache(self) -> dict:
        return {
            "drivers": [asdict(d) for d in self.drivers.values()],
            "vehicles": [asdict(v) for v in self.vehicles.values()],
            "entities": [[k, v] for k, v in self.entities.items()],
            "synced_at": self.synced_at,
        }

    @classmethod
    def from_cache(cls, data: dict) -> Fleet:
        return cls(
            drivers={d["ocean_id"]: FleetDriver(**d) for d in data["drivers"]},
            vehicles={v["id"]: FleetVehicle(**v) for v in data["vehicles"]},
            entities={int(k): v for k, v in data["entities"]},
            synced_at=data["synced_at"],
        )


def _build(customer: Customer) -> Fleet:
    client = ocean_client(customer)
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="fleet") as pool:  # the three lists at once
        listed = [pool.submit(client.entities), pool.submit(client.vehicles), pool.submit(client.individus_list)]
    raw_entities, raw_vehicles, raw_drivers = (future.result() for future in listed)
    entities = {e.id: e.nom or "" for e in raw_entities if e.id is not None}
    vehicles: dict[int, FleetVehicle] = {}
    for v in raw_vehicles:
        if v.id is None or v.deleted:
            continue
        label = " ".join(p for p in (v.marque, v.modele) if p) or (v.description or "")
        vehicles[v.id] = FleetVehicle(
            id=v.id, plate=v.immatriculation or "", numero_embarque=v.numero_embarque,
            privacy_enabled=v.privacy_enabled, label=label, motorisation=v.motorisation or "",
            entity_id=v.entity_id, entity_name=v.entity_name or entities.get(v.entity_id or -1, ""),
            driver_id=v.driver_id,
        )
    drivers: dict[int, FleetDriver] = {}
    for d in raw_drivers:
        if d.id is None or d.deleted:
            continue
        vehicle = vehicles.get(d.vehicle_id or -1)
        drivers[d.id] = FleetDriver(
            customer_id=customer.pk, ocean_id=d.id, nom=d.nom or "", prenom=d.prenom or "",
            matricule=d.matricule or "", email=d.email or "", entity_id=d.entity_id,
            entity_name=d.entity_name or entities.get(d.entity_id or -1, ""),
            vehicle_id=d.vehicle_id,
            vehicle_plate=d.vehicle_immatriculation or (vehicle.plate if vehicle else ""),
            numero_embarque=d.vehicle_numero_embarque or (vehicle.numero_embarque if vehicle else None),
        )
    return Fleet(drivers=drivers, vehicles=vehicles, entities=entities, synced_at=timezone.now().isoformat())


# The last fleet this process rebuilt, per customer, with its version: a fleet of 1,000 drivers and vehicles
# costs milliseconds to unpickle and rebuild, on every page that names a driver (issue 16's load profile), so
# it is rebuilt only when the shared copy changed. Callers never change a Fleet.
_recent: dict[int, tuple[str, Fleet]] = {}


def _from_cache(customer: Customer) -> Fleet | None:
    key = _key(customer)
    version = cache.get(f"{key}:synced")
    recent = _recent.get(customer.pk)
    if version is not None and recent is not None and recent[0] == version:
        return recent[1]
    data = cache.get(key)
    if data is None:
        return None
    fleet = Fleet.from_cache(data)
    if version is not None and data.get("version") == version:
        _recent[customer.pk] = (version, fleet)
    return fleet


def fleet_get(customer: Customer, *, refresh: bool = False) -> Fleet:
    """The cached fleet; on a miss one process rebuilds it while others wait briefly (no stampede)."""
    key = _key(customer)
    if not refresh and (fleet := _from_cache(customer)) is not None:
        return fleet
    if not cache.add(f"{key}:lock", 1, _LOCK_TTL):
        for _ in range(50):
            time.sleep(0.1)
            if (fleet := _from_cache(customer)) is not None:
                return fleet
    try:
        try:
            fleet = _build(customer)
        except OceanUnavailable:
            if (stale := cache.get(f"{key}:stale")) is not None:
                return Fleet.from_cache(stale)
            raise
        data = fleet.to_cache() | {"version": f"{fleet.synced_at}/{uuid.uuid4().hex[:8]}"}
        cache.set(key, data, FLEET_TTL)
        cache.set(f"{key}:synced", data["version"], FLEET_TTL)
        _recent[customer.pk] = (data["version"], fleet)
        cache.set(f"{key}:stale", data, FLEET_STALE_TTL)
        return fleet
    finally:
        cache.delete(f"{key}:lock")


def fleet_version(customer: Customer) -> str | None:
    """Which copy of the fleet is cached (a tiny read: pages key their caches on it), None if not cached."""
    return cache.get(f"{_key(customer)}:synced")


def fleet_drivers_visible(user: User, customer: Customer) -> list[FleetDriver]:
    """Drivers of ``customer`` that ``user`` may see, sorted by name."""
    fleet = fleet_get(customer)
    visible = access.drivers_visible(user, fleet.drivers.values())
    return sorted(visible, key=lambda d: (d.nom.lower(), d.prenom.lower(), d.ocean_id))


def fleet_driver_or_404(user: User, customer: Customer, ocean_id: int) -> FleetDriver:
    """The driver if it exists in ``customer``'s fleet and ``user`` may see it; 404 otherwise (IDOR)."""
    driver = fleet_get(customer).drivers.get(ocean_id)
    if driver is None:
        raise Http404
    access.require_driver_view(user, driver)
    return driver


def fleet_cached(customer: Customer) -> Fleet | None:
    """The cached fleet, or None: never calls Ocean."""
    return _from_cache(customer)


def own_fleet_driver(user: User, customer: Customer, *, vehicle_hint: int | None = None) -> FleetDriver:
    """A driver's own record for their trips page without waiting for the three fleet lists: the cached
    fleet's when there is one (404 when Ocean no longer lists them), else built from the account (Ocean id,
    matricule, names) with ``vehicle_hint``, the vehicle their previous page found, else the one the last
    good copy of the fleet names (only decides which days start early)."""
    ocean_id = user.ocean_individu_id or -1
    fleet = fleet_cached(customer)
    if fleet is not None or ocean_id < 0:
        driver = (fleet.drivers if fleet is not None else {}).get(ocean_id)
        if driver is None:
            raise Http404
    else:
        if vehicle_hint is None and (stale := cache.get(f"{_key(customer)}:stale")) is not None:
            vehicle_hint = next((d["vehicle_id"] for d in stale["drivers"] if d["ocean_id"] == ocean_id), None)
        driver = FleetDriver(customer_id=customer.pk, ocean_id=ocean_id, nom=user.last_name, prenom=user.first_name,
                             matricule=user.matricule, email=user.email, entity_id=None, entity_name="",
                             vehicle_id=vehicle_hint, vehicle_plate="", numero_embarque=None)
    access.require_driver_view(user, driver)
    return driver
