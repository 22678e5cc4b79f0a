"""Fixtures for the Océan client tests (no Django needed)."""

from __future__ import annotations

import pytest
import responses

from privacy.ocean import MemoryTokenStore, OceanClient, OceanConfig

from .support import BASE, PASSWORD, load


class Sleeps(list):
    """Injected sleep: records the delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def config() -> OceanConfig:
    return OceanConfig(base_url=BASE, login="api.user", password=PASSWORD, customer_id=1110000000)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def login_ok(rsps):
    return rsps.add(responses.POST, f"{BASE}/auth/authenticate2", json=load("login.json"))


@pytest.fixture
def make_client(config, sleeps):
    def make(cfg: OceanConfig | None = None, **kw) -> OceanClient:
        kw.setdefault("sleep", sleeps)
        kw.setdefault("token_store", MemoryTokenStore())
        return OceanClient(cfg or config, **kw)

    return make


@pytest.fixture
def client(make_client, login_ok):
    return make_client()
