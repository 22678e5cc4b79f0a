"""Step pages: a driver's or a vehicle's steps, classified, with their declarations — masked by construction.

Two row types: ``StepRow`` carries the start and end places, ``MaskedStepRow`` has no place field at
all. A viewer gets a ``StepRow`` for their own steps, and for other people's steps only when the masking
rule (``masking.py``, rules-fr "Masking rule (CNIL)") says its history never made it private.
Templates therefore cannot leak an address they were never given.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import ClassVar

from django.conf import settings
from django.utils import timezone

from privacy import access
from privacy.models import Customer, User
from privacy.services.fleet import Fleet, FleetDriver, FleetVehicle, fleet_cached, fleet_get
from privacy.steps.models import DeclarationStatus, StepAccessLog, StepDeclaration
from privacy.steps.services.classify import PRIVATE, PRO, ScheduleClass, classify, privacy_calendar
from privacy.steps.services.fetch import (
    Place,
    RawStep,
    days_between,
    driver_vehicles,
    fiche_days,
    vehicle_periods,
)
from privacy.steps.services.masking import places_hidden
from privacy.steps.services.wave import driver_week

# Statuses whose wanted value is the current intent (a rejected or refused one is not).
LIVE = (DeclarationStatus.PENDING, DeclarationStatus.SENT, DeclarationStatus.CONFIRMED)


def privacy_false_cancels() -> bool:
    return settings.OCEAN_PRIVACY_FALSE_MEANS == "cancel"


def deadline_for(customer: Customer, end: datetime) -> datetime:
    """Last moment a driver may declare a step: end of the local day, N days after the step's end."""
    tz = customer.tz
    last_day = end.astimezone(tz).date() + timedelta(days=customer.declaration_deadline_days)
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=tz)


@dataclass(frozen=True, slots=True)
class DeclarationView:
    private: bool
    status: str
    status_label: str
    on_behalf: bool
    reason: str
    rejection_reason: str
    answer: str
    confirmed_private: bool | None
    # Who and when, for the "Why?" of the row (an override is explained with its author and reason).
    requested_by: str = ""
    requested_at: datetime | None = None
    decided_by: str = ""
    decided_at: datetime | None = None
    history: tuple = ()  # every DeclarationEvent, oldest first: no change is ever hidden

    @classmethod
    def of(cls, d: StepDeclaration) -> DeclarationView:
        return cls(
            private=d.private, status=d.status, status_label=str(d.get_status_display()),
            on_behalf=d.on_behalf, reason=d.reason, rejection_reason=d.rejection_reason,
            answer=d.upstream_answer, confirmed_private=d.confirmed_private,
            requested_by=d.requested_by_label, requested_at=d.requested_at,
            decided_by=d.decided_by_label, decided_at=d.decided_at, history=tuple(d.events.all()),
        )

    @property
    def in_force(self) -> bool:
        """The declaration decides the class (see ``StepFacts.effective_private``)."""
        return self.status in LIVE or self.confirmed_private is not None


@dataclass(frozen=True, slots=True)
class StepFacts:
    """What anyone allowed to see the step may see: times, distance, duration, vehicle, classes."""

    vehicle_id: int
    vehicle_label: str
    numero_embarque: int | None
    step_id: int
    driver_id: int | None
    driver_label: str
    start: datetime  # local
    end: datetime  # local
    distance_m: int
    duration_s: int
    schedule: ScheduleClass
    declaration: DeclarationView | None
    deadline: datetime
    deadline_passed: bool
    can_declare: bool  # this viewer may change the declaration now
    reason_private: bool  # the driver must give a reason to declare it private (customer rule)
    reason_pro: bool
    masked: ClassVar[bool] = False

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def dom_id(self) -> str:
        return f"step-{self.vehicle_id}-{self.step_id}"

    @property
    def distance_km(self) -> float:
        return round(self.distance_m / 1000, 1)

    @property
    def duration_label(self) -> str:
        minutes = round(self.duration_s / 60)
        return f"{minutes // 60} h {minutes % 60:02d}" if minutes >= 60 else f"{minutes} min"

    @property
    def cancel_mode(self) -> bool:
        """Ocean reads privacy=false as "withdraw the request" (OCEAN_PRIVACY_FALSE_MEANS=cancel, D2):
        a driver can ask for private and withdraw it, never make a trip pro against the schedule."""
        return privacy_false_cancels()

    @property
    def effective_private(self) -> bool | None:
        """The classification that counts: a live declaration, else the schedule (None = mixed/unknown).
        In cancel mode a "false" declaration is a withdrawn request: the schedule counts."""
        d = self.declaration
        withdrawn = self.cancel_mode and d is not None and not d.private
        if d is not None and d.status in LIVE and not withdrawn:
            return d.private
        if d is not None and d.confirmed_private is not None and not (self.cancel_mode and not d.confirmed_private):
            return d.confirmed_private
        return {PRIVATE: True, PRO: False}.get(self.schedule.kind)

    @property
    def declared_private(self) -> bool | None:
        """What was *declared* (None = not declared): the toggle shows this, never the schedule's guess."""
        d = self.declaration
        if d is not None and d.status in LIVE:
            return d.private
        return d.confirmed_private if d is not None else None

    @property
    def can_withdraw(self) -> bool:
        """Back to "not declared" is possible while nothing of the choice reached Ocean."""
        d = self.declaration
        return d is not None and d.status != DeclarationStatus.SENT and d.confirmed_private is None

    @property
    def private_distance_km(self) -> float:
        return round(self.private_distance_m / 1000, 1)

    @property
    def private_distance_m(self) -> int:
        private = self.effective_private
        if private is not None:
            return self.distance_m if private else 0
        total = self.schedule.private_minutes + self.schedule.pro_minutes
        return round(self.distance_m * self.schedule.private_minutes / total) if total else 0


