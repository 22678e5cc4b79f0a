"""The masking rule is decided by a trip's whole history (docs/rules-fr.md "Masking rule (CNIL)").

A property test replays random sequences of driver, manager and Océan events on one trip and reads every
page a manager, HR or an administrator can reach about it — the trips pages, the htmx row, the
declarations queue and history, the audit export, the error message of a refused declaration — and the
HR export: once anyone had the trip private, its places appear nowhere unless the driver's own later
"pro" is the last word (and the schedule never made it private). Examples pin the findings of issue 14.
"""
from __future__ import annotations

import re
from unittest import mock

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import example, given
from hypothesis import strategies as st

from privacy.models import DeclarationPolicy
from privacy.ocean import OceanRejected, OceanUnavailable
from privacy.steps.models import DeclarationStatus, StepDeclaration
from privacy.steps.services.send import SendLater, declaration_send

from .conftest import declare_url, find_row, on_behalf_url
from .test_masking import place_texts

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
EVENTS = st.sampled_from([
    ("driver", True), ("driver", False), ("manager", True), ("manager", False),
    ("approve", None), ("reject", None), ("ocean", "ok"), ("ocean", "down"), ("ocean", "refused"),
])


class FakeOcean:
    """Océan's answer to a declaration: accepted, unavailable or refused."""

    def __init__(self, outcome: str):
        self.outcome = outcome

    def declare_step(self, **_kwargs):
        if self.outcome == "down":
            raise OceanUnavailable("Ocean down")
        if self.outcome == "refused":
            raise OceanRejected(400, "refused")
        return True


def _apply(event, *, row, clients, customer) -> None:
    who, value = event
    day = row.day.isoformat()
    if who == "driver":
        clients["driver"].post(declare_url(row), {"day": day, "private": str(value).lower()}, headers=HTMX)
    elif who == "manager":
        clients["manager"].post(on_behalf_url(row), {"day": day, "private": str(value).lower(),
                                                     "reason": "Mission"}, headers=HTMX)
    elif who in ("approve", "reject"):
        ids = list(StepDeclaration.objects.filter(status=DeclarationStatus.PENDING).values_list("pk", flat=True))
        clients["manager"].post("/declarations/decide/", {"action": who, "ids": ids, "reason": "Non"})
    else:
        with mock.patch("privacy.steps.services.send.ocean_client", return_value=FakeOcean(value)):
            for pk in StepDeclaration.objects.filter(status=DeclarationStatus.SENT).values_list("pk", flat=True):
                try:
                    declaration_send(pk)
                except SendLater:
                    pass


def _pages_seen_by_others(row, clients, customer) -> dict[str, str]:
    """Every page about the trip that someone other than its driver can open."""
    day = row.day.isoformat()
    manager, hr, admin = clients["manager"], clients["hr"], clients["admin"]
    refused = manager.post(on_behalf_url(row), {"day": day, "private": "false", "reason": ""}, headers=HTMX)
    return {
        "driver trips": manager.get(f"/drivers/{row.driver_id}/trips/", {"day": day}).content.decode(),
        "vehicle trips (htmx)": manager.get(f"/vehicles/{row.vehicle_id}/trips/", {"day": day},
                                            headers=HTMX).content.decode(),
        "row partial": manager.get(f"/drivers/{row.driver_id}/trips/{row.vehicle_id}/{row.step_id}/row/",
                                   {"day": day}, headers=HTMX).content.decode(),
        "admin driver trips": admin.get(f"/drivers/{row.driver_id}/trips/",
                                        {"day": day, "customer": customer.pk}).content.decode(),
        "declarations queue": manager.get("/declarations/").content.decode(),
        "declaration history": manager.get("/declarations/history/").content.decode(),
        "refused declaration message": refused.content.decode(),
        "audit export": b"".join(admin.get("/audit/export/").streaming_content).decode(),
        "HR export": hr.get("/reports/export/", {"format": "csv"}).content.decode(errors="replace"),
    }


ROW_PAGES = ("driver trips", "vehicle trips (htmx)", "admin driver trips")


def _only_the_row(html: str, row) -> str:
    """On a page listing a day's trips, the trip's own <tr> (its neighbours share its places)."""
    found = re.search(rf'<tr id="{row.dom_id}".*?</tr>', html, re.DOTALL)
    assert found, f"the page lists the trip {row.dom_id}"
    return found.group(0)


