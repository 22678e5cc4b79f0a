"""Fixtures for steps and declarations: eager Celery, the simulator, and finding trips by class."""
from __future__ import annotations

from datetime import timedelta

import pytest

from privacy.models import DeclarationPolicy
from privacy.services.fleet import fleet_get
from privacy.steps.services.fetch import local_today
from privacy.steps.services.trips import driver_steps_page
from tests.conftest import celery_eager

DECLARE = "POST vieprivee/v1/etapeViePriveePosteriori"
FICHE = "GET mobility/v1/ficheJour"


@pytest.fixture
def eager():
    """Celery tasks run in-process (on commit) instead of going to a broker."""
    with celery_eager():
        yield


@pytest.fixture
def approval(customer):
    customer.declaration_policy = DeclarationPolicy.APPROVAL
    customer.save()
    return customer


def calls(sim, endpoint: str) -> int:
    return sim.stats()["by_endpoint"].get(endpoint, 0)


def find_row(customer, user, *, kind: str | None = None, days: range = range(1, 6), driver_id: int = 7001,
             predicate=None):
    """A trip of ``driver_id`` whose schedule class is ``kind`` on one of ``days`` (days ago)."""
    driver = fleet_get(customer).drivers[driver_id]
    today = local_today(customer)
    for ago in days:
        day = today - timedelta(days=ago)
        page = driver_steps_page(viewer=user, customer=customer, driver=driver, first=day, last=day)
        for row in page.days[0].rows:
            if (kind is None or row.schedule.kind == kind) and (predicate is None or predicate(row)):
                return row
    raise AssertionError(f"no {kind} trip found for driver {driver_id} in {days}")


def declare_url(row) -> str:
    return f"/trips/{row.vehicle_id}/{row.step_id}/declare/"


def on_behalf_url(row) -> str:
    return f"/drivers/{row.driver_id}/trips/{row.vehicle_id}/{row.step_id}/declare/"


def sim_value(sim, row):
    return sim.state.store.declarations().get((row.numero_embarque, row.step_id))
