"""Immutable records of the demo fleet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Driver:
    idx: int
    id: int
    nom: str
    prenom: str
    matricule: str
    initiales: str
    gsm: str | None
    email: str | None
    civilite: int
    entity_id: int | None
    group_id: int
    user_id: int | None
    deleted: bool
    has_schedule: bool


@dataclass(frozen=True)
class Vehicle:
    idx: int
    id: int
    immat: str
    numero_embarque: int
    privacy_enabled: bool
    marque: str
    modele: str
    electric: bool
    rate: int  # thermal: centilitres per 100 km; electric: Wh per km
    entity_id: int
    geolocalise: bool
    date1ere_mec: date
    boitier_id: int


@dataclass(frozen=True)
class Assignment:
    id: int
    vehicle_id: int
    driver_id: int
    debut: datetime
    fin: datetime | None
    fonction: bool


@dataclass(frozen=True)
class Place:
    address: str
    postal: str
    town: str
    lat: float
    lon: float
    poi: str | None = None


@dataclass(frozen=True)
class Step:
    id: int
    vehicle_idx: int
    start: datetime
    end: datetime
    distance: int  # metres
    dur_s: int  # whole seconds (dureeMs = dur_s * 1000)
    frm: Place
    to: Place
    driver_idx: int | None
    cap_deb: int
    cap_fin: int
