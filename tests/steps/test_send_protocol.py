"""The declaration sender against a scripted Ocean (no simulator): every outcome, its history line,
its audit entry, the lock, and the rounds when the choice changes during a send."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db.models import F

from privacy.models import AuditEntry, Lease
from privacy.ocean import OceanAuthError, OceanRejected, OceanUnavailable
from privacy.services.leases import lease_take
from privacy.steps.models import DeclarationEvent, DeclarationStatus, StepDeclaration
from privacy.steps.services import send
from privacy.steps.services.send import SendLater, declaration_send, declarations_waiting

from .scripted import NOW, change_to, history, install, stored

pytestmark = pytest.mark.django_db
Kind = DeclarationEvent.Kind


@pytest.fixture
def ocean(monkeypatch):
    return lambda *outcomes: install(monkeypatch, *outcomes)


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def test_accepted_confirms_with_history_and_audit(customer, ocean, pinned):
    fake = ocean()
    d = stored(customer)
    assert declaration_send(d.pk) == "confirmed"
    assert fake.sent == [{"code_exploitant": "1110000001", "numero_embarque": 2, "step_id": 77, "private": True}]
    d.refresh_from_db()
    assert (d.status, d.confirmed_private, d.confirmed_at, d.upstream_answer, d.attempts, d.version) == (
        DeclarationStatus.CONFIRMED, True, NOW, "OK", 1, 1)
    assert history(d) == [(Kind.CONFIRM, True, "Ocean", "OK")]
    assert {e.action for e in AuditEntry.objects.all()} == {"declaration.send"}
    assert lease_take(send.LEASE, d.pk) is not None  # released


@pytest.mark.parametrize("status", [DeclarationStatus.PENDING, DeclarationStatus.CONFIRMED,
                                    DeclarationStatus.REJECTED, DeclarationStatus.FAILED])
def test_only_a_row_waiting_to_be_sent_is_sent(customer, ocean, status):
    fake = ocean()
    d = stored(customer, status=status)
    assert declaration_send(d.pk) == "nothing" and fake.sent == []
    assert declaration_send(d.pk + 1000) == "nothing"
    d.refresh_from_db()
    assert d.attempts == 0 and not d.events.exists()


def test_a_second_sender_waits_for_the_first(customer, ocean):
    fake = ocean()
    d = stored(customer)
    assert lease_take(send.LEASE, d.pk) is not None  # the first sender
    with pytest.raises(SendLater, match="^another send of this declaration is in progress$"):
        declaration_send(d.pk)
    assert fake.sent == []


@pytest.mark.parametrize("error", [OceanUnavailable("Ocean answered HTTP 503"), OceanAuthError("login refused")])
def test_ocean_down_keeps_the_row_waiting_with_one_history_line_per_outage(customer, ocean, error):
    fake = ocean(error, error)
    d = stored(customer)
    for _attempt in range(2):
        with pytest.raises(SendLater, match=f"^{error.message}$"):
            declaration_send(d.pk)
        assert lease_take(send.LEASE, d.pk) is not None  # released for the retry
        Lease.objects.all().delete()
    d.refresh_from_db()
    note = f"Ocean unavailable: {error.message}"
    assert (d.status, d.upstream_answer, d.attempts, d.confirmed_private) == (DeclarationStatus.SENT, note, 2, None)
    assert history(d) == [(Kind.RETRY, True, "Ocean", note)]
    assert len(fake.sent) == 2


def test_a_long_outage_message_is_cut_to_the_column(customer):
    d = stored(customer)
    send._transient(d.pk, True, "z" * 600)
    d.refresh_from_db()
    assert d.upstream_answer == ("Ocean unavailable: " + "z" * 600)[:500] and len(d.upstream_answer) == 500
    assert [len(e.upstream_answer) for e in d.events.all()] == [500]


def test_a_refusal_is_final(customer, ocean):
    ocean(OceanRejected(400, "step not found"))
    d = stored(customer, private=False)
    assert declaration_send(d.pk) == "failed"
    d.refresh_from_db()
    assert (d.status, d.upstream_answer, d.confirmed_private) == (DeclarationStatus.FAILED, "step not found", None)
    assert history(d) == [(Kind.FAIL, False, "Ocean", "step not found")]
    assert declarations_waiting() == []


def test_a_refused_value_the_driver_changed_meanwhile_is_not_final(customer, ocean):
    d = stored(customer)
    fake = ocean(lambda: (change_to(d.pk, False)(), OceanRejected(400, "no"))[1])
    assert declaration_send(d.pk) == "confirmed"
    assert [s["private"] for s in fake.sent] == [True, False]
    d.refresh_from_db()
    assert (d.status, d.private, d.confirmed_private, d.version, d.attempts) == (
        DeclarationStatus.CONFIRMED, False, False, 2, 2)
    assert history(d) == [(Kind.CONFIRM, False, "Ocean", "OK")]


def test_a_change_during_a_send_is_sent_next_and_only_it_is_confirmed(customer, ocean):
    d = stored(customer)
    fake = ocean(change_to(d.pk, False))
    assert declaration_send(d.pk) == "confirmed"
    assert [s["private"] for s in fake.sent] == [True, False]
    d.refresh_from_db()
    assert (d.status, d.confirmed_private, d.version) == (DeclarationStatus.CONFIRMED, False, 2)
    assert history(d) == [(Kind.CONFIRM, False, "Ocean", "OK")]


def test_a_choice_that_keeps_changing_is_sent_five_times_then_later(customer, ocean):
    d = stored(customer)
    fake = ocean(*[change_to(d.pk, p) for p in (False, True, False, True, False)])
    with pytest.raises(SendLater, match="^the choice keeps changing; sending again shortly$"):
        declaration_send(d.pk)
    assert [s["private"] for s in fake.sent] == [True, False, True, False, True]
    d.refresh_from_db()
    assert (d.status, d.version, d.confirmed_private) == (DeclarationStatus.SENT, 6, True)
    assert not d.events.exists()


def test_a_choice_put_up_for_approval_during_the_last_round_ends_the_send(customer, ocean):
    d = stored(customer)
    to_approval = lambda: StepDeclaration.objects.filter(pk=d.pk).update(  # noqa: E731
        private=False, version=F("version") + 1, status=DeclarationStatus.PENDING)
    fake = ocean(*[change_to(d.pk, p) for p in (False, True, False, True)], to_approval)
    assert declaration_send(d.pk) == "nothing"  # not "later": nothing is left to send until approved
    assert [s["private"] for s in fake.sent] == [True, False, True, False, True]
    d.refresh_from_db()
    assert (d.status, d.confirmed_private, d.attempts) == (DeclarationStatus.PENDING, True, 5)


def test_a_row_deleted_during_the_send(customer, ocean):
    d = stored(customer)
    ocean(lambda: StepDeclaration.objects.filter(pk=d.pk).delete())
    assert declaration_send(d.pk) == "nothing"
    d2 = stored(customer)
    ocean(lambda: (StepDeclaration.objects.filter(pk=d2.pk).delete(), OceanRejected(400, "gone"))[1])
    assert declaration_send(d2.pk) == "failed"
    ocean(OceanUnavailable("down"))
    send._transient(d2.pk, True, "down")  # nothing to note on a deleted row, and no error


def test_a_new_choice_awaiting_approval_during_the_send_is_not_sent(customer, ocean):
    d = stored(customer)
    fake = ocean(lambda: StepDeclaration.objects.filter(pk=d.pk).update(
        private=False, version=F("version") + 1, status=DeclarationStatus.PENDING))
    assert declaration_send(d.pk) == "nothing" and len(fake.sent) == 1
    d.refresh_from_db()
    assert (d.status, d.private, d.confirmed_private, d.upstream_answer) == (
        DeclarationStatus.PENDING, False, True, "OK")  # what Ocean holds is recorded, nothing confirmed
    assert not d.events.exists()


def test_declarations_waiting_are_the_old_sent_ones_oldest_first(customer):
    rows = [stored(customer, step_id=n) for n in range(4)]
    done = stored(customer, step_id=9, status=DeclarationStatus.CONFIRMED)
    ages = [timedelta(minutes=3), timedelta(minutes=10), timedelta(seconds=30), timedelta(minutes=2, seconds=5)]
    for r, age in zip(rows, ages, strict=True):
        StepDeclaration.objects.filter(pk=r.pk).update(updated_at=NOW - age)
    StepDeclaration.objects.filter(pk=done.pk).update(updated_at=NOW - timedelta(hours=1))
    with time_machine.travel(NOW, tick=False):
        assert declarations_waiting() == [rows[1].pk, rows[0].pk, rows[3].pk]
        assert declarations_waiting(older_than=timedelta(minutes=5)) == [rows[1].pk]
        assert declarations_waiting(older_than=timedelta(0)) == [rows[1].pk, rows[0].pk, rows[3].pk, rows[2].pk]


def test_at_most_500_are_picked_up_at_once(customer):
    StepDeclaration.objects.bulk_create([StepDeclaration(
        customer=customer, code_exploitant="1110000001", numero_embarque=2, step_id=n, driver_id=7001, vehicle_id=5001,
        started_at=NOW, ended_at=NOW, private=True, status=DeclarationStatus.SENT, requested_by_label="x",
        requested_at=NOW) for n in range(501)])
    StepDeclaration.objects.update(updated_at=NOW - timedelta(hours=1))
    with time_machine.travel(NOW, tick=False):
        assert len(declarations_waiting()) == 500


def test_a_row_whose_status_changed_elsewhere_is_not_confirmed(customer, ocean):
    d = stored(customer)
    ocean(lambda: StepDeclaration.objects.filter(pk=d.pk).update(status=DeclarationStatus.REJECTED))
    assert declaration_send(d.pk) == "nothing"
    d.refresh_from_db()
    assert d.status == DeclarationStatus.REJECTED and not d.events.exists()


def test_texts_are_cut_to_their_500_character_columns(customer):
    d = stored(customer)
    assert send._refused(d.pk, True, d.version, "r" * 600) is True
    send._event(d, Kind.RETRY, "e" * 600, True)
    d.refresh_from_db()
    assert len(d.upstream_answer) == 500 and sorted(len(e.upstream_answer) for e in d.events.all()) == [500, 500]
