"""The driver and vehicle trip pages assembled from scripted Ocean reads (no simulator): which rows, which
driver, which declaration and which schedule each row gets, and what the page says is missing."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from privacy.models import Role, User
from privacy.services.fleet import Fleet, FleetDriver, FleetVehicle
from privacy.steps.models import DeclarationStatus, StepAccessLog, StepDeclaration
from privacy.steps.services import trips
from privacy.steps.services.classify import MIXED, PRIVATE, PRO, PrivacyCalendar
from privacy.steps.services.fetch import FetchResult, Period, Place, RawStep
from privacy.steps.services.wave import DriverWeek

from .test_classify import EVENINGS_WEEKENDS

pytestmark = pytest.mark.django_db
MON, TUE = date(2026, 1, 5), date(2026, 1, 6)
NOWHERE = Place("", "", "", "", None, None)
CALENDAR = PrivacyCalendar(entries=EVENINGS_WEEKENDS, periods=())


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hh - 1, minutes=mm)  # UTC+1


def raw(step_id, day, hh, minutes=30, vehicle_id=5001, matricule="M1") -> RawStep:
    start = at(day, hh)
    return RawStep(vehicle_id=vehicle_id, step_id=step_id, start=start, end=start + timedelta(minutes=minutes),
                   distance_m=1000, duration_s=minutes * 60, driver_matricule=matricule, start_place=NOWHERE,
                   end_place=NOWHERE)


@pytest.fixture
def fleet(customer):
    def driver(ocean_id, matricule, entity_id):
        return FleetDriver(customer_id=customer.pk, ocean_id=ocean_id, nom=f"N{ocean_id}", prenom="",
                           matricule=matricule, email="", entity_id=entity_id, entity_name="", vehicle_id=None,
                           vehicle_plate="", numero_embarque=None)

    def vehicle(vid, plate, number, entity_id):
        return FleetVehicle(id=vid, plate=plate, numero_embarque=number, privacy_enabled=True, label="",
                            motorisation="", entity_id=entity_id, entity_name="", driver_id=None)

    base = driver(7001, "M1", 122)
    jean = FleetDriver(**{**{f: getattr(base, f) for f in FleetDriver.__slots__}, "vehicle_id": 5001})
    return Fleet(drivers={7001: jean, 7002: driver(7002, "M2", 121), 1: driver(1, "", 122)},
                 vehicles={5001: vehicle(5001, "ZZ-999-ZZ", 2, 122), 5002: vehicle(5002, "AA-111-AA", 3, 121),
                           5003: vehicle(5003, "MM-555-MM", None, 122)})


class Scripted:
    """Stands in for the Ocean reads of trips.py and counts them."""

    def __init__(self, monkeypatch, fleet, *, raws=(), failed=(), fiche=None, periods=(), calendars=None,
                 customer=None):
        self.calls, self.customer = [], customer
        self.calendars = calendars if calendars is not None else {}
        monkeypatch.setattr(trips, "fleet_get", lambda customer: self.mine(customer) and fleet)
        monkeypatch.setattr(trips, "driver_week", self.week(list(raws), set(failed)))
        monkeypatch.setattr(trips, "fiche_days", self.record("fiche", fiche))
        monkeypatch.setattr(trips, "vehicle_periods", self.record("periods", list(periods)))
        monkeypatch.setattr(trips, "privacy_calendar", self.calendar)

    def mine(self, customer) -> bool:
        """Every read is for the page's customer."""
        assert customer is not None and customer.pk is not None
        assert self.customer is None or customer is self.customer
        return True

    def record(self, name, answer):
        def read(customer, *args, **kwargs):
            self.mine(customer)
            self.calls.append((name, args, kwargs))
            return answer

        return read

    def week(self, raws, failed):
        def read(customer, **kwargs):
            self.mine(customer)
            self.calls.append(("week", (), kwargs))
            return DriverWeek(raws=raws, failed=failed, calendar=self.calendars.get(kwargs["driver_id"], CALENDAR))

        return read

    def calendar(self, customer, driver_id, first, last):
        self.mine(customer)
        self.calls.append(("calendar", driver_id, first, last))
        return self.calendars.get(driver_id, CALENDAR)


def manager(customer, entities=()):
    return User(username="m", role=Role.MANAGER, customer=customer, entity_ids=list(entities))


def kinds(page):
    return [[(r.step_id, r.schedule.kind) for r in g.rows] for g in page.days]


