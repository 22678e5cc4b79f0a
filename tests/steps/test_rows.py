"""Step rows without the simulator: deadlines, who may declare, what is masked, and the row's figures.

Rows are built by ``trips._row`` from plain objects (nothing stored): a test names every input, and the
expected values come from the rules (rules-fr §A4, §C3), not from the implementation's formulas.
"""
from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from privacy.models import Customer, Role, User
from privacy.services.fleet import Fleet, FleetDriver, FleetVehicle
from privacy.steps.models import DeclarationStatus, StepDeclaration
from privacy.steps.services.classify import MIXED, PRIVATE, PRO, UNKNOWN, ScheduleClass
from privacy.steps.services.fetch import Place, RawStep
from privacy.steps.services.masking import places_hidden
from privacy.steps.services.trips import (
    DayGroup,
    MaskedStepRow,
    StepFacts,
    StepRow,
    _page,
    _row,
    deadline_for,
)

pytestmark = pytest.mark.django_db  # a declaration's history is read from the database
PARIS = ZoneInfo("Europe/Paris")
ACME = Customer(pk=1, name="Acme", time_zone="Europe/Paris", declaration_deadline_days=7, code_exploitant="11")
HOME = Place("3 rue des Lilas", "75020", "Paris", "Maison", 48.87, 2.39)
SHOP = Place("1 avenue du Marché", "93200", "Saint-Denis", "", 48.93, 2.35)
JEAN = FleetDriver(customer_id=1, ocean_id=7001, nom="Dupont", prenom="Jean", matricule="M1", email="",
                   entity_id=122, entity_name="Paris", vehicle_id=5001, vehicle_plate="AB-123-CD", numero_embarque=2)
CAR = FleetVehicle(id=5001, plate="AB-123-CD", numero_embarque=2, privacy_enabled=True, label="Megane",
                   motorisation="", entity_id=122, entity_name="Paris", driver_id=7001)
NO_NUMBER = FleetVehicle(id=5002, plate="EF-456-GH", numero_embarque=None, privacy_enabled=True, label="",
                         motorisation="", entity_id=122, entity_name="Paris", driver_id=7001)
FLEET = Fleet(drivers={7001: JEAN}, vehicles={5001: CAR, 5002: NO_NUMBER})
# Monday 5 January 2026, 17:30 to 18:15 in Paris
RAW = RawStep(vehicle_id=5001, step_id=77, start=datetime(2026, 1, 5, 16, 30, tzinfo=UTC),
              end=datetime(2026, 1, 5, 17, 15, tzinfo=UTC), distance_m=12_345, duration_s=2_700,
              driver_matricule="M1", start_place=HOME, end_place=SHOP)
DEADLINE = datetime(2026, 1, 12, 23, 59, 59, tzinfo=PARIS)
BEFORE, AFTER = datetime(2026, 1, 6, 9, tzinfo=UTC), datetime(2026, 1, 13, 9, tzinfo=UTC)


def person(role="", customer=ACME, ocean=None, staff=False) -> User:
    return User(username=role or "staff", role=role, customer=customer, ocean_individu_id=ocean, is_staff=staff)


OWNER = person(Role.DRIVER, ocean=7001)
MANAGER = person(Role.MANAGER)
OTHERS = {"manager": MANAGER, "hr": person(Role.HR), "admin": person(customer=None, staff=True),
          "another driver": person(Role.DRIVER, ocean=7002)}


def declaration(private=True, status=DeclarationStatus.CONFIRMED, confirmed_private=None, **kw) -> StepDeclaration:
    """A declaration with no history line (its events are read, and there are none)."""
    return StepDeclaration(pk=999_999, private=private, status=status, confirmed_private=confirmed_private,
                           on_behalf=False, reason="", rejection_reason="", upstream_answer="", **kw)


PRO_45 = ScheduleClass(PRO, 0, 45)


def row(viewer=OWNER, raw=RAW, schedule=PRO_45, decl=None, driver=JEAN, driver_id=7001,
        customer=ACME, now=BEFORE):
    with time_machine.travel(now, tick=False):
        return _row(viewer=viewer, customer=customer, fleet=FLEET, raw=raw, driver=driver, driver_id=driver_id,
                    schedule=schedule, declaration=decl)


# -- deadline -------------------------------------------------------------------------------------
def test_the_deadline_is_the_end_of_the_local_day_n_days_after_the_end():
    assert deadline_for(ACME, RAW.end) == DEADLINE
    late = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)  # already Tuesday 00:30 in Paris
    assert deadline_for(ACME, late) == datetime(2026, 1, 13, 23, 59, 59, tzinfo=PARIS)
    one_day = Customer(pk=2, time_zone="America/Cayenne", declaration_deadline_days=1)
    assert deadline_for(one_day, late) == datetime(2026, 1, 6, 23, 59, 59, tzinfo=ZoneInfo("America/Cayenne"))


