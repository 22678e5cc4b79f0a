"""The access module: who may see or change which driver's data."""
from __future__ import annotations

import pytest

from privacy import access
from privacy.access import DriverRef


@pytest.fixture
def driver_ref(customer):
    return DriverRef(customer_id=customer.pk, ocean_id=7001, entity_id=1)


def test_a_manager_sees_and_changes_drivers_of_their_customer(manager, driver_ref):
    assert access.can_view_driver(manager, driver_ref)
    assert access.can_change_driver(manager, driver_ref)


def test_a_manager_with_an_entity_scope_sees_only_those_entities(scoped_manager, customer):
    assert access.can_view_driver(scoped_manager, DriverRef(customer.pk, 7001, entity_id=122))
    assert not access.can_view_driver(scoped_manager, DriverRef(customer.pk, 7001, entity_id=121))
    assert not access.can_view_driver(scoped_manager, DriverRef(customer.pk, 7001, entity_id=None))


def test_a_manager_of_another_customer_sees_nothing(other_manager, driver_ref):
    assert not access.can_view_driver(other_manager, driver_ref)
    assert not access.can_change_driver(other_manager, driver_ref)


def test_a_driver_sees_only_themself_and_changes_no_schedule(driver, other_driver, driver_ref):
    assert access.can_view_driver(driver, driver_ref)
    assert not access.can_change_driver(driver, driver_ref)
    assert access.can_declare_own_steps(driver, driver_ref)
    assert not access.can_view_driver(other_driver, driver_ref)
    assert not access.can_declare_own_steps(other_driver, driver_ref)


def test_hr_sees_no_driver_detail_but_their_customers_reports(hr, other_hr, customer, driver_ref):
    assert not access.can_view_driver(hr, driver_ref)
    assert access.can_view_reports(hr, customer)
    assert not access.can_view_reports(other_hr, customer)


def test_private_details_are_for_the_driver_alone(driver, manager, hr, admin_user, driver_ref):
    assert access.can_see_private_details(driver, driver_ref)
    for user in (manager, hr, admin_user):
        assert not access.can_see_private_details(user, driver_ref)


def test_an_inactive_user_loses_every_right(manager, driver_ref):
    manager.is_active = False
    assert not access.can_change_driver(manager, driver_ref)


@pytest.mark.parametrize("who", ["manager", "scoped_manager", "other_manager", "driver", "other_driver", "hr",
                                 "admin_user"])
def test_the_bulk_filters_agree_with_the_one_by_one_checks(who, request, customer):
    """drivers_visible / vehicles_visible (a fleet at once) must never show what can_view_* refuses."""
    from types import SimpleNamespace

    user = request.getfixturevalue(who)
    drivers = [DriverRef(customer_id, ocean_id, entity)
               for customer_id in (customer.pk, customer.pk + 1000) for ocean_id in (7001, 7002, 9999)
               for entity in (None, 121, 122, 123)]
    vehicles = [SimpleNamespace(entity_id=entity) for entity in (None, 121, 122, 123)]
    assert access.drivers_visible(user, drivers) == [d for d in drivers if access.can_view_driver(user, d)]
    assert access.vehicles_visible(user, customer, vehicles) == [
        v for v in vehicles if access.can_view_vehicle(user, customer, v.entity_id)]
    user.is_active = False
    assert access.drivers_visible(user, drivers) == [d for d in drivers if access.can_view_driver(user, d)]
