"""Who may open and declare which trips: roles, customers, entity scope, another driver's trip."""
from __future__ import annotations

import pytest

from privacy.steps.models import StepAccessLog, StepDeclaration

from .conftest import DECLARE, calls, declare_url, find_row, on_behalf_url

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_driver_a_declaring_driver_bs_trip_gets_404_and_no_upstream_call(sim, driver, other_driver, login):
    theirs = find_row(other_driver.customer, other_driver, driver_id=7002)
    client = login(driver)
    client.get(f"/trips/?day={theirs.day.isoformat()}")  # A's own view warms the cache
    sim.reset_stats()
    response = client.post(declare_url(theirs), {"day": theirs.day.isoformat(), "private": "true"}, headers=HTMX)
    assert response.status_code == 404
    assert sim.stats()["total"] == 0
    assert not StepDeclaration.objects.exists()


def test_even_with_a_cold_cache_another_drivers_trip_is_never_declared(sim, driver, other_driver, login):
    theirs = find_row(other_driver.customer, other_driver, driver_id=7002)
    from django.core.cache import cache

    cache.clear()
    sim.reset_stats()
    response = login(driver).post(declare_url(theirs), {"day": theirs.day.isoformat(), "private": "true"})
    assert response.status_code == 404 and calls(sim, DECLARE) == 0


@pytest.mark.parametrize("who,status", [
    # The other customer's fleet (empty in the simulator) has no driver 7001: 404, like any unknown id.
    ("driver", 403), ("hr", 403), ("other_manager", 404), ("scoped_manager", 404), (None, 302),
])
def test_a_drivers_trips_page_per_role(sim, request, login, who, status, customer):
    user = request.getfixturevalue(who) if who else None
    assert login(user).get("/drivers/7001/trips/").status_code == status


@pytest.mark.parametrize("who,status", [
    ("manager", 403), ("hr", 403), ("admin_user", 403), (None, 302),
])
def test_my_trips_is_for_drivers_only(sim, request, login, who, status):
    user = request.getfixturevalue(who) if who else None
    assert login(user).get("/trips/").status_code == status


def test_a_scoped_manager_sees_drivers_and_vehicles_of_their_entity_only(sim, scoped_manager, login):
    client = login(scoped_manager)
    assert client.get("/drivers/7002/trips/").status_code == 200  # 7002: entity 122 (Paris)
    assert client.get("/vehicles/5001/trips/").status_code == 404  # 5001: Lyon
    assert client.get("/vehicles/999999/trips/").status_code == 404


def test_another_customers_manager_cannot_declare_on_behalf(sim, driver, other_manager, login):
    row = find_row(driver.customer, driver)
    response = login(other_manager).post(on_behalf_url(row), {"day": row.day.isoformat(), "private": "true",
                                                              "reason": "x"})
    assert response.status_code == 404 and calls(sim, DECLARE) == 0


@pytest.mark.parametrize("who,status", [("driver", 403), ("hr", 403), (None, 302)])
def test_the_declarations_pages_are_for_managers(sim, request, login, who, status):
    user = request.getfixturevalue(who) if who else None
    client = login(user)
    assert client.get("/declarations/").status_code == status
    assert client.get("/declarations/history/").status_code == status
    assert client.post("/declarations/decide/", {"only": 1, "action": "approve"}).status_code == status


def test_every_steps_page_view_is_in_the_access_log(sim, driver, manager, login):
    login(driver).get("/trips/?span=week")
    login(manager).get("/drivers/7001/trips/")
    login(manager).get("/vehicles/5001/trips/")
    logs = list(StepAccessLog.objects.order_by("id").values_list("user_label", "view", "driver_id", "vehicle_id"))
    assert logs == [("driver", "own", 7001, None), ("manager", "driver", 7001, None),
                    ("manager", "vehicle", None, 5001)]
    week = StepAccessLog.objects.order_by("id").first()
    assert (week.last_day - week.first_day).days == 6