@dataclass(frozen=True, slots=True)
class StepRow(StepFacts):
    start_place: Place
    end_place: Place


@dataclass(frozen=True, slots=True)
class MaskedStepRow(StepFacts):
    masked: ClassVar[bool] = True


@dataclass(slots=True)
class DayGroup:
    day: date
    rows: list = field(default_factory=list)

    @property
    def distance_km(self) -> float:
        return round(sum(r.distance_m for r in self.rows) / 1000, 1)

    @property
    def private_km(self) -> float:
        return round(sum(r.private_distance_m for r in self.rows) / 1000, 1)


@dataclass(slots=True)
class StepsPage:
    first: date
    last: date
    days: list[DayGroup]
    failed_days: list[date]
    schedule_unavailable: bool

    @property
    def count(self) -> int:
        return sum(len(d.rows) for d in self.days)


def _declarations(
    customer: Customer, fleet: Fleet, raws: list[RawStep]
) -> dict[tuple[int, int], StepDeclaration]:
    """Stored declarations of these steps, by (numeroEmbarque, idEtape): one query."""
    numbers = {fleet.vehicles[r.vehicle_id].numero_embarque for r in raws if r.vehicle_id in fleet.vehicles}
    numbers.discard(None)
    if not numbers:
        return {}
    found = StepDeclaration.objects.filter(
        code_exploitant=customer.code_exploitant, numero_embarque__in=numbers,
        step_id__in={r.step_id for r in raws},
    ).prefetch_related("events")  # the masking rule reads the whole history
    return {(d.numero_embarque, d.step_id): d for d in found}


def _row(*, viewer: User, customer: Customer, fleet: Fleet, raw: RawStep, driver: FleetDriver | None,
         driver_id: int | None, schedule: ScheduleClass, declaration: StepDeclaration | None):
    tz = customer.tz
    vehicle: FleetVehicle | None = fleet.vehicles.get(raw.vehicle_id)
    deadline = deadline_for(customer, raw.end)
    passed = timezone.now() > deadline
    entity_id = driver.entity_id if driver else None
    ref = access.DriverRef(customer.pk, driver_id, entity_id) if driver_id else None
    owner = ref is not None and access.can_declare_own_steps(viewer, ref)
    declarable = vehicle is not None and vehicle.numero_embarque is not None and ref is not None
    manager = ref is not None and access.can_change_driver(viewer, ref)
    # Strict logbook mode: after the deadline nothing changes, not even by a manager.
    can_declare = declarable and ((owner and not passed) or (manager and not (passed and customer.strict_mode)))
    facts = dict(
        vehicle_id=raw.vehicle_id, vehicle_label=vehicle.plate if vehicle else str(raw.vehicle_id),
        numero_embarque=vehicle.numero_embarque if vehicle else None, step_id=raw.step_id,
        driver_id=driver_id, driver_label=driver.full_name if driver else "",
        start=raw.start.astimezone(tz), end=raw.end.astimezone(tz), distance_m=raw.distance_m,
        duration_s=raw.duration_s, schedule=schedule,
        declaration=DeclarationView.of(declaration) if declaration else None,
        deadline=deadline, deadline_passed=passed, can_declare=can_declare,
        reason_private=customer.declaration_rule(True)[1], reason_pro=customer.declaration_rule(False)[1],
    )
    reveal = (ref is not None and access.can_see_private_details(viewer, ref)) or not places_hidden(
        schedule, declaration)
    if reveal:
        return StepRow(**facts, start_place=raw.start_place, end_place=raw.end_place)
    return MaskedStepRow(**facts)


def _page(first: date, last: date, rows: list, failed: set, unavailable: bool) -> StepsPage:
    groups = {d: DayGroup(d) for d in days_between(first, last)}
    for row in rows:
        if row.day in groups:
            groups[row.day].rows.append(row)
    return StepsPage(first=first, last=last, days=list(groups.values()),
                     failed_days=sorted({d for _v, d in failed}), schedule_unavailable=unavailable)


