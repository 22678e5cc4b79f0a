"""The proof suites' world: one object of every kind the URLs point at, owned by the simulator's customer.

Ids are real: driver 7001 (entity 121 Lyon — outside ``scoped_manager``'s entity 122), one of his trips,
his vehicle, a future exceptional period, a template, a bulk application over him (one driver failed), a
report refresh and snapshot, an onboarding run and a target account for the user pages.
Each is made on first use (``World``).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from privacy.models import Role
from privacy.onboarding.models import OnboardingRun, RunKind
from privacy.reports.models import ReportRefresh
from privacy.reports.services.periods import period_from_params
from privacy.schedules.models import BulkApplication, BulkApplicationItem, ScheduleTemplate
from privacy.schedules.services.periods import period_save
from privacy.services.fleet import fleet_get
from privacy.steps.services.fetch import local_today
from privacy.week import WeeklySchedule
from tests.conftest import make_user
from tests.reports.conftest import make_snapshot, row
from tests.steps.conftest import find_row

ROLES = ("anonymous", "driver", "other_driver", "manager", "other_manager", "scoped_manager", "hr", "admin_user")


@pytest.fixture
def users(request, driver, other_driver, manager, other_manager, scoped_manager, hr, admin_user):
    """role name → user (None for anonymous)."""
    return {role: None if role == "anonymous" else request.getfixturevalue(role) for role in ROLES}


class World(dict):
    """Built on first use: a route that needs no trip or period does not pay for finding one."""

    def __init__(self, factories: dict):
        super().__init__()
        self._factories = factories

    def __missing__(self, key):
        self[key] = value = self._factories[key]()
        return value


@pytest.fixture
def world(sim, customer, users, manager, driver, admin_user) -> World:
    """Values for every path converter, by meaning (``role_matrix.ARGS`` maps a route's params to them)."""
    trip = {}

    def a_trip():
        if not trip:
            trip["row"] = find_row(customer, driver, days=range(1, 10))
        return trip["row"]

    start = (timezone.now() + timedelta(days=30)).replace(hour=8, minute=0, second=0, microsecond=0)
    later = iter(range(0, 400, 5))

    def new_period() -> int:
        first = start + timedelta(days=next(later))
        return period_save(actor=manager, customer=customer, driver_id=7001, label="CONGES",
                           start=first, end=first + timedelta(days=2)).id

    def template_week():
        return WeeklySchedule.preset_evenings_weekends().to_json_days()

    def template() -> int:
        return ScheduleTemplate.objects.create(customer=customer, name="Soirs", week=template_week()).pk

    def application() -> int:
        """A bulk run over driver 7001 (entity 121), one driver failed: retry has work to do."""
        app = BulkApplication.objects.create(customer=customer, kind="template", title="Soirs",
                                             created_by=manager, payload={"week": template_week(), "valid_from": None})
        BulkApplicationItem.objects.create(application=app, driver_id=7001, driver_name="FOURNIER François",
                                           status="failed", actor=manager)
        return app.pk

    def snapshot():
        report_period = period_from_params({}, local_today(customer))
        vehicle_id = fleet_get(customer).drivers[7001].vehicle_id
        make_snapshot(customer, report_period, [row(), row(kind="vehicle", ocean_id=vehicle_id)])
        return report_period

    def refresh() -> int:
        report_period = world["report_period"]
        return ReportRefresh.objects.create(customer=customer, period_kind=report_period.kind,
                                            period_start=report_period.start, period_end=report_period.end).pk

    def target() -> int:
        return make_user("target", role=Role.DRIVER, customer=customer, ocean_individu_id=7003,
                         email="target@example.com").pk

    def calendar_source() -> int:
        from privacy.schedules.models import CalendarKind, CalendarSource

        # Port 8999 (peers19's range) has no server: "sync now" answers with a message, never a write.
        return CalendarSource.objects.create(customer=customer, kind=CalendarKind.URL, label="Congés", driver_id=7001,
                                             url="http://127.0.0.1:8999/none.ics").pk

    world = World({
        "report_period": snapshot,
        "driver": lambda: 7001,
        "customer": lambda: customer.pk,
        "vehicle": lambda: a_trip().vehicle_id,
        "step": lambda: a_trip().step_id,
        "trip_day": lambda: a_trip().day.isoformat(),
        "period": new_period,
        "new_period": lambda: new_period,  # a factory: one fresh period per request
        "template": template,
        "application": application,
        "refresh": refresh,
        "report_kind": lambda: world["report_period"] and "driver",
        "run": lambda: OnboardingRun.objects.create(customer=customer, kind=RunKind.CSV, created_by=admin_user).pk,
        "user": target,
        "calendar_source": calendar_source,
        "uidb64": lambda: "MQ",
        "token": lambda: "x-y",
    })
    return world