def _leaks(row, clients, customer, texts) -> list[str]:
    pages = _pages_seen_by_others(row, clients, customer)
    for name in ROW_PAGES:
        pages[name] = _only_the_row(pages[name], row)
    return [f"{page}: {t}" for page, html in pages.items() for t in texts if t in html]


@pytest.fixture
def trip(sim, customer, driver):
    row = find_row(customer, driver, kind="pro")
    texts = place_texts(customer, row)
    assert texts, "the simulator gives trips places"
    return row, texts


@pytest.fixture
def clients(login, driver, manager, hr, admin_user):
    return {"driver": login(driver), "manager": login(manager), "hr": login(hr), "admin": login(admin_user)}


@given(events=st.lists(EVENTS, max_size=6), approval=st.booleans())
# The audit's findings always run, whatever the profile draws.
@example(events=[("driver", True), ("manager", False)], approval=False)
@example(events=[("driver", True), ("ocean", "ok"), ("manager", False), ("ocean", "ok")], approval=False)
@example(events=[("driver", True), ("driver", False)], approval=True)
@example(events=[("driver", True), ("reject", None), ("manager", False)], approval=True)
@example(events=[("manager", True), ("ocean", "ok"), ("manager", False), ("ocean", "ok")], approval=False)
def test_once_private_the_places_never_reach_anyone_but_the_driver(trip, clients, customer, events, approval):
    row, texts = trip
    # Rolled back per example: the audit intent cannot be committed first, which is allowed here only.
    with override_settings(AUDIT_INTENT_IN_TRANSACTION_OK=True), transaction.atomic():
        customer.declaration_policy = DeclarationPolicy.APPROVAL if approval else DeclarationPolicy.DIRECT
        customer.save()
        for event in events:
            _apply(event, row=row, clients=clients, customer=customer)
        leaks = _leaks(row, clients, customer, texts)
        transaction.set_rollback(True)
    choices = [e for e in events if e[0] in ("driver", "manager")]
    ever_private = any(value for _who, value in choices)
    released_by_driver = bool(choices) and choices[-1] == ("driver", False)
    if ever_private and not released_by_driver:
        assert not leaks, f"after {events} (approval={approval}) places leaked: {leaks}"
    if not ever_private:
        assert leaks, f"after {events}: a trip nobody ever had private shows its places"


def _events(row, clients, customer, *events):
    for event in events:
        _apply(event, row=row, clients=clients, customer=customer)


def test_a_managers_pro_override_never_reveals_a_drivers_private_trip(trip, clients, customer):
    row, texts = trip
    _events(row, clients, customer, ("driver", True), ("ocean", "ok"), ("manager", False), ("ocean", "ok"))
    assert StepDeclaration.objects.get().confirmed_private is False
    assert not _leaks(row, clients, customer, texts)


def test_a_driver_withdrawing_a_pending_private_request_does_not_reveal_it(trip, clients, customer):
    row, texts = trip
    customer.declaration_policy = DeclarationPolicy.APPROVAL
    customer.save()
    _events(row, clients, customer, ("driver", True), ("driver", False))
    assert not _leaks(row, clients, customer, texts)


def test_a_refused_private_request_keeps_the_trip_masked(trip, clients, customer):
    row, texts = trip
    customer.declaration_policy = DeclarationPolicy.APPROVAL
    customer.save()
    _events(row, clients, customer, ("driver", True), ("reject", None))
    assert StepDeclaration.objects.get().status == DeclarationStatus.REJECTED
    assert not _leaks(row, clients, customer, texts)


def test_the_drivers_own_confirmed_pro_reveals_a_trip_the_schedule_made_pro(trip, clients, customer):
    row, texts = trip
    _events(row, clients, customer, ("driver", True), ("ocean", "ok"), ("driver", False), ("ocean", "ok"))
    assert _leaks(row, clients, customer, texts), "the driver's own pro is the one way back"


def test_the_drivers_pro_that_ocean_refused_keeps_the_trip_masked(trip, clients, customer):
    row, texts = trip
    _events(row, clients, customer, ("driver", True), ("ocean", "ok"), ("driver", False), ("ocean", "refused"))
    assert not _leaks(row, clients, customer, texts)


def test_a_trip_private_by_schedule_stays_masked_after_the_drivers_pro(sim, customer, driver, clients):
    row = find_row(customer, driver, kind="private", days=range(1, 30))
    texts = place_texts(customer, row)
    _events(row, clients, customer, ("driver", False), ("ocean", "ok"))
    assert not _leaks(row, clients, customer, texts)
