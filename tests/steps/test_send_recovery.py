"""The declaration sender's crash safety against a scripted Ocean: each request audited before it leaves
and after, the lease held while sending, dead sends found and re-sent by the recovery pass, and an intent
a crash left open settled by the send that followed (``resolve_declaration``)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from privacy.models import AuditEntry, Lease
from privacy.ocean import OceanAuthError, OceanRejected, OceanUnavailable
from privacy.services.audit import audit_resolve_open, write_allowed
from privacy.services.leases import lease_is_live, lease_release, lease_take
from privacy.steps.models import DeclarationStatus, StepDeclaration
from privacy.steps.services import send
from privacy.steps.services.send import SendLater, declaration_send, declarations_recover, resolve_declaration
from tests.conftest import celery_eager
from tests.test_crash_safe import dead_owner

from .scripted import NOW, change_to, install, stored

pytestmark = pytest.mark.django_db
TARGET = "1110000001/2/77"  # the declaration's str(): code_exploitant/numero_embarque/step_id


class Crash(BaseException):
    """The sender's process dies while its request is in flight."""


@pytest.fixture
def ocean(monkeypatch):
    return lambda *outcomes: install(monkeypatch, *outcomes)


def audit_rows():
    return [(e.phase, e.action, e.actor_id, e.actor_label, e.customer_id, e.driver_id, e.target, e.before, e.after,
             e.outcome, e.upstream_result, e.intent_id) for e in AuditEntry.objects.order_by("pk")]


def intent_row(customer, d, private, version):
    return ("intent", "declaration.send", None, "system", customer.pk, 7001, TARGET, None,
            {"declaration": d.pk, "private": private, "version": version}, "", "", None)


# -- audit: intent committed before the request, one outcome after it --------------------------------------

def test_the_intent_is_in_the_log_and_open_while_the_request_is_in_flight(customer, ocean):
    d = stored(customer)
    seen = []

    def in_flight():
        write_allowed("POST", "vieprivee/v1/etapeViePriveePosteriori")  # raises without an open intent
        seen.append(audit_rows())

    ocean(in_flight)
    assert declaration_send(d.pk) == "confirmed"
    assert seen == [[intent_row(customer, d, True, 1)]]
    intent = AuditEntry.objects.get(phase="intent")
    assert audit_rows()[1:] == [("outcome", "declaration.send", None, "system", customer.pk, 7001, TARGET, None,
                                 {"declaration": d.pk, "private": True, "version": 1}, "applied", "OK", intent.pk)]


@pytest.mark.parametrize(("error", "outcome", "result"), [
    (OceanUnavailable("Ocean answered HTTP 503"), "unknown", SendLater),  # may have been applied anyway
    (OceanAuthError("login refused"), "refused", SendLater),  # never reached the write
    (OceanRejected(400, "step not found"), "refused", "failed"),
])
def test_each_failure_is_audited_with_its_outcome_and_ocean_s_message(customer, ocean, error, outcome, result):
    ocean(error)
    d = stored(customer, private=False)
    if result is SendLater:
        with pytest.raises(SendLater):
            declaration_send(d.pk)
    else:
        assert declaration_send(d.pk) == result
    intent = AuditEntry.objects.get(phase="intent")
    assert audit_rows() == [
        intent_row(customer, d, False, 1),
        ("outcome", "declaration.send", None, "system", customer.pk, 7001, TARGET, None,
         {"declaration": d.pk, "private": False, "version": 1}, outcome, error.message, intent.pk),
    ]


def test_a_value_changed_during_the_send_is_a_second_audited_request(customer, ocean):
    d = stored(customer)
    ocean(change_to(d.pk, False))
    assert declaration_send(d.pk) == "confirmed"
    intents = AuditEntry.objects.filter(phase="intent").order_by("pk")
    assert [(i.after, [(o.outcome, o.upstream_result) for o in i.outcomes.all()]) for i in intents] == [
        ({"declaration": d.pk, "private": True, "version": 1}, [("applied", "OK")]),
        ({"declaration": d.pk, "private": False, "version": 2}, [("applied", "OK")]),
    ]


# -- the lease ----------------------------------------------------------------------------------------------

def test_the_lease_is_held_by_the_sender_during_the_request_then_released(customer, ocean):
    d = stored(customer)
    other = stored(customer, step_id=78)
    during = []

    def in_flight():
        lease = Lease.objects.get(kind="declaration", object_id=d.pk)
        during.append(lease_is_live(lease))
        with pytest.raises(SendLater, match="^another send of this declaration is in progress$"):
            declaration_send(d.pk)  # a duplicate task for the same declaration
        during.append(Lease.objects.filter(kind="declaration", object_id=other.pk).exists())

    fake = ocean(in_flight)
    assert declaration_send(d.pk) == "confirmed"
    assert during == [True, False] and len(fake.sent) == 1  # only this declaration's lease was taken
    lease = Lease.objects.get(kind="declaration", object_id=d.pk)
    assert (lease.owner, lease.expires_at, lease.attempts) == ("", None, 1)


def test_a_lease_left_by_a_dead_sender_does_not_block_the_next_one(customer, ocean):
    d = stored(customer)
    Lease.objects.create(kind="declaration", object_id=d.pk, owner=dead_owner(),
                         expires_at=timezone.now() + timedelta(minutes=5), attempts=1)
    fake = ocean()
    assert declaration_send(d.pk) == "confirmed" and len(fake.sent) == 1


def test_a_lease_of_other_work_with_the_same_id_does_not_block(customer, ocean):
    d = stored(customer)
    held = lease_take("bulk", d.pk)
    fake = ocean()
    assert declaration_send(d.pk) == "confirmed" and len(fake.sent) == 1
    lease_release(held)


# -- recovery: dead sends found and re-sent ------------------------------------------------------------------