def test_the_driver_page(customer, fleet, monkeypatch):
    steps = [raw(1, MON, 10), raw(2, MON, 7, minutes=120), raw(3, TUE, 20, vehicle_id=9999)]
    script = Scripted(monkeypatch, fleet, raws=steps, failed={(5001, TUE), (5002, TUE)})
    mine = StepDeclaration.objects.create(
        customer=customer, code_exploitant=customer.code_exploitant, numero_embarque=2, step_id=1, driver_id=7001,
        vehicle_id=5001, started_at=steps[0].start, ended_at=steps[0].end, private=True,
        status=DeclarationStatus.SENT, requested_by_label="x", requested_at=steps[0].start)
    StepDeclaration.objects.create(  # the same numbers under another operator code: not ours
        customer=customer, code_exploitant="other", numero_embarque=2, step_id=2, driver_id=7001, vehicle_id=5001,
        started_at=steps[1].start, ended_at=steps[1].end, private=True, status=DeclarationStatus.SENT,
        requested_by_label="x", requested_at=steps[1].start)
    with time_machine.travel(datetime(2026, 1, 7, tzinfo=UTC), tick=False):
        page = trips.driver_steps_page(viewer=manager(customer), customer=customer, driver=fleet.drivers[7001],
                                       first=MON, last=TUE)
    assert (page.first, page.last, page.failed_days, page.schedule_unavailable) == (MON, TUE, [TUE], False)
    assert kinds(page) == [[(1, PRO), (2, MIXED)], [(3, PRIVATE)]]
    one, two, three = (r for g in page.days for r in g.rows)
    assert one.declaration.private is True and one.declaration.status == mine.status and one.masked
    assert two.declaration is None and two.masked and two.can_declare
    assert three.vehicle_label == "9999" and not three.can_declare
    assert script.calls == [("week", (), {"driver_id": 7001, "matricule": "M1", "first": MON, "last": TUE,
                                          "vehicle_hint": 5001})]
    assert {r.driver_label for g in page.days for r in g.rows} == {"N7001"}
    for entities, allowed in (([122], [True, True]), ([121], [False, False])):  # the driver's entity decides
        scoped = trips.driver_steps_page(viewer=manager(customer, entities), customer=customer,
                                         driver=fleet.drivers[7001], first=MON, last=TUE)
        assert [r.can_declare for r in scoped.days[0].rows] == allowed


def test_a_driver_page_without_trips_never_says_the_schedule_is_missing(customer, fleet, monkeypatch):
    Scripted(monkeypatch, fleet, calendars={7001: None})
    page = trips.driver_steps_page(viewer=manager(customer), customer=customer, driver=fleet.drivers[7001],
                                   first=MON, last=MON)
    assert page.count == 0 and not page.schedule_unavailable


def test_a_driver_page_whose_calendar_cannot_be_read_is_unknown_and_says_so(customer, fleet, monkeypatch):
    Scripted(monkeypatch, fleet, raws=[raw(1, MON, 10)], calendars={7001: None})
    page = trips.driver_steps_page(viewer=manager(customer), customer=customer, driver=fleet.drivers[7001],
                                   first=MON, last=MON)
    assert page.schedule_unavailable and kinds(page) == [[(1, "unknown")]] and page.days[0].rows[0].masked


def test_the_vehicle_page_names_each_trips_driver(customer, fleet, monkeypatch):
    steps = (raw(4, MON, 19, vehicle_id=5003, matricule=""), raw(1, MON, 10, vehicle_id=5003),
             raw(2, MON, 12, vehicle_id=5003, matricule="M2"), raw(3, MON, 14, vehicle_id=5003, matricule="M9"),
             raw(5, MON, 6, vehicle_id=5003, matricule=""))
    fiche = FetchResult(steps={(5003, MON): steps}, failed={(5003, TUE)})
    periods = [(7002, Period(5003, at(MON, 0), at(MON, 18))), (7001, Period(5003, at(MON, 18), None))]
    script = Scripted(monkeypatch, fleet, fiche=fiche, periods=periods, calendars={7002: None})
    page = trips.vehicle_steps_page(viewer=manager(customer), customer=customer, vehicle=fleet.vehicles[5003],
                                    first=MON, last=TUE)
    rows = [r for g in page.days for r in g.rows]
    assert [(r.step_id, r.driver_id) for r in rows] == [(5, 7002), (1, 7001), (2, 7002), (3, None), (4, 7001)]
    assert [r.driver_label for r in rows] == ["N7002", "N7001", "N7002", "", "N7001"]  # badge or assignment
    assert [r.schedule.kind for r in rows] == ["unknown", PRO, "unknown", PRO, PRIVATE]
    assert rows[3].driver_label == "" and not rows[3].can_declare  # nobody's hours for an unknown badge
    assert (page.failed_days, page.schedule_unavailable) == ([TUE], True)
    assert script.calls[0] == ("fiche", ([(5003, MON), (5003, TUE)],), {})
    calendars = [c for c in script.calls if c[0] == "calendar"]
    assert calendars == [("calendar", 7002, MON, TUE), ("calendar", 7001, MON, TUE)]  # once per driver
    assert ("periods", (5003,), {}) in script.calls


