"""A driver's week in one wave: the warm-up at login, a day inside a warmed week, the failures."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.urls import reverse

from privacy.services.ocean import OceanError
from privacy.steps.services.classify import privacy_calendar
from privacy.steps.services.fetch import driver_periods_key, local_today
from privacy.steps.services.wave import driver_week, warm_driver_week

from .conftest import FICHE, calls

pytestmark = pytest.mark.django_db


def this_week(customer):
    today = local_today(customer)
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def test_a_warmed_week_leaves_only_the_trips_to_fetch(sim, customer, driver):
    from django.core.cache import cache

    monday, sunday = this_week(customer)
    warm_driver_week(customer, 7001, monday, sunday, wait=True)
    assert cache.get(driver_periods_key(customer, 7001)) is not None
    sim.reset_stats()
    week = driver_week(customer, driver_id=7001, matricule="M0001", first=monday, last=sunday)
    # The days of the week so far, plus the Sunday before Monday: its UTC hours hold Monday's first local
    # hour if Ocean cuts its days in UTC (D14).
    assert sim.stats()["total"] == calls(sim, FICHE) == (local_today(customer) - monday).days + 2
    assert week.calendar is not None


def test_a_day_inside_a_warmed_week_reads_no_private_hours_again(sim, customer):
    monday, sunday = this_week(customer)
    warm_driver_week(customer, 7001, monday, sunday, wait=True)
    sim.reset_stats()
    assert privacy_calendar(customer, 7001, local_today(customer), local_today(customer)) is not None
    assert sim.stats()["total"] == 0


def test_a_login_through_the_form_warms_the_drivers_week(sim, client, driver, customer):
    from django.core.cache import cache

    from privacy.steps.services.classify import calendar_key

    monday, sunday = this_week(customer)
    driver.set_password("a-long-password-42")
    driver.save()
    # The calendar's key holds the private hours' generation, created by whoever reads it first: create it
    # now, so the background warm-up and this test cannot race to create two (the file cache's add is not
    # atomic; in production that race costs one extra read, here it would be a key never found).
    calendar_key(customer, 7001, monday, sunday)
    client.post(reverse("login"), {"username": driver.username, "password": "a-long-password-42"})

    def keys():
        return [driver_periods_key(customer, 7001), calendar_key(customer, 7001, monday, sunday)]

    for _ in range(200):  # the warm-up runs in the background
        if len(cache.get_many(keys())) == 2:
            break
        time.sleep(0.05)
    assert len(cache.get_many(keys())) == 2


def test_a_session_opened_in_code_warms_nothing(sim, login, driver):
    sim.reset_stats()
    login(driver)
    time.sleep(0.2)
    assert sim.stats()["total"] == 0


def test_the_week_fails_as_a_whole_when_the_history_cannot_be_read(sim, customer):
    monday, sunday = this_week(customer)
    sim.set_faults(error_rate=1.0)
    with pytest.raises(OceanError):
        driver_week(customer, driver_id=7001, matricule="M0001", first=monday, last=sunday, vehicle_hint=5001)


def test_a_drivers_own_week_waits_for_no_fleet_list(sim, login, driver, customer):
    """The fully cold week (issue 16): the driver's record comes from their account, the plates and on-board
    unit numbers from the assignment history; the vehicle found is remembered in the session so the next
    cold page starts its days with the history instead of after it."""
    from django.core.cache import cache

    from privacy.services.ocean import ocean_clients_reset

    monday = this_week(customer)[0] - timedelta(days=7)
    client = login(driver)
    for visit in range(2):
        cache.clear()
        ocean_clients_reset()
        sim.reset_stats()
        html = client.get(f"/trips/?day={monday.isoformat()}&span=week").content.decode()
        endpoints = sim.stats()["by_endpoint"]
        assert not [k for k in endpoints if "individus" in k or "vehicles" in k or "entities" in k], visit
        assert endpoints["POST auth/authenticate2"] == 1
        assert sim.state.fleet.vehicle_by_id[5001].immat in html
        assert "/trips/5001/" in html and "/declare/" in html  # declarable: the unit number is known
        assert client.session.get("trips_vehicle") == 5001


def test_a_drivers_own_record_without_the_fleet(customer, driver, other_driver):
    """From the account when the fleet is not cached, the vehicle hint from the last good copy of the fleet
    when the session has none; the cached fleet's record (404 when Ocean no longer lists them) otherwise."""
    from django.core.cache import cache
    from django.http import Http404

    from privacy.services.fleet import Fleet, FleetDriver, own_fleet_driver

    record = own_fleet_driver(driver, customer)
    assert (record.ocean_id, record.matricule, record.vehicle_id) == (7001, "M0001", None)
    assert own_fleet_driver(driver, customer, vehicle_hint=5003).vehicle_id == 5003
    listed = FleetDriver(customer_id=customer.pk, ocean_id=7001, nom="MARTIN", prenom="Léa", matricule="M0001",
                         email="", entity_id=121, entity_name="Lyon", vehicle_id=5009, vehicle_plate="AB-123-CD",
                         numero_embarque=9)
    fleet = Fleet(drivers={7001: listed}, synced_at="2026-01-01T00:00:00+00:00")
    cache.set(f"privacy:v1:fleet:{customer.pk}:stale", fleet.to_cache(), 60)
    assert own_fleet_driver(driver, customer).vehicle_id == 5009
    assert own_fleet_driver(driver, customer, vehicle_hint=5003).vehicle_id == 5003
    cache.set(f"privacy:v1:fleet:{customer.pk}", fleet.to_cache(), 60)
    assert own_fleet_driver(driver, customer) == listed
    with pytest.raises(Http404):
        own_fleet_driver(other_driver, customer)
