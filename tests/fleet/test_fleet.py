"""The fleet directory: three list calls, cached, and a last good copy when Ocean is down."""
from __future__ import annotations

import pytest
from django.core.cache import cache

from privacy.ocean import OceanUnavailable
from privacy.services.fleet import fleet_driver_or_404, fleet_drivers_visible, fleet_get


def test_it_reads_drivers_vehicles_and_entities_in_three_calls_then_from_cache(customer, sim):
    fleet = fleet_get(customer)
    assert fleet.drivers[7001].matricule == "M0001"
    assert fleet.drivers[7001].customer_id == customer.pk
    assert 7021 not in fleet.drivers, "soft-deleted drivers are hidden"
    assert set(fleet.entities) == {121, 122, 123}
    calls = sim.stats()["total"] - sim.stats().get("logins", 0)
    assert calls == 3
    sim.reset_stats()
    fleet_get(customer)
    assert sim.stats()["total"] == 0


def test_a_scoped_manager_sees_only_their_entity(customer, scoped_manager, sim):
    drivers = fleet_drivers_visible(scoped_manager, customer)
    assert drivers and {d.entity_id for d in drivers} == {122}


def test_a_driver_outside_the_scope_is_a_404(customer, scoped_manager, sim):
    from django.http import Http404

    outside = next(d for d in fleet_get(customer).drivers.values() if d.entity_id != 122)
    with pytest.raises(Http404):
        fleet_driver_or_404(scoped_manager, customer, outside.ocean_id)


def test_the_last_good_copy_serves_while_ocean_is_down(customer, sim, settings):
    fleet_get(customer)
    cache.delete(f"privacy:v1:fleet:{customer.pk}")  # the fresh copy expired
    sim.set_faults(error_rate=1.0)
    assert fleet_get(customer).drivers[7001].matricule == "M0001"


def test_without_any_copy_ocean_down_is_an_error(customer, sim):
    sim.set_faults(error_rate=1.0)
    with pytest.raises(OceanUnavailable):
        fleet_get(customer)


def test_the_client_reads_local_times_in_the_customers_zone(customer, sim):
    from privacy.services.ocean import ocean_client

    assert ocean_client(customer).tz == "Europe/Paris"
    customer.time_zone = "America/Cayenne"
    assert ocean_client(customer).tz == "America/Cayenne"


def test_a_process_rebuilds_the_cached_fleet_only_when_the_shared_copy_changed(customer, sim, monkeypatch):
    """Issue 16's load profile: unpickling and rebuilding 1,000 drivers on every page cost more than the page."""
    from privacy.services import fleet as module

    first = fleet_get(customer)
    rebuilt = []
    real = module.Fleet.from_cache
    monkeypatch.setattr(module.Fleet, "from_cache", classmethod(lambda cls, data: rebuilt.append(1) or real(data)))
    assert fleet_get(customer) is first and rebuilt == []  # same copy: nothing rebuilt
    fresh = fleet_get(customer, refresh=True)  # another process (or this one) re-reads Ocean
    assert fresh is not first
    assert fleet_get(customer) is fresh and rebuilt == []
    cache.set(f"privacy:v1:fleet:{customer.pk}:synced", "another-copy", 60)  # another process wrote a new copy
    assert fleet_get(customer) is not fresh and rebuilt == [1]
