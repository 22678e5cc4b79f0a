"""Crash safety (issue 15) without killing anything: audit before write, one outcome per intent, open
intents settled by re-reading Ocean, dead leases resumed by the recovery pass. The same machinery under
real SIGKILLs: tests/chaos/test_kill_chaos.py and bench/chaos.py --kills N."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from privacy.models import AuditEntry, Lease
from privacy.ocean import OceanClient
from privacy.reports.models import ReportRefresh
from privacy.reports.services import ingest
from privacy.reports.services.periods import Period
from privacy.schedules.models import BulkStatus, ItemStatus, ScheduleTemplate
from privacy.schedules.services.bulk import bulk_apply_template, bulk_recover
from privacy.schedules.services.weekly import schedule_save
from privacy.services.audit import UnauditedWrite, audit_outcome, audit_resolve_open, audit_write
from privacy.services.fleet import fleet_get
from privacy.services.leases import HOST, lease_is_live, lease_take
from privacy.services.ocean import ocean_client
from privacy.services.recovery import recover_all
from tests.schedules.conftest import DEFAULT_WEEK, sim_week

pytestmark = pytest.mark.django_db
LUNCH = DEFAULT_WEEK.add_lunch_break()


def dead_owner() -> str:
    """The owner of a lease whose process no longer exists on this host (a SIGKILLed worker)."""
    pid = 4_000_000
    while os.path.exists(f"/proc/{pid}"):
        pid += 1
    return f"{HOST}:{pid}:deadbeef"


def kill_holder(kind: str, object_id: int) -> None:
    Lease.objects.update_or_create(kind=kind, object_id=object_id, defaults={
        "owner": dead_owner(), "expires_at": timezone.now() + timedelta(minutes=5), "attempts": 1})


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    return settings


def test_a_write_without_an_open_intent_never_leaves(sim, customer):
    with pytest.raises(UnauditedWrite):
        ocean_client(customer).recurring_set(driver_id=7001, inner_map=LUNCH.to_inner_map(), start=timezone.now())
    assert sim_week(sim, 7001) == DEFAULT_WEEK and not AuditEntry.objects.exists()


def test_an_intent_that_a_rollback_could_undo_is_refused_and_nothing_is_sent(sim, customer, manager):
    from django.db import transaction

    with pytest.raises(UnauditedWrite), transaction.atomic():
        schedule_save(actor=manager, customer=customer, driver_id=7001, week=LUNCH)
    assert sim_week(sim, 7001) == DEFAULT_WEEK and not AuditEntry.objects.exists()


def test_the_intent_is_recorded_before_the_write_and_completed_after(sim, customer, manager, monkeypatch):
    seen = []
    original = OceanClient.recurring_set

    def spy(self, **kw):
        seen.append(list(AuditEntry.objects.values_list("phase", flat=True)))
        return original(self, **kw)

    monkeypatch.setattr(OceanClient, "recurring_set", spy)
    schedule_save(actor=manager, customer=customer, driver_id=7001, week=LUNCH)
    assert seen == [["intent"]]  # in the database when the request left, and alone
    outcome = AuditEntry.objects.get(phase="outcome")
    assert outcome.intent.phase == "intent" and outcome.outcome == "applied" and outcome.actor == manager
    assert outcome.intent.before == DEFAULT_WEEK.to_json_days() and outcome.intent.after["week"] == LUNCH.to_json_days()


def test_an_intent_is_completed_once(customer, manager):
    with audit_write(actor=manager, action="schedule.set", customer=customer, driver_id=7001) as write:
        write.done("applied", "confirmed")
    assert audit_outcome(write.intent, "refused", "late answer") is None
    assert AuditEntry.objects.filter(phase="outcome").count() == 1


class Crash(BaseException):
    """The process dies between the write and its outcome."""


@pytest.mark.parametrize("written", [True, False])
def test_an_intent_left_open_by_a_crash_is_settled_by_re_reading_ocean(sim, customer, manager, written):
    start = timezone.now()
    wanted = {"week": LUNCH.to_json_days(), "valid_from": start.isoformat(), "valid_until": None}
    with pytest.raises(Crash), audit_write(actor=manager, action="schedule.set", customer=customer, driver_id=7001,
                                           before=DEFAULT_WEEK.to_json_days(), after=wanted):
        if written:
            ocean_client(customer).recurring_set(driver_id=7001, inner_map=LUNCH.to_inner_map(), start=start)
        raise Crash
    assert audit_resolve_open() == {}  # too recent: a request could still be in flight
    assert audit_resolve_open(older_than=timedelta(0)) == {"applied" if written else "refused": 1}
    outcome = AuditEntry.objects.get(phase="outcome")
    assert outcome.upstream_result.startswith("after a crash, re-read:")


def test_a_bulk_run_whose_worker_died_is_resumed_and_ends_done(sim, customer, manager, eager,
                                                               django_capture_on_commit_callbacks):
    template = ScheduleTemplate.objects.create(customer=customer, name="Midi", week=LUNCH.to_json_days(),
                                               created_by=manager)
    drivers = [fleet_get(customer).drivers[d] for d in (7001, 7002)]
    with django_capture_on_commit_callbacks(execute=False):
        job = bulk_apply_template(actor=manager, customer=customer, template=template, drivers=drivers,
                                  valid_from=None)
    # The worker died holding the job and the first driver ("running", its change already in Ocean).
    first = job.items.get(driver_id=7001)
    job.items.filter(pk=first.pk).update(status=ItemStatus.RUNNING, attempts=1)
    with audit_write(actor=manager, action="template.apply", customer=customer, driver_id=7001):
        ocean_client(customer).recurring_set(driver_id=7001, inner_map=LUNCH.to_inner_map(), start=timezone.now())
    kill_holder("bulk", job.pk)
    kill_holder("bulk-item", first.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_all()["bulk_resumed"] == 1
    job.refresh_from_db()
    assert job.status == BulkStatus.DONE
    statuses = dict(job.items.values_list("driver_id", "status"))
    assert statuses == {7001: ItemStatus.CONFIRMED, 7002: ItemStatus.CONFIRMED}
    assert sim_week(sim, 7001) == LUNCH and sim_week(sim, 7002) == LUNCH


def test_a_driver_that_kills_its_worker_every_time_ends_failed_not_running(sim, customer, manager,
                                                                           django_capture_on_commit_callbacks):
    template = ScheduleTemplate.objects.create(customer=customer, name="Midi", week=LUNCH.to_json_days(),
                                               created_by=manager)
    with django_capture_on_commit_callbacks(execute=False):
        job = bulk_apply_template(actor=manager, customer=customer, template=template,
                                  drivers=[fleet_get(customer).drivers[7001]], valid_from=None)
    item = job.items.get()
    job.items.update(status=ItemStatus.RUNNING, attempts=3)
    kill_holder("bulk", job.pk)
    kill_holder("bulk-item", item.pk)
    bulk_recover()
    item.refresh_from_db()
    job.refresh_from_db()
    assert item.status == ItemStatus.FAILED and "3" in item.message and job.status == BulkStatus.DONE


@pytest.mark.parametrize("attempts", [1, 3])
def test_a_report_refresh_whose_worker_died_restarts_or_fails_but_never_hangs(sim, customer, eager, attempts,
                                                                             django_capture_on_commit_callbacks):
    period = Period.containing_month(timezone.localdate())
    with django_capture_on_commit_callbacks(execute=False):
        refresh, _created = ingest.request_refresh(customer, period)
    ReportRefresh.objects.filter(pk=refresh.pk).update(status=ReportRefresh.Status.RUNNING, progress=50)
    kill_holder(ingest.LEASE, refresh.pk)
    Lease.objects.filter(kind=ingest.LEASE).update(attempts=attempts)
    with django_capture_on_commit_callbacks(execute=True):
        ingest.refresh_recover()
    refresh.refresh_from_db()
    if attempts < ingest.MAX_ATTEMPTS:
        assert refresh.status == ReportRefresh.Status.DONE
    else:
        assert refresh.status == ReportRefresh.Status.FAILED
        again, created = ingest.request_refresh(customer, period)  # the lock went with it
        assert created and again.pk != refresh.pk


def test_a_live_lease_is_left_alone_and_a_dead_holder_is_noticed_at_once(db):
    mine = lease_take("bulk", 1)
    assert lease_is_live(mine) and lease_take("bulk", 1) is None
    kill_holder("bulk", 2)
    assert not lease_is_live(Lease.objects.get(kind="bulk", object_id=2))
    assert lease_take("bulk", 2) is not None


def test_celery_settings_agree_with_the_leases():
    assert django_settings.CELERY_TASK_ACKS_LATE and django_settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert django_settings.LEASE_TTL_S + django_settings.RECOVERY_EVERY_S <= 150  # "within a couple of minutes"
    assert django_settings.CELERY_BEAT_SCHEDULE["recover"]["task"] == "privacy.tasks.recover"
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    if visibility is not None:  # Redis: never re-delivers a healthy task still running or waiting its retry
        assert visibility > django_settings.CELERY_TASK_TIME_LIMIT + 600