def test_the_owner_may_declare_until_the_last_second_of_the_deadline():
    assert row(now=DEADLINE).can_declare and not row(now=DEADLINE).deadline_passed
    late = row(now=DEADLINE + timedelta(seconds=1))
    assert late.deadline_passed and not late.can_declare
    assert late.deadline == DEADLINE


def test_a_manager_may_declare_after_the_deadline():
    assert row(MANAGER, now=AFTER).can_declare and row(MANAGER, now=AFTER).deadline_passed


@pytest.mark.parametrize("who", ["hr", "admin", "another driver"])
def test_others_may_not_declare(who):
    expected = who == "admin"  # an administrator may change any driver's data
    assert row(OTHERS[who]).can_declare is expected


# -- a step nobody can declare ----------------------------------------------------------------------
def test_a_trip_without_a_vehicle_number_is_not_declarable():
    raw = RawStep(**{**{f.name: getattr(RAW, f.name) for f in fields(RawStep)}, "vehicle_id": 5002})
    for viewer in (OWNER, MANAGER):
        r = row(viewer, raw=raw)
        assert not r.can_declare and r.numero_embarque is None and r.vehicle_label == "EF-456-GH"


def test_a_trip_of_an_unknown_vehicle_or_without_a_driver_is_not_declarable():
    raw = RawStep(**{**{f.name: getattr(RAW, f.name) for f in fields(RawStep)}, "vehicle_id": 9999})
    unknown = row(MANAGER, raw=raw)
    assert (unknown.can_declare, unknown.vehicle_label, unknown.numero_embarque) == (False, "9999", None)
    nobody = row(MANAGER, driver=None, driver_id=None)
    assert (nobody.can_declare, nobody.driver_id, nobody.driver_label) == (False, None, "")


# -- masking ----------------------------------------------------------------------------------------
def place_free(r) -> bool:
    """No field of the row is, or holds, a place."""
    return isinstance(r, MaskedStepRow) and r.masked and not any(
        isinstance(getattr(r, f.name), Place) for f in fields(r)) and not hasattr(r, "start_place")


def test_a_masked_row_has_every_fact_and_no_place_field():
    assert {f.name for f in fields(MaskedStepRow)} == {f.name for f in fields(StepFacts)}
    assert {f.name for f in fields(StepRow)} == {f.name for f in fields(StepFacts)} | {"start_place", "end_place"}
    decl = declaration(private=True)
    r = row(MANAGER, schedule=ScheduleClass(PRIVATE, 45, 0), decl=decl)
    assert place_free(r)
    assert (r.vehicle_id, r.vehicle_label, r.numero_embarque, r.step_id, r.driver_id, r.driver_label) == (
        5001, "AB-123-CD", 2, 77, 7001, "Jean Dupont")
    assert (r.start.isoformat(), r.end.isoformat()) == ("2026-01-05T17:30:00+01:00", "2026-01-05T18:15:00+01:00")
    assert (r.distance_m, r.duration_s, r.schedule) == (12_345, 2_700, ScheduleClass(PRIVATE, 45, 0))
    assert (r.declaration.private, r.declaration.status, r.deadline, r.deadline_passed, r.can_declare) == (
        True, "confirmed", DEADLINE, False, True)


def test_the_owner_sees_the_places_of_every_own_trip():
    for kind in (PRIVATE, MIXED, UNKNOWN, PRO):
        r = row(OWNER, schedule=ScheduleClass(kind), decl=declaration(private=True))
        assert isinstance(r, StepRow) and not r.masked and (r.start_place, r.end_place) == (HOME, SHOP)


@pytest.mark.parametrize("who", ["manager", "hr", "admin", "another driver"])
@pytest.mark.parametrize(
    ("kind", "decl", "masked"),
    [
        (PRO, None, False),
        (PRIVATE, None, True),
        (MIXED, None, True),
        (UNKNOWN, None, True),  # Ocean could not tell: privacy first
        (PRO, declaration(private=True, status=DeclarationStatus.PENDING), True),  # asked, not yet approved
        (PRO, declaration(private=True, status=DeclarationStatus.REJECTED), True),  # refused: still hidden
        (PRO, declaration(private=False, status=DeclarationStatus.PENDING, confirmed_private=True), True),
        (PRO, declaration(private=False, confirmed_private=False), False),  # never private
        (PRIVATE, declaration(private=False, confirmed_private=False), True),  # private hours stay hidden
    ],
)
def test_what_other_people_see(who, kind, decl, masked):
    r = row(OTHERS[who], schedule=ScheduleClass(kind), decl=decl)
    if masked:
        assert place_free(r)
    else:
        assert isinstance(r, StepRow) and (r.start_place, r.end_place) == (HOME, SHOP)


