"""Ingestion against the simulator: totals equal its steps, a declaration moves exactly one step,
the atomic swap, the lock, failures keep the old snapshot."""
from __future__ import annotations

from collections import defaultdict
from datetime import time
from unittest import mock

import pytest
from django.db.models import Sum

from ocean_sim.dates import PARIS
from privacy.ocean.errors import OceanRejected, OceanUnavailable
from privacy.reports.models import ReportRefresh, ReportRow, ReportSnapshot
from privacy.reports.services import ingest as reports_ingest
from privacy.reports.services.ingest import request_refresh, run_refresh
from privacy.reports.services.queries import current_snapshot
from privacy.reports.tasks import MAX_RETRIES, refresh_report
from privacy.services.audit import audit_write
from privacy.services.ocean import ocean_client

from .conftest import make_snapshot, previous_month, row, sim_steps


def rows_of(snapshot, kind):
    return {r.ocean_id: r for r in ReportRow.objects.filter(snapshot=snapshot, kind=kind)}


def test_ingestion_equals_the_sum_of_the_simulators_steps_for_the_period(customer, sim, refresh_now):
    period = previous_month(customer)
    refresh = refresh_now(customer, period)
    assert refresh.status == ReportRefresh.Status.DONE, refresh.message
    snapshot = current_snapshot(customer, period)
    fleet = sim.state.fleet

    by_driver, by_vehicle = defaultdict(int), defaultdict(int)
    for step in sim_steps(sim, customer, period, identified_only=False):
        by_vehicle[fleet.vehicles[step.vehicle_idx].id] += step.distance
        driver = fleet.drivers[step.driver_idx] if step.driver_idx is not None else None
        if driver is not None and driver.entity_id is not None:
            by_driver[driver.id] += step.distance
    drivers, vehicles = rows_of(snapshot, "driver"), rows_of(snapshot, "vehicle")
    assert by_driver and by_vehicle
    assert {k: r.private_m + r.pro_m for k, r in drivers.items()} == dict(by_driver)
    assert {k: r.private_m + r.pro_m for k, r in vehicles.items()} == dict(by_vehicle)
    # Entities are the sum of their drivers; some private use exists under the default schedules.
    entities = rows_of(snapshot, "entity")
    for entity_id, entity in entities.items():
        members = [r for r in drivers.values() if r.entity_id == entity_id]
        assert entity.private_m == sum(r.private_m for r in members)
        assert entity.pro_m == sum(r.pro_m for r in members)
    assert sum(r.private_m for r in drivers.values()) > 0
    assert drivers[7001].name and drivers[7001].entity_name
    assert snapshot.bytes_read > 0


def _pro_step_of_7001(sim, customer, period):
    """A weekday step of driver 7001 between 09:00 and 17:00 Paris time: all pro under the default week."""
    fleet = sim.state.fleet
    for step in sim_steps(sim, customer, period, identified_only=True):
        start, end = step.start.astimezone(PARIS), step.end.astimezone(PARIS)
        driver = fleet.drivers[step.driver_idx]
        if driver.id == 7001 and start.weekday() < 5 and time(9) <= start.time() and end.time() <= time(17):
            if start.date() == end.date():
                return step, fleet.vehicles[step.vehicle_idx]
    raise AssertionError("no pro step found for driver 7001")


def test_a_declaration_then_a_refresh_moves_exactly_that_steps_distance_from_pro_to_private(
        customer, sim, refresh_now):
    period = previous_month(customer)
    refresh_now(customer, period)
    before = current_snapshot(customer, period)
    driver_before = rows_of(before, "driver")[7001]
    step, vehicle = _pro_step_of_7001(sim, customer, period)
    vehicle_before = rows_of(before, "vehicle")[vehicle.id]
    others_before = {k: (r.private_m, r.pro_m) for k, r in rows_of(before, "driver").items() if k != 7001}

    with audit_write(actor=None, action="declaration.send", customer=customer):  # no write leaves unaudited
        ocean_client(customer).declare_step(step_id=step.id, numero_embarque=vehicle.numero_embarque,
                                            code_exploitant=customer.code_exploitant, private=True)
    refresh_now(customer, period)
    after = current_snapshot(customer, period)
    assert after.pk != before.pk
    driver_after = rows_of(after, "driver")[7001]
    vehicle_after = rows_of(after, "vehicle")[vehicle.id]
    assert driver_after.private_m - driver_before.private_m == step.distance
    assert driver_before.pro_m - driver_after.pro_m == step.distance
    assert driver_after.private_s - driver_before.private_s == step.dur_s
    assert vehicle_after.private_m - vehicle_before.private_m == step.distance
    others = {k: (r.private_m, r.pro_m) for k, r in rows_of(after, "driver").items() if k != 7001}
    assert others == others_before and others
    assert not ReportSnapshot.objects.filter(pk=before.pk).exists()  # old snapshot deleted after the swap


