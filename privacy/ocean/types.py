"""Typed results of the Océan client (frozen, slotted dataclasses).

Every type keeps the original JSON item in `raw` (unknown keys included), so
nothing the API sends is lost; `raw` is excluded from repr/eq to keep logs short.
Missing optional keys become None (see parse.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


def _raw() -> dict:
    return field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class LoginInfo:
    """Result of `auth/authenticate2` (ocean-api §1.1) — the token itself is never exposed."""

    token_present: bool
    password_expiration_days: int | None
    additional: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Entity:
    id: int | None
    nom: str | None
    raw: dict = _raw()


@dataclass(frozen=True, slots=True)
class Driver:
    """One `individus/list` item (ocean-api §3.1). `civilite` is "MR"/"MME"/"MLLE" or None."""

    id: int | None
    nom: str | None
    prenom: str | None
    matricule: str | None
    email: str | None
    gsm: str | None
    civilite: str | None
    entity_id: int | None
    entity_name: str | None
    group_id: int | None
    vehicle_id: int | None
    vehicle_numero_embarque: int | None
    vehicle_immatriculation: str | None
    has_user: bool
    deleted: bool
    raw: dict = _raw()

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.prenom, self.nom) if p) or (self.matricule or "")


@dataclass(frozen=True, slots=True)
class Vehicle:
    """One `vehicule_engin/vehicles` item (ocean-api §4.1)."""

    id: int | None
    immatriculation: str | None
    numero_embarque: int | None
    privacy_enabled: bool
    marque: str | None
    modele: str | None
    description: str | None
    motorisation: str | None
    energy_id: int | None
    first_registration: date | None
    entity_id: int | None
    entity_name: str | None
    driver_id: int | None
    deleted: bool
    raw: dict = _raw()


@dataclass(frozen=True, slots=True)
class Assignment:
    """One `affectations_chauffeurs/historique` item (ocean-api §4.2); end None = open."""

    id: int | None
    vehicle_id: int | None
    driver_id: int | None
    start: datetime | None
    end: datetime | None
    company_car: bool
    # The "light vehicle" each item carries (§4.2): a driver's own trips page can show them without the fleet.
    vehicle_plate: str | None = None
    vehicle_numero_embarque: int | None = None
    raw: dict = _raw()


@dataclass(frozen=True, slots=True)
class ScheduleEntry:
    """One schedule slot version (ocean-api §6.1/§6.2). `id` is the horaireIndividu id
    (value for `horaireIndividuIds`); hours are kept as given (24:00 and 23:59 both
    possible). valid_until None = open-ended."""

    id: int | None
    day: str | None
    type: str | None
    start_hour: int | None
    start_minute: int | None
    end_hour: int | None
    end_minute: int | None
    valid_from: datetime | None
    valid_until: datetime | None
    raw: dict = _raw()

    def is_active(self, at: datetime) -> bool:
        """valid_from <= at < valid_until (missing bounds are open)."""
        if self.valid_from is not None and at < self.valid_from:
            return False
        return self.valid_until is None or at < self.valid_until

    @property
    def signature(self) -> tuple:
        """What the slot means, independent of its (re-issued) id."""
        return (self.day, self.type, self.start_hour, self.start_minute, self.end_hour, self.end_minute)


@dataclass(frozen=True, slots=True)
class ExceptionalPeriod:
    """One exceptional private-life period (ocean-api §6.5)."""

    id: int | None
    extension_id: int | None
    label: str | None
    start: datetime | None
    end: datetime | None
    slots: tuple[ScheduleEntry, ...] = ()
    author: str | None = None
    raw: dict = _raw()

    @property
    def delete_id(self) -> int | None:
        """Id for `horaireExtensionIds`: extension.id if present, else id (ocean-api §10.7)."""
        return self.extension_id if self.extension_id is not None else self.id

    def entirely_future(self, at: datetime) -> bool:
        """Only periods starting after `at` may be deleted (ocean-api §6.7)."""
        return self.start is not None and self.start > at


@dataclass(frozen=True, slots=True)
class StepPoint:
    """`posDeb`/`posFin` of a ficheJour row (ocean-api §5.1). `when` is aware UTC,
    built from the local `date`+`heure` texts (kept as date_text/time_text)."""

    when: datetime | None
    date_text: str | None
    time_text: str | None
    latitude: float | None
    longitude: float | None
    address: str | None
    postal_code: str | None
    town: str | None
    country: str | None
    driver_matricule: str | None
    driver_name: str | None
    poi: str | None
    etat: str | None


@dataclass(frozen=True, slots=True)
class Step:
    """One ficheJour row; `id` is the idEtape used by the a-posteriori flip (ocean-api §5.2)."""

    id: int | None
    vehicle_id: int | None
    kind: str | None
    anomaly: str | None
    distance_m: int | None
    duration_s: int | None
    start: StepPoint
    end: StepPoint
    raw: dict = _raw()
