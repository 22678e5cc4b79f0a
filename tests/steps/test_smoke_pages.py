"""Every steps page renders for the roles that may open it."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_driver_sees_their_week_of_trips_with_places(sim, driver, login):
    response = login(driver).get("/trips/?span=week")
    assert response.status_code == 200
    html = response.content.decode()
    assert "step-" in html and "→" in html


def test_a_manager_opens_the_queue_a_driver_and_a_vehicle(sim, manager, login):
    client = login(manager)
    assert client.get("/declarations/").status_code == 200
    assert client.get("/declarations/history/").status_code == 200
    assert client.get("/drivers/7001/trips/?span=week").status_code == 200
    assert client.get("/vehicles/5001/trips/?span=week").status_code == 200
    assert client.get("/trips/find/?driver=7001").status_code == 302
