"""The send protocol: stored before sent, confirmed only by Ocean, retried, never two values out of order."""
from __future__ import annotations

import pytest

from privacy.steps.models import DeclarationEvent, DeclarationStatus, StepDeclaration
from privacy.steps.services.declarations import declaration_request
from privacy.steps.services.send import SendLater, declaration_send, declarations_waiting
from privacy.steps.tasks import declarations_resend
from tests.conftest import celery_eager

from .conftest import DECLARE, calls, find_row, sim_value

pytestmark = pytest.mark.django_db


def choose(user, customer, row, private: bool) -> StepDeclaration:
    return declaration_request(actor=user, customer=customer, row=row, private=private)


def test_ocean_down_then_up_loses_nothing(sim, driver, customer, django_capture_on_commit_callbacks):
    first = find_row(customer, driver, kind="pro", days=range(1, 8))
    # Two different trips whatever the weekday (on a Monday the private weekend leaves Friday's trips only).
    rows = [first, find_row(customer, driver, kind="pro", days=range(1, 8),
                            predicate=lambda row: row.step_id != first.step_id)]
    sim.set_faults(error_rate=1.0)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        declarations = [choose(driver, customer, r, True) for r in rows]
    assert len(queued) == 2  # one send task per choice, queued after commit
    for d in declarations:
        with pytest.raises(SendLater):
            declaration_send(d.pk)
        d.refresh_from_db()
        assert d.status == DeclarationStatus.SENT and d.upstream_answer.startswith("Ocean unavailable")
        assert d.events.filter(kind=DeclarationEvent.Kind.RETRY).count() == 1
    assert [sim_value(sim, r) for r in rows] == [None, None]

    sim.clear_faults()
    StepDeclaration.objects.update(updated_at="2000-01-01T00:00Z")  # the retries' backoff has elapsed
    assert sorted(declarations_waiting()) == sorted(d.pk for d in declarations)
    with celery_eager():
        assert declarations_resend() == 2
    assert [sim_value(sim, r) for r in rows] == [True, True]
    assert set(StepDeclaration.objects.values_list("status", flat=True)) == {DeclarationStatus.CONFIRMED}


def test_a_retried_task_sends_only_the_last_choice_once(sim, driver, customer, django_capture_on_commit_callbacks):
    row = find_row(customer, driver, kind="pro")
    sim.set_faults(error_rate=1.0)
    with django_capture_on_commit_callbacks(execute=False):
        d = choose(driver, customer, row, True)
    with pytest.raises(SendLater):
        declaration_send(d.pk)  # first attempt: Ocean fails
    with django_capture_on_commit_callbacks(execute=False):
        choose(driver, customer, row, False)  # the driver changes their mind meanwhile
    sim.clear_faults()
    sim.reset_stats()
    assert declaration_send(d.pk) == "confirmed"  # the retry
    assert declaration_send(d.pk) == "nothing"  # and a duplicate delivery of the same task
    assert calls(sim, DECLARE) == 1 and sim_value(sim, row) is False
    d.refresh_from_db()
    assert (d.private, d.confirmed_private, d.version) == (False, False, 2)


def test_a_change_during_a_send_is_sent_after_it_and_wins(sim, driver, customer, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    row = find_row(customer, driver, kind="pro")
    with django_capture_on_commit_callbacks(execute=False):
        d = choose(driver, customer, row, True)
    from privacy.ocean import OceanClient

    real = OceanClient.declare_step
    sent = []

    def slow_declare(self, **kw):
        sent.append(kw["private"])
        real(self, **kw)
        if len(sent) == 1:  # while the first value is in flight the driver taps "pro"
            with django_capture_on_commit_callbacks(execute=False):
                choose(driver, customer, row, False)

    monkeypatch.setattr(OceanClient, "declare_step", slow_declare)
    assert declaration_send(d.pk) == "confirmed"
    assert sent == [True, False] and sim_value(sim, row) is False
    d.refresh_from_db()
    assert (d.status, d.private, d.confirmed_private) == (DeclarationStatus.CONFIRMED, False, False)


def test_a_second_sender_waits_for_the_first(sim, driver, customer, django_capture_on_commit_callbacks):
    from privacy.services.leases import lease_release, lease_take

    row = find_row(customer, driver, kind="pro")
    with django_capture_on_commit_callbacks(execute=False):
        d = choose(driver, customer, row, True)
    first = lease_take("declaration", d.pk)  # a live sender (this process) holds the declaration
    with pytest.raises(SendLater):
        declaration_send(d.pk)
    assert calls(sim, DECLARE) == 0
    lease_release(first)
    assert declaration_send(d.pk) == "confirmed" and calls(sim, DECLARE) == 1


def test_a_refusal_by_ocean_is_final_and_shown(sim, driver, customer, monkeypatch,
                                              django_capture_on_commit_callbacks):
    from privacy.ocean import OceanClient, OceanRejected

    def refuse(self, **kw):
        raise OceanRejected(400, "step not found")

    monkeypatch.setattr(OceanClient, "declare_step", refuse)
    row = find_row(customer, driver, kind="pro")
    with django_capture_on_commit_callbacks(execute=False):
        d = choose(driver, customer, row, True)
    assert declaration_send(d.pk) == "failed"
    d.refresh_from_db()
    assert d.status == DeclarationStatus.FAILED and "step not found" in d.upstream_answer
    assert declarations_waiting() == []


def test_two_first_choices_of_a_step_at_once_keep_one_row_and_the_last_wins(
        sim, driver, customer, django_capture_on_commit_callbacks, monkeypatch):
    from privacy.steps.services import declarations

    row = find_row(customer, driver, kind="pro")
    with django_capture_on_commit_callbacks(execute=False):
        other = choose(driver, customer, row, False)  # the other phone's tap, made while ours looked up
    real_lookup, lookups = declarations._locked, []

    def racing_lookup(customer_, row_):
        lookups.append(row_.step_id)
        return None if len(lookups) == 1 else real_lookup(customer_, row_)  # ours saw no row yet

    monkeypatch.setattr(declarations, "_locked", racing_lookup)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        ours = choose(driver, customer, row, True)  # was: IntegrityError, a 500 under the load test
    assert len(lookups) == 2 and ours.pk == other.pk
    assert (ours.private, ours.version) == (True, 2) and len(queued) == 1
    assert StepDeclaration.objects.filter(step_id=row.step_id).count() == 1
    assert ours.events.count() == 2  # both choices in the row's history, none lost
