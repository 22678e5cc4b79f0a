"""Client-side rate limiting shared by every process that talks to Océan.

Océan documents 429 but no quota (ocean-api §8.1), so we throttle ourselves.
Each limiter has `acquire()`, called before every HTTP request (retries and
logins included). The token buckets *reserve* a slot atomically (the bucket may
go negative) and the caller sleeps outside any lock until its slot comes, so
waiting callers are served roughly in arrival order with one round trip each.
A wait longer than `max_wait` is not reserved and raises OceanUnavailable.

A bucket built with ``keep=N`` is a *background* caller's door to the same bucket: it takes a slot only
while more than N are left, and never reserves ahead, so a page's burst still finds its slots free while a
worker reads a whole fleet (issue 16: a thousand assignment histories must not queue every page behind
them). Its total yielding is bounded by ``max_wait`` too.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from collections.abc import Callable

from .errors import OceanUnavailable

log = logging.getLogger("privacy.ocean")

DEFAULT_MAX_RPS = 5.0


class NoRateLimit:
    def acquire(self) -> None:
        return None

    def __repr__(self) -> str:
        return "NoRateLimit()"


TAKEN, REFUSED, YIELDED = 1, 0, 2


def _reserve(
    tokens: float | None, ts: float | None, now: float, rate: float, burst: float, max_wait: float,
    keep: float = 0.0,
) -> tuple[float, float, float, int]:
    """Pure bucket step → (tokens, ts, wait, outcome): TAKEN (sleep ``wait`` then go), REFUSED, or
    YIELDED (a ``keep`` caller found N or fewer slots left: nothing taken, ask again after ``wait``)."""
    if tokens is None or ts is None:
        tokens, ts = burst, now
    tokens = min(burst, tokens + max(0.0, now - ts) * rate)
    if keep > 0 and tokens - 1.0 < keep:
        return tokens, now, (keep + 1.0 - tokens) / rate, YIELDED
    wait = max(0.0, (1.0 - tokens) / rate)
    if wait > max_wait:
        return tokens, now, wait, REFUSED
    return tokens - 1.0, now, wait, TAKEN


class _Bucket:
    def __init__(
        self, rate: float, burst: float | None, max_wait: float, sleep: Callable[[float], None],
        keep: float = 0.0,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be > 0 requests per second")
        self.rate = float(rate)
        self.burst = float(burst if burst is not None else max(1.0, rate))
        if self.burst < 1:
            raise ValueError("burst must be >= 1")
        if not 0 <= keep < self.burst:
            raise ValueError("keep must be >= 0 and below the burst")
        self.max_wait = float(max_wait)
        self.keep = float(keep)
        self._sleep = sleep

    def _take(self) -> tuple[int, float]:  # pragma: no cover - abstract
        raise NotImplementedError

    def acquire(self) -> None:
        yielded = 0.0
        while True:
            outcome, wait = self._take()
            if outcome == TAKEN:
                if wait > 0:
                    self._sleep(wait)
                return
            if outcome == REFUSED or yielded + wait > self.max_wait:
                raise OceanUnavailable("Ocean client rate limit: too many queued requests, try again later")
            yielded += wait
            self._sleep(wait)


_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local keep = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then tokens = burst; ts = now end
local elapsed = now - ts
if elapsed < 0 then elapsed = 0 end
tokens = math.min(burst, tokens + elapsed * rate)
if keep > 0 and tokens - 1 < keep then return {2, tostring((keep + 1 - tokens) / rate)} end
local wait = (1 - tokens) / rate
if wait < 0 then wait = 0 end
if wait > max_wait then return {0, tostring(wait)} end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {1, tostring(wait)}
"""


class RedisTokenBucket(_Bucket):
    """Token bucket in Redis (one Lua script = atomic; Redis TIME = one clock for
    all hosts). If Redis is unreachable the limiter fails OPEN (logs a warning):
    losing the throttle is better than taking the whole portal down."""

    def __init__(
        self,
        redis_client,
        key: str = "ocean:ratelimit",
        rate: float = DEFAULT_MAX_RPS,
        burst: float | None = None,
        *,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        keep: float = 0.0,
    ) -> None:
        super().__init__(rate, burst, max_wait, sleep, keep)
        self.redis = redis_client
        self.key = key
        self._script = redis_client.register_script(_LUA)

    def _take(self) -> tuple[int, float]:
        try:
            outcome, wait = self._script(keys=[self.key], args=[self.rate, self.burst, self.max_wait, self.keep])
        except Exception as exc:  # noqa: BLE001 - RedisError, socket errors: fail open
            log.warning("ocean rate limiter: redis unavailable (%s), not throttling", type(exc).__name__)
            return TAKEN, 0.0
        return int(outcome), float(wait)

    def __repr__(self) -> str:
        return f"RedisTokenBucket(key={self.key!r}, rate={self.rate}, burst={self.burst}, keep={self.keep})"


class FileTokenBucket(_Bucket):
    """The same bucket for processes on one machine: a small JSON state file
    guarded by `fcntl.flock` (embedded deployments without Redis)."""

    def __init__(
        self,
        path: str | os.PathLike,
        rate: float = DEFAULT_MAX_RPS,
        burst: float | None = None,
        *,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        keep: float = 0.0,
    ) -> None:
        super().__init__(rate, burst, max_wait, sleep, keep)
        self.path = os.fspath(path)
        self._clock = clock

    def _take(self) -> tuple[int, float]:
        try:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            log.warning("ocean rate limiter: state file unusable (%s), not throttling", type(exc).__name__)
            return TAKEN, 0.0
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = b""
            while chunk := os.read(fd, 4096):
                raw += chunk
            try:
                state = json.loads(raw) if raw else {}
            except ValueError:
                state = {}
            tokens, ts, wait, outcome = _reserve(
                state.get("tokens"), state.get("ts"), self._clock(), self.rate, self.burst, self.max_wait,
                self.keep,
            )
            if outcome == TAKEN:
                data = json.dumps({"tokens": tokens, "ts": ts}).encode()
                os.lseek(fd, 0, os.SEEK_SET)
                os.ftruncate(fd, 0)
                os.write(fd, data)
            return outcome, wait
        finally:
            os.close(fd)  # closing releases the flock

    def __repr__(self) -> str:
        return f"FileTokenBucket(path={self.path!r}, rate={self.rate}, burst={self.burst}, keep={self.keep})"