def driver_steps_page(
    *, viewer: User, customer: Customer, driver: FleetDriver, first: date, last: date, own: bool = False
) -> StepsPage:
    """``own``: the driver's own page, which does not wait for the fleet lists (``_own_fleet``)."""
    week = driver_week(customer, driver_id=driver.ocean_id, matricule=driver.matricule, first=first, last=last,
                       vehicle_hint=driver.vehicle_id)
    raws, failed, calendar = week.raws, week.failed, week.calendar
    fleet = _own_fleet(customer, driver.ocean_id, raws) if own else fleet_get(customer)
    declarations = _declarations(customer, fleet, raws)
    rows = []
    for raw in raws:
        ne = fleet.vehicles[raw.vehicle_id].numero_embarque if raw.vehicle_id in fleet.vehicles else None
        rows.append(_row(
            viewer=viewer, customer=customer, fleet=fleet, raw=raw, driver=driver, driver_id=driver.ocean_id,
            schedule=classify(calendar, raw.start, raw.end, customer.tz),
            declaration=declarations.get((ne, raw.step_id)),
        ))
    return _page(first, last, rows, failed, bool(raws) and calendar is None)


def _own_fleet(customer: Customer, driver_id: int, raws: list[RawStep]) -> Fleet:
    """The vehicles a driver's own page shows: the cached fleet, else the plate and on-board unit number each
    item of the driver's assignment history carries (ocean-api §4.2), else (one missing) the fleet lists."""
    fleet = fleet_cached(customer)
    if fleet is not None:
        return fleet
    light = driver_vehicles(customer, driver_id) or {}
    if any(light.get(r.vehicle_id, ("", None))[1] is None for r in raws):
        return fleet_get(customer)
    return Fleet(vehicles={v: FleetVehicle(id=v, plate=plate, numero_embarque=ne, privacy_enabled=True, label="",
                                           motorisation="", entity_id=None, entity_name="", driver_id=None)
                           for v, (plate, ne) in light.items()})


def vehicle_steps_page(*, viewer: User, customer: Customer, vehicle: FleetVehicle, first: date,
                       last: date) -> StepsPage:
    fleet = fleet_get(customer)
    fetched = fiche_days(customer, [(vehicle.id, d) for d in days_between(first, last)])
    raws = sorted((r for rows in fetched.steps.values() for r in rows), key=lambda r: r.start)
    by_matricule = {d.matricule: d for d in fleet.drivers.values() if d.matricule}
    assignments = vehicle_periods(customer, vehicle.id) if any(not r.driver_matricule for r in raws) else []
    declarations = _declarations(customer, fleet, raws)
    calendars: dict[int, object] = {}
    rows, unavailable = [], False
    for raw in raws:
        driver = by_matricule.get(raw.driver_matricule) if raw.driver_matricule else None
        driver_id = driver.ocean_id if driver else next(
            (d for d, p in assignments if not raw.driver_matricule and p.contains(raw.start)), None)
        driver = driver or fleet.drivers.get(driver_id or -1)
        if driver_id is not None and driver_id not in calendars:
            calendars[driver_id] = privacy_calendar(customer, driver_id, first, last)
            unavailable = unavailable or calendars[driver_id] is None
        # Nobody's private hours apply to a step without a driver (pool vehicle, unknown badge).
        schedule = classify(calendars.get(driver_id), raw.start, raw.end, customer.tz) if driver_id else \
            ScheduleClass(PRO)
        declaration = declarations.get((vehicle.numero_embarque, raw.step_id))
        rows.append(_row(viewer=viewer, customer=customer, fleet=fleet, raw=raw, driver=driver,
                         driver_id=driver_id, schedule=schedule, declaration=declaration))
    return _page(first, last, rows, fetched.failed, unavailable)


def fleet_vehicles_visible(user: User, customer: Customer) -> list[FleetVehicle]:
    """Vehicles whose trips ``user`` may open, sorted by plate."""
    vehicles = access.vehicles_visible(user, customer, fleet_get(customer).vehicles.values())
    return sorted(vehicles, key=lambda v: v.plate)


def find_driver_step(*, viewer: User, customer: Customer, driver: FleetDriver, day: date, vehicle_id: int,
                     step_id: int):
    """The row of one of ``driver``'s steps on ``day``, or None (not theirs, or not found)."""
    page = driver_steps_page(viewer=viewer, customer=customer, driver=driver, first=day, last=day)
    for group in page.days:
        for row in group.rows:
            if row.vehicle_id == vehicle_id and row.step_id == step_id:
                return row
    return None


def access_log_record(*, viewer: User, customer: Customer, view: str, first: date, last: date,
                      driver_id: int | None = None, vehicle_id: int | None = None) -> None:
    StepAccessLog.objects.create(
        user=viewer, user_label=viewer.get_username(), customer=customer, view=view,
        driver_id=driver_id, vehicle_id=vehicle_id, first_day=first, last_day=last,
    )