def test_a_step_without_a_driver_is_masked_unless_pro():
    assert place_free(row(MANAGER, driver=None, driver_id=None, schedule=ScheduleClass(UNKNOWN)))
    assert isinstance(row(MANAGER, driver=None, driver_id=None, schedule=ScheduleClass(PRO)), StepRow)


STATUSES = list(DeclarationStatus)
histories = st.one_of(st.none(), st.tuples(st.booleans(), st.sampled_from(STATUSES), st.sampled_from([None, False,
                                                                                                       True])))
kinds = st.sampled_from([PRO, MIXED, PRIVATE, UNKNOWN])


def masked_for_manager(kind, history) -> bool:
    decl = None if history is None else declaration(private=history[0], status=history[1],
                                                    confirmed_private=history[2])
    return row(MANAGER, schedule=ScheduleClass(kind), decl=decl).masked


@given(kinds, histories, st.sampled_from(["schedule", "choice", "ocean"]))
def test_masking_is_monotone_in_history(kind, history, what):
    """More private history (private hours, a private choice, Ocean holding it private) never reveals."""
    before = masked_for_manager(kind, history)
    private, status, confirmed = history or (False, DeclarationStatus.PENDING, None)
    if what == "schedule":
        after = masked_for_manager(PRIVATE, history)
    elif what == "choice":
        after = masked_for_manager(kind, (True, status, confirmed))
    else:
        after = masked_for_manager(kind, (private, status, True))
    assert after or not before
    assert before == (kind != PRO or (history is not None and (history[0] or history[2] is True)))


# -- the row's figures --------------------------------------------------------------------------------
def facts(**kw) -> StepFacts:
    base = dict(vehicle_id=5001, vehicle_label="", numero_embarque=2, step_id=9, driver_id=7001, driver_label="",
                start=datetime(2026, 1, 5, 23, 30, tzinfo=PARIS), end=datetime(2026, 1, 6, 0, 30, tzinfo=PARIS),
                distance_m=12_340, duration_s=3_600, schedule=ScheduleClass(MIXED, 15, 45), declaration=None,
                deadline=DEADLINE, deadline_passed=False, can_declare=True, reason_private=False, reason_pro=False)
    return MaskedStepRow(**{**base, **kw})


def view(private, status, confirmed=None):
    return row(OWNER, decl=declaration(private=private, status=status, confirmed_private=confirmed)).declaration


def test_day_id_distance_and_duration():
    f = facts()
    assert (f.day, f.dom_id, f.distance_km) == (date(2026, 1, 5), "step-5001-9", 12.3)
    assert [facts(duration_s=s).duration_label for s in (0, 1_740, 3_540, 3_600, 7_500, 36_000)] == [
        "0 min", "29 min", "59 min", "1 h 00", "2 h 05", "10 h 00"]


@pytest.mark.parametrize(
    ("kind", "decl", "private", "private_m"),
    [
        (PRIVATE, None, True, 12_340),
        (PRO, None, False, 0),
        (MIXED, None, None, 3_085),  # 15 of 60 minutes private: a quarter of the distance
        (UNKNOWN, None, None, 0),
        (PRO, ("yes", DeclarationStatus.PENDING), True, 12_340),  # a live choice counts
        (PRO, ("yes", DeclarationStatus.SENT), True, 12_340),
        (PRIVATE, ("no", DeclarationStatus.CONFIRMED), False, 0),
        (PRO, ("yes", DeclarationStatus.REJECTED), False, 0),  # a rejected choice does not
        (PRO, ("yes", DeclarationStatus.FAILED, True), True, 12_340),  # ... but what Ocean holds does
        (MIXED, ("yes", DeclarationStatus.FAILED), None, 3_085),
    ],
)
def test_effective_class_and_private_distance(kind, decl, private, private_m):
    declared = None if decl is None else view(decl[0] == "yes", decl[1], *decl[2:])
    f = facts(schedule=ScheduleClass(kind, *((15, 45) if kind == MIXED else (0, 0))), declaration=declared)
    assert f.effective_private is private and f.private_distance_m == private_m


