"""/healthz: 200 with every dependency up, 503 with the failing one named."""
from __future__ import annotations

import socket

from django.test import override_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_it_is_ok_when_everything_answers(db, client, sim):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "ocean"}
    assert all(check["ok"] for check in body["checks"].values())


def test_it_is_503_when_ocean_is_unreachable(db, client, sim, settings):
    from privacy.services.ocean import ocean_clients_reset

    settings.OCEAN_BASE_URL = f"http://127.0.0.1:{free_port()}/ocean/restapi"
    settings.OCEAN_MAX_RETRIES = 0
    ocean_clients_reset()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["ocean"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_it_is_503_when_ocean_refuses_the_login(db, client, sim, settings):
    from privacy.services.ocean import ocean_clients_reset

    settings.OCEAN_PASSWORD = "wrong-password"
    ocean_clients_reset()
    body = client.get("/healthz").json()
    assert body["status"] == "fail"
    assert "wrong-password" not in str(body)


def test_it_is_503_when_the_cache_is_down(db, client, sim):
    broken = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}
    with override_settings(CACHES=broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False

