"""Fixtures for the Océan simulator tests (no Django needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ocean_sim.app import create_app

# A Wednesday morning, Paris time 11:30 (CET).
NOW = datetime(2026, 3, 11, 10, 30, tzinfo=UTC)
BASE = "/ocean/restapi/"


class Clock:
    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


class Api:
    """Flask test client bound to one token; paths are relative to /ocean/restapi/."""

    def __init__(self, app, token: str):
        self.app, self.client, self.token = app, app.test_client(), token

    def relogin(self) -> None:
        """Tokens live 12 h by the (pinned) clock: log in again after advancing it further."""
        self.token = login(self.app)

    def _h(self, kw: dict) -> dict:
        headers = kw.pop("headers", {}) or {}
        return {"X-AUTH-TOKEN": self.token, **headers}

    def get(self, path: str, **kw):
        return self.client.get(BASE + path, headers=self._h(kw), **kw)

    def post(self, path: str, **kw):
        return self.client.post(BASE + path, headers=self._h(kw), **kw)

    def delete(self, path: str, **kw):
        return self.client.delete(BASE + path, headers=self._h(kw), **kw)


def login(app) -> str:
    r = app.test_client().post(BASE + "auth/authenticate2", json={"login": "demo", "password": "demo"})
    assert r.status_code == 200
    return r.json["token"]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock):
    app = create_app(clock=clock)
    yield app
    app.extensions["ocean_sim"].store.close()


@pytest.fixture
def state(app):
    return app.extensions["ocean_sim"]


@pytest.fixture
def api(app) -> Api:
    return Api(app, login(app))


def week_body(slots_by_day: dict[str, list[tuple[int, int, int, int]]]) -> dict:
    return {
        "innerMap": {
            "map": {
                day: {
                    "VIE_PRIVEE": [
                        {
                            "idJourSemaine": day,
                            "typeHoraires": "VIE_PRIVEE",
                            "debutHeure": dh,
                            "debutMinute": dm,
                            "finHeure": fh,
                            "finMinute": fm,
                        }
                        for dh, dm, fh, fm in slots
                    ]
                }
                for day, slots in slots_by_day.items()
            }
        }
    }
