"""The portal's Redis cache backend (ocean_portal/redis_cache.py): Django's, reusing its redis-py client."""
from __future__ import annotations

import threading

import redis

from ocean_portal.redis_cache import RedisCache

from .conftest import require_server

URL = "redis://127.0.0.1:6379/14"


def test_one_client_serves_every_call_and_thread_and_the_cache_still_works(monkeypatch):
    require_server(URL, "Redis")
    built = []
    real_init = redis.Redis.__init__

    def counting_init(self, *args, **kwargs):
        built.append(1)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting_init)
    cache = RedisCache(URL, {"KEY_PREFIX": "redis-cache-test"})
    cache.set("week", {"lundi": [8, 18]}, 30)
    errors = []

    def reader():
        try:
            for _ in range(20):
                assert cache.get("week") == {"lundi": [8, 18]}
        except AssertionError as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.add("week", "other", 30) is False and cache.get("week") == {"lundi": [8, 18]}
    cache.delete("week")
    assert cache.get("week", "gone") == "gone" and not errors
    assert len(built) == 1  # Django's own backend builds one per call: 2 + 160 + 3 here
