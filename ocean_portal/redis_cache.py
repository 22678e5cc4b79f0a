"""Django's Redis cache, with one redis-py client per connection pool instead of one per cache call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every get/set; since redis-py 5 that
constructor copies its ~170 response callbacks into a case-insensitive dict (≈ 0.35 ms of CPU). A page makes
about ten cache calls, so it was ≈ 4 ms of a 17 ms page (bench/page_cpu.py --profile). A ``redis.Redis`` is
thread-safe (each command borrows a connection from the pool), so one per pool serves every thread; after a
fork the pool itself notices the new process and opens fresh connections.
"""
from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:  # two threads may both build one: harmless, the last one is kept
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