def test_places_hidden_without_history():
    assert places_hidden(ScheduleClass(MIXED), None) and places_hidden(ScheduleClass(UNKNOWN), None)
    assert not places_hidden(ScheduleClass(PRO), None)
    assert places_hidden(ScheduleClass(PRO), declaration(private=True, status=DeclarationStatus.REJECTED))
    assert places_hidden(ScheduleClass(PRO), declaration(private=False, confirmed_private=True))
    assert not places_hidden(ScheduleClass(PRO), declaration(private=False, confirmed_private=None))


def test_day_groups_and_the_page():
    rows = [facts(distance_m=1_000, schedule=ScheduleClass(PRIVATE)),
            facts(distance_m=2_340, schedule=ScheduleClass(PRO))]
    group = DayGroup(date(2026, 1, 5), rows)
    assert (group.distance_km, group.private_km) == (3.3, 1.0)
    outside = facts(start=datetime(2026, 1, 9, 10, tzinfo=PARIS))
    page = _page(date(2026, 1, 4), date(2026, 1, 6), [*rows, outside],
                 {(5001, date(2026, 1, 6)), (5002, date(2026, 1, 6)), (5001, date(2026, 1, 4))}, True)
    assert [d.day for d in page.days] == [date(2026, 1, 4), date(2026, 1, 5), date(2026, 1, 6)]
    assert [len(d.rows) for d in page.days] == [0, 2, 0] and page.count == 2
    assert page.failed_days == [date(2026, 1, 4), date(2026, 1, 6)] and page.schedule_unavailable


@pytest.mark.parametrize(
    ("decl", "declared", "withdraw"),
    [
        (None, None, False),
        ((True, DeclarationStatus.PENDING, None), True, True),  # waiting for a manager: nothing sent yet
        ((False, DeclarationStatus.PENDING, True), False, False),  # Ocean already holds a value
        ((True, DeclarationStatus.SENT, None), True, False),  # on its way to Ocean
        ((True, DeclarationStatus.CONFIRMED, True), True, False),
        ((True, DeclarationStatus.REJECTED, None), None, True),  # rejected: not declared
        ((True, DeclarationStatus.REJECTED, False), False, False),  # rejected, Ocean holds pro
        ((False, DeclarationStatus.FAILED, None), None, True),
    ],
)
def test_what_the_toggle_shows_and_whether_the_choice_can_be_withdrawn(decl, declared, withdraw):
    declared_view = None if decl is None else view(*decl)
    f = facts(schedule=ScheduleClass(PRIVATE), declaration=declared_view)
    assert f.declared_private is declared and f.can_withdraw is withdraw


def test_a_declaration_is_shown_with_every_field():
    decl = declaration(private=True, status=DeclarationStatus.FAILED, confirmed_private=False)
    decl.on_behalf, decl.reason, decl.rejection_reason, decl.upstream_answer = True, "oubli", "non", "refused"
    decl.requested_by_label, decl.requested_at = "jean", datetime(2026, 1, 6, 8, tzinfo=UTC)
    decl.decided_by_label, decl.decided_at = "marie", datetime(2026, 1, 6, 9, tzinfo=UTC)
    with translation.override("en"):
        shown = row(MANAGER, decl=decl).declaration
        assert (shown.private, shown.status, shown.status_label, shown.on_behalf, shown.reason,
                shown.rejection_reason, shown.answer, shown.confirmed_private) == (
            True, "failed", "Refused by Ocean", True, "oubli", "non", "refused", False)
        assert (shown.requested_by, shown.requested_at, shown.decided_by, shown.decided_at, shown.history) == (
            "jean", datetime(2026, 1, 6, 8, tzinfo=UTC), "marie", datetime(2026, 1, 6, 9, tzinfo=UTC), ())


@pytest.mark.parametrize(("private_reason", "pro_reason"), [(True, False), (False, True)])
def test_a_row_says_which_choice_needs_a_reason(private_reason, pro_reason):
    customer = Customer(pk=1, name="Acme", time_zone="Europe/Paris", declaration_deadline_days=7,
                        code_exploitant="11", to_private_reason=private_reason, to_pro_reason=pro_reason)
    r = row(OWNER, customer=customer)
    assert (r.reason_private, r.reason_pro) == (private_reason, pro_reason)


def test_private_distance_in_km_to_one_decimal():
    assert facts(distance_m=1_051, schedule=ScheduleClass(PRIVATE)).private_distance_km == 1.1
    assert facts(distance_m=1_040, schedule=ScheduleClass(PRIVATE)).private_distance_km == 1.0
    assert facts(distance_m=1_050, schedule=ScheduleClass(PRO)).private_distance_km == 0.0
