"""`manage.py demo_setup --wait`: run by `make run` while the simulator starts; the demo driver gets its name."""

from __future__ import annotations

import socket
import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command

from ocean_sim.testing import SimServer
from privacy.models import User
from privacy.services.ocean import ocean_clients_reset

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def late_ocean(settings):
    """Settings pointing at a port where nothing answers yet."""
    port = free_port()
    settings.OCEAN_BASE_URL = f"http://127.0.0.1:{port}/ocean/restapi"
    settings.OCEAN_LOGIN, settings.OCEAN_PASSWORD = "demo", "demo"
    settings.OCEAN_CUSTOMER_ID, settings.OCEAN_CODE_EXPLOITANT = 1110000000, "1110000001"
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8210"
    ocean_clients_reset()
    yield port
    ocean_clients_reset()


def test_it_waits_for_a_simulator_that_starts_later_and_names_the_driver(late_ocean):
    sim = SimServer(port=late_ocean)
    starter = threading.Timer(1.5, sim.start)
    starter.start()
    out, err = StringIO(), StringIO()
    try:
        call_command("demo_setup", "--wait", "30", stdout=out, stderr=err)
    finally:
        starter.cancel()
        sim.stop()
    assert err.getvalue() == ""
    driver = User.objects.get(username="conducteur")
    assert driver.ocean_individu_id == 7001 and driver.matricule == "M0001"
    assert driver.first_name and driver.last_name  # the name comes from Ocean (empty without it)
    assert "manager" in out.getvalue() and "gestionnaire" in out.getvalue()
    assert f"Ocean Portal: http://127.0.0.1:8210/  (Ocean API: http://127.0.0.1:{late_ocean}/ocean/restapi)" \
        in out.getvalue()


def test_the_wait_is_bounded_and_a_warning_says_what_to_do(late_ocean):
    out, err = StringIO(), StringIO()
    started = time.monotonic()
    call_command("demo_setup", "--wait", "1", stdout=out, stderr=err)
    assert time.monotonic() - started < 10
    assert "did not answer" in err.getvalue() and "demo_setup" in err.getvalue()
    driver = User.objects.get(username="conducteur")
    assert driver.ocean_individu_id == 7001 and driver.first_name == ""
    assert "conducteur" in out.getvalue()  # the accounts exist anyway