def aged(rows, age=timedelta(minutes=10)):
    for n, row in enumerate(rows):
        StepDeclaration.objects.filter(pk=row.pk).update(updated_at=NOW - age - timedelta(seconds=n))


def test_only_senders_that_are_not_alive_are_picked_up(customer):
    rows = [stored(customer, step_id=n) for n in range(6)]
    aged(rows)  # rows[5] is the oldest
    with time_machine.travel(NOW, tick=False):
        lease_take(send.LEASE, rows[0].pk)  # a live sender (this process)
        Lease.objects.create(kind=send.LEASE, object_id=rows[1].pk, owner=dead_owner(),  # SIGKILLed
                             expires_at=NOW + timedelta(minutes=1))
        lease_release(lease_take(send.LEASE, rows[2].pk))  # released: a retry is due
        Lease.objects.create(kind=send.LEASE, object_id=rows[3].pk, owner=lease_take("x", 1).owner,  # stopped beating
                             expires_at=NOW - timedelta(seconds=1))
        lease_take("bulk", rows[4].pk)  # other work with the same id
        assert send.declarations_waiting() == [rows[5].pk, rows[4].pk, rows[3].pk, rows[2].pk, rows[1].pk]


def test_the_recovery_pass_re_sends_each_waiting_declaration_after_commit(customer, ocean,
                                                                       django_capture_on_commit_callbacks):
    rows = [stored(customer, step_id=n, private=n == 0) for n in range(3)]
    aged(rows[:2])  # rows[2] was tried a moment ago: its retry is already scheduled
    fake = ocean()
    with time_machine.travel(NOW, tick=False), celery_eager():
        with django_capture_on_commit_callbacks(execute=False) as queued:
            assert declarations_recover() == {"declarations_resent": 2}
        assert fake.sent == []  # nothing leaves before the commit
        for callback in queued:
            callback()
    assert [(s["step_id"], s["private"]) for s in fake.sent] == [(1, False), (0, True)]  # oldest first
    statuses = dict(StepDeclaration.objects.values_list("step_id", "status"))
    assert statuses == {0: DeclarationStatus.CONFIRMED, 1: DeclarationStatus.CONFIRMED, 2: DeclarationStatus.SENT}


def test_nothing_waiting_queues_nothing(customer, django_capture_on_commit_callbacks):
    stored(customer, status=DeclarationStatus.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert declarations_recover() == {"declarations_resent": 0}
    assert queued == []


def test_a_sender_killed_mid_request_is_re_sent_and_its_intent_settled(customer, ocean,
                                                                    django_capture_on_commit_callbacks):
    d = stored(customer)
    fake = ocean(Crash())
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(Crash):
            declaration_send(d.pk)
        Lease.objects.filter(kind=send.LEASE, object_id=d.pk).update(  # SIGKILL: never released
            owner=dead_owner(), expires_at=NOW + timedelta(minutes=1))
        intent = AuditEntry.objects.get()
        assert intent.phase == "intent"  # no outcome: the process died
        assert audit_resolve_open(older_than=timedelta(0)) == {}  # still waiting to be sent: not settled
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False), celery_eager():
        with django_capture_on_commit_callbacks(execute=True):
            assert declarations_recover() == {"declarations_resent": 1}
        assert audit_resolve_open(older_than=timedelta(0)) == {"applied": 1}
    assert [s["private"] for s in fake.sent] == [True, True]
    d.refresh_from_db()
    assert (d.status, d.confirmed_private, d.attempts) == (DeclarationStatus.CONFIRMED, True, 2)
    settled = AuditEntry.objects.get(phase="outcome", intent=intent)
    assert (settled.outcome, settled.upstream_result) == (
        "applied", "after a crash, re-read: Ocean confirmed this value on a later send (OK)")


# -- resolve_declaration: an open intent settled by what happened to its declaration ------------------------

def intent_for(d, private):
    return AuditEntry(action="declaration.send", after={"declaration": d.pk, "private": private, "version": 1})


def test_an_intent_whose_declaration_is_still_waiting_is_not_settled_yet(customer):
    d = stored(customer, upstream_answer="Ocean unavailable: down")
    assert resolve_declaration(intent_for(d, True)) is None


def test_an_intent_whose_value_a_later_send_confirmed_was_applied(customer):
    d = stored(customer, status=DeclarationStatus.CONFIRMED, confirmed_private=False, upstream_answer="OK")
    assert resolve_declaration(intent_for(d, False)) == (
        "applied", "Ocean confirmed this value on a later send (OK)")


@pytest.mark.parametrize(("status", "confirmed", "answer"), [
    (DeclarationStatus.CONFIRMED, False, "OK"),  # the driver changed their mind: Ocean holds the other value
    (DeclarationStatus.FAILED, None, "step not found"),  # the retry was refused: the first may have landed
    (DeclarationStatus.PENDING, None, ""),  # a new choice awaiting approval replaced it before any send
])
def test_an_intent_a_later_send_did_not_confirm_stays_unknown(customer, status, confirmed, answer):
    d = stored(customer, status=status, confirmed_private=confirmed, upstream_answer=answer)
    assert resolve_declaration(intent_for(d, True)) == (
        "unknown", f"a later send settled the declaration as {status.value} ({answer})")


def test_an_intent_whose_declaration_is_gone_is_unknown(customer):
    d = stored(customer, status=DeclarationStatus.CONFIRMED, confirmed_private=True)
    gone = intent_for(d, True)
    StepDeclaration.objects.filter(pk=d.pk).delete()
    assert resolve_declaration(gone) == ("unknown", "the declaration no longer exists")
    assert resolve_declaration(AuditEntry(action="declaration.send", after=None)) == (
        "unknown", "the declaration no longer exists")