def test_readers_see_the_old_snapshot_until_the_swap(customer, sim, refresh_now):
    period = previous_month(customer)
    old = make_snapshot(customer, period, [row(private_m=1, pro_m=2)])
    seen_during = []
    real_store = reports_ingest.store_rows

    def spying_store(snapshot, rows):
        count = real_store(snapshot, rows)
        seen_during.append(current_snapshot(customer, period).pk)  # rows written, not yet swapped
        return count

    with mock.patch.object(reports_ingest, "store_rows", spying_store):
        refresh_now(customer, period)
    assert seen_during == [old.pk, old.pk]
    assert current_snapshot(customer, period).pk != old.pk
    assert ReportSnapshot.objects.filter(customer=customer, period_start=period.start).count() == 1


def test_a_failure_mid_way_keeps_the_old_snapshot_and_records_the_reason(customer, sim, eager):
    period = previous_month(customer)
    old = make_snapshot(customer, period, [row(private_m=1, pro_m=2)])
    refresh, _ = request_refresh(customer, period)
    with mock.patch.object(reports_ingest, "store_rows", side_effect=[0, OceanRejected(400, "bad filter")]):
        run_refresh(refresh.pk)
    refresh.refresh_from_db()
    assert refresh.status == ReportRefresh.Status.FAILED
    # The reason in words (issue 18): never Ocean's own English text or an HTTP status in a French message.
    assert "invalide" in refresh.message and "bad filter" not in refresh.message
    assert current_snapshot(customer, period).pk == old.pk
    assert ReportSnapshot.objects.filter(customer=customer).count() == 1  # the half-written one is gone
    assert ReportRow.objects.filter(snapshot=old).aggregate(s=Sum("pro_m"))["s"] == 2


def test_transient_errors_are_retried_then_reported_when_retries_are_spent(customer, sim, eager):
    period = previous_month(customer)
    sim.set_faults(error_rate=1.0)
    refresh, _ = request_refresh(customer, period)
    with pytest.raises(OceanUnavailable):
        run_refresh(refresh.pk)
    assert not ReportSnapshot.objects.filter(customer=customer).exists()
    with mock.patch("privacy.reports.tasks.refresh_report.retry", side_effect=RuntimeError("retry asked")) as retry:
        with pytest.raises(RuntimeError):
            refresh_report.apply(args=[refresh.pk], retries=0, throw=True)
    assert retry.call_args.kwargs["countdown"] >= 15
    refresh.refresh_from_db()
    assert "new try" in refresh.message or "nouvel essai" in refresh.message.lower()
    refresh_report.apply(args=[refresh.pk], retries=MAX_RETRIES)
    refresh.refresh_from_db()
    assert refresh.status == ReportRefresh.Status.FAILED
    assert refresh.message and "token" not in refresh.message.lower()
    # The lock is released: a new refresh can start.
    sim.clear_faults()
    again, created = request_refresh(customer, period)
    assert created and again.pk != refresh.pk


def test_one_refresh_per_customer_and_period_at_a_time(customer, other_customer, db):
    period_a = previous_month(customer)
    first, created = request_refresh(customer, period_a)
    second, created_again = request_refresh(customer, period_a)
    assert created and not created_again and second.pk == first.pk
    other_period = period_a.previous_month()
    _, created_other_period = request_refresh(customer, other_period)
    _, created_other_customer = request_refresh(other_customer, period_a)
    assert created_other_period and created_other_customer


def test_the_lock_holds_even_when_the_cache_was_emptied(customer, db):
    from django.core.cache import cache

    period = previous_month(customer)
    first, _ = request_refresh(customer, period)
    cache.clear()
    again, created = request_refresh(customer, period)
    assert not created and again.pk == first.pk


def test_a_finished_refresh_is_not_run_twice_when_the_task_is_redelivered(customer, sim, refresh_now):
    period = previous_month(customer)
    refresh = refresh_now(customer, period)
    snapshot = current_snapshot(customer, period)
    run_refresh(refresh.pk)
    assert current_snapshot(customer, period).pk == snapshot.pk
