"""The setup check up and down: Ocean login and faults, customerId, codeExploitant, worker, beat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from privacy.models import Customer
from privacy.ocean import LoginInfo, OceanClient
from privacy.onboarding.services.setup_check import (
    check_beat,
    check_code_exploitant,
    check_worker,
    password_expiry_status,
    run_setup_checks,
)
from privacy.steps.models import DeclarationStatus, StepDeclaration
from privacy.tasks import BEAT_HEARTBEAT_KEY, ping

pytestmark = pytest.mark.django_db


def by_key(report) -> dict:
    return {c.key: c for c in report.checks}


def test_everything_up_reports_ok_with_the_fleet_counts(sim, customer, driver, worker_up, beat_up):
    report = run_setup_checks()
    checks = by_key(report)
    assert report.ok, [c for c in report.checks if c.status == "error"]
    for key in ("database", "cache", "broker", "worker", "beat", "ocean.login"):
        assert checks[key].status == "ok", checks[key]
    login = checks["ocean.login"]
    assert login.data["password_expiration_days"] == 87
    counts = checks["customer.1110000000.customer_id"]
    assert counts.status == "ok"
    # 21 individus in the simulator, one soft-deleted; the fixture driver 7001 has an account.
    assert counts.data == {"drivers": 20, "vehicles": 25, "entities": 3, "drivers_with_account": 1}
    assert checks["customer.1110000000.code_exploitant"].status == "unverified"
    assert report.as_dict()["ok"] is True


def test_ocean_down_is_an_error_and_the_customer_checks_say_they_were_not_run(sim, customer, worker_up, beat_up):
    sim.set_faults(error_rate=1.0)
    report = run_setup_checks()
    checks = by_key(report)
    assert not report.ok
    assert checks["ocean.login"].status == "error"
    assert sim.base_url in checks["ocean.login"].detail  # says where it tried
    assert checks["customer.1110000000.customer_id"].status == "unverified"


def test_wrong_credentials_point_at_the_settings_to_fix(sim, settings, customer, worker_up, beat_up):
    settings.OCEAN_PASSWORD = "wrong"
    from privacy.services.ocean import ocean_clients_reset

    ocean_clients_reset()
    check = by_key(run_setup_checks())["ocean.login"]
    assert check.status == "error"
    assert "OCEAN_PASSWORD" in check.detail
    assert "wrong" not in check.detail  # the password itself never shows


def test_a_customer_id_ocean_refuses_is_an_error(sim, worker_up, beat_up):
    Customer.objects.create(name="Inconnue", ocean_customer_id=3330000000, code_exploitant="3330000001")
    report = run_setup_checks()
    check = by_key(report)["customer.3330000000.customer_id"]
    assert check.status == "error"
    assert "403" in check.detail
    assert not report.ok


def test_no_customer_at_all_is_an_error(sim, db, worker_up, beat_up):
    report = run_setup_checks()
    assert by_key(report)["customers"].status == "error"


@pytest.mark.parametrize(
    ("days", "status"),
    [(None, "ok"), (87, "ok"), (15, "ok"), (14, "warning"), (1, "warning"), (0, "error"), (-3, "error")],
)
def test_password_expiry_warns_below_15_days(days, status):
    assert password_expiry_status(days)[0] == status


def test_a_password_expiring_soon_shows_as_a_warning_not_an_error(sim, customer, worker_up, beat_up, monkeypatch):
    monkeypatch.setattr(OceanClient, "authenticate", lambda self: LoginInfo(True, 5, {}))
    report = run_setup_checks()
    login = by_key(report)["ocean.login"]
    assert login.status == "warning"
    assert "5" in login.detail
    assert report.ok  # a warning is not "something wrong"


def test_no_worker_answering_is_an_error(worker_down):
    check = check_worker()
    assert check.status == "error"
    assert "celery -A ocean_portal worker" in check.detail


def test_a_broker_that_refuses_the_task_is_an_error(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(ping, "apply_async", refuse)
    check = check_worker(timeout=0.1)
    assert check.status == "error"
    assert "broker down" in check.detail


def test_a_worker_that_answers_is_ok(worker_up):
    assert check_worker(timeout=1).status == "ok"


def test_beat_never_run_is_an_error():
    cache.delete(BEAT_HEARTBEAT_KEY)
    assert check_beat().status == "error"


def test_beat_late_is_an_error_and_says_when_it_last_ran(settings):
    last = timezone.now() - timedelta(minutes=10)
    cache.set(BEAT_HEARTBEAT_KEY, last.isoformat(), 3600)
    check = check_beat()
    assert check.status == "error"
    assert check.data["age_seconds"] >= 600
    assert timezone.localtime(last).strftime("%H:%M") in check.detail


def test_beat_recent_is_ok(beat_up):
    assert check_beat().status == "ok"


def test_code_exploitant_empty_is_an_error(customer):
    customer.code_exploitant = ""
    assert check_code_exploitant(customer).status == "error"


def test_code_exploitant_is_confirmed_by_a_declaration_ocean_accepted(customer):
    now = timezone.now()
    StepDeclaration.objects.create(
        customer=customer,
        code_exploitant=customer.code_exploitant,
        numero_embarque=1,
        step_id=1,
        driver_id=7001,
        vehicle_id=5001,
        started_at=now,
        ended_at=now,
        private=True,
        status=DeclarationStatus.CONFIRMED,
        requested_by_label="x",
        requested_at=now,
        confirmed_at=now,
    )
    assert check_code_exploitant(customer).status == "ok"
    other = Customer.objects.create(name="B", ocean_customer_id=3, code_exploitant="999")
    assert check_code_exploitant(other).status == "unverified"
