"""/healthz: 200 with every dependency up, 503 with the failing one named (details for staff or the
configured token only); Océan's state comes from a real call, cached briefly."""
from __future__ import annotations

import socket

import pytest
from django.core.cache import cache
from django.test import override_settings

TOKEN = "s3cret-healthz-token"


@pytest.fixture
def client(client, settings):
    """A monitoring client presenting the configured token: it gets the details."""
    settings.HEALTHZ_TOKEN = TOKEN
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    return client


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
    # The container healthcheck's scope: this installation only, Océan's state still reported.
    local = client.get("/healthz?scope=local")
    assert (local.status_code, local.json()["status"], local.json()["ocean"]) == (200, "ok", "down")


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
        local = client.get("/healthz?scope=local")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False
    assert local.status_code == 503  # a broken installation fails the local scope too



ENTITIES = "GET mobility/v1/entities"


def test_ocean_down_with_a_token_still_cached_is_503_and_says_ocean_is_down(db, client, sim):
    assert client.get("/healthz").status_code == 200  # a token is now cached
    cache.delete("healthz:ocean")
    sim.set_faults(error_rate=1.0)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["ocean"] == "down" and response.json()["status"] == "fail"


def test_oceans_status_comes_from_a_real_call_reused_for_a_short_time(db, client, sim, settings):
    settings.HEALTHZ_OCEAN_CACHE_S = 30
    for _ in range(3):
        assert client.get("/healthz").json()["ocean"] == "up"
    assert sim.stats()["by_endpoint"].get(ENTITIES) == 1


def test_anonymous_callers_get_the_status_only(db, sim, settings):
    from django.test import Client

    settings.HEALTHZ_TOKEN = TOKEN
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = Client().get("/healthz", headers=headers)
        assert response.json() == {"status": "ok", "ocean": "up"}
        text = response.content.decode().lower()
        assert not any(word in text for word in ("sqlite", "postgres", "redis", "filesystem", "cache", "ms"))


def test_staff_see_the_details(db, sim, admin_user, login, settings):
    settings.HEALTHZ_TOKEN = ""
    body = login(admin_user).get("/healthz").json()
    assert set(body["checks"]) == {"database", "cache", "broker", "ocean"}