def test_the_vehicle_page_reads_no_assignments_when_every_trip_has_a_badge(customer, fleet, monkeypatch):
    fiche = FetchResult(steps={(5001, MON): (raw(1, MON, 10),)}, failed=set())
    script = Scripted(monkeypatch, fleet, fiche=fiche)
    StepDeclaration.objects.create(
        customer=customer, code_exploitant=customer.code_exploitant, numero_embarque=2, step_id=1, driver_id=7001,
        vehicle_id=5001, started_at=at(MON, 10), ended_at=at(MON, 11), private=False,
        status=DeclarationStatus.CONFIRMED, requested_by_label="x", requested_at=at(MON, 11))
    page = trips.vehicle_steps_page(viewer=manager(customer), customer=customer, vehicle=fleet.vehicles[5001],
                                    first=MON, last=MON)
    (row,) = page.days[0].rows
    assert row.declaration.private is False and not page.schedule_unavailable
    assert [c[0] for c in script.calls] == ["fiche", "calendar"]


def test_vehicles_visible_to_a_manager_sorted_by_plate(customer, fleet, monkeypatch):
    Scripted(monkeypatch, fleet)
    assert [v.id for v in trips.fleet_vehicles_visible(manager(customer), customer)] == [5002, 5003, 5001]
    assert [v.id for v in trips.fleet_vehicles_visible(manager(customer, [122]), customer)] == [5003, 5001]


def test_find_driver_step(customer, fleet, monkeypatch):
    Scripted(monkeypatch, fleet, raws=[raw(1, MON, 10), raw(2, MON, 12, vehicle_id=5002)])
    kw = dict(viewer=manager(customer), customer=customer, driver=fleet.drivers[7001], day=MON)
    assert trips.find_driver_step(**kw, vehicle_id=5002, step_id=2).step_id == 2
    assert trips.find_driver_step(**kw, vehicle_id=5001, step_id=2) is None
    assert trips.find_driver_step(**kw, vehicle_id=5002, step_id=1) is None


def test_access_log_record(customer, manager):
    trips.access_log_record(viewer=manager, customer=customer, view="driver", first=MON, last=TUE, driver_id=7001)
    trips.access_log_record(viewer=manager, customer=customer, view="vehicle", first=MON, last=MON, vehicle_id=5001)
    logs = [(e.user, e.user_label, e.customer, e.view, e.driver_id, e.vehicle_id, e.first_day, e.last_day)
            for e in StepAccessLog.objects.order_by("pk")]
    assert logs == [(manager, "manager", customer, "driver", 7001, None, MON, TUE),
                    (manager, "manager", customer, "vehicle", None, 5001, MON, MON)]


def test_the_vehicle_page_reads_the_grid_in_the_customer_zone(customer, fleet, monkeypatch):
    customer.time_zone = "America/Cayenne"
    step = RawStep(vehicle_id=5001, step_id=1, start=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),  # 07:00 there
                   end=datetime(2026, 1, 5, 10, 30, tzinfo=UTC), distance_m=1, duration_s=1800, driver_matricule="M1",
                   start_place=NOWHERE, end_place=NOWHERE)
    Scripted(monkeypatch, fleet, fiche=FetchResult(steps={(5001, MON): (step,)}, failed=set()), customer=customer)
    page = trips.vehicle_steps_page(viewer=manager(customer), customer=customer, vehicle=fleet.vehicles[5001],
                                    first=MON, last=MON)
    assert [(r.schedule.kind, r.schedule.private_minutes) for r in page.days[0].rows] == [(PRIVATE, 30)]
