"""Token sharing between processes (ocean-api §1.1: 12 h lifetime, no refresh).

The store is anything with Django-cache-like `get/set/add/delete` — the portal
passes Django's shared cache so web, worker and CLI processes reuse one token.
Stored value: `{"token": str, "issued_at": epoch seconds}` under a key derived
from a hash of base_url+login (the login itself never appears in a key).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("privacy.ocean")

RENEW_AFTER = 11.5 * 3600  # renew before the documented 12 h expiry
LOCK_TIMEOUT = 30  # seconds a login lock may be held
POLL = 0.02  # a caller waiting for another one's login sees the token within 20 ms (a cache read each time)


class MemoryTokenStore:
    """Process-local store with the Django cache API subset we use (default)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._data: dict[str, tuple[Any, float | None]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def _live(self, key: str) -> bool:
        item = self._data.get(key)
        if item is None:
            return False
        if item[1] is not None and item[1] <= self._clock():
            del self._data[key]
            return False
        return True

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return self._data[key][0] if self._live(key) else default

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        with self._lock:
            self._data[key] = (value, None if timeout is None else self._clock() + timeout)

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        with self._lock:
            if self._live(key):
                return False
            self._data[key] = (value, None if timeout is None else self._clock() + timeout)
            return True

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def __repr__(self) -> str:
        return f"MemoryTokenStore({len(self._data)} keys)"


def store_key(base_url: str, login: str) -> str:
    digest = hashlib.sha256(f"{base_url}\x00{login}".encode()).hexdigest()[:32]
    return f"ocean:token:{digest}"


class TokenManager:
    """Single-flight login: `add(lock_key)` elects one renewer; the others poll
    the store briefly for the new token (then log in themselves if it never comes)."""

    def __init__(
        self,
        store,
        key: str,
        login_fn: Callable[[], str],
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        wait: float = 25.0,
    ) -> None:
        self.store = store
        self.key = key
        self.lock_key = key + ":lock"
        self._login_fn = login_fn
        self._clock = clock
        self._sleep = sleep
        self._wait = wait
        self._local: dict | None = None  # fallback if the shared store errors
        self._renew_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TokenManager(key={self.key!r})"

    def _read(self) -> Any:
        try:
            return self.store.get(self.key)
        except Exception as exc:  # noqa: BLE001 - any cache backend error
            log.warning("ocean token store read failed (%s)", type(exc).__name__)
            return self._local

    def _fresh(self, entry: Any) -> str | None:
        if not isinstance(entry, dict):
            return None
        token, issued = entry.get("token"), entry.get("issued_at")
        if not token or not isinstance(token, str) or not isinstance(issued, (int, float)):
            return None
        age = self._clock() - issued
        return token if -60 <= age < RENEW_AFTER else None

    def current(self) -> str:
        return self._fresh(self._read()) or self.renew(stale=None)

    def store_new(self, token: str) -> None:
        entry = {"token": token, "issued_at": self._clock()}
        self._local = entry
        try:
            self.store.set(self.key, entry, int(RENEW_AFTER))
        except Exception as exc:  # noqa: BLE001 - any cache backend error
            log.warning("ocean token store write failed (%s)", type(exc).__name__)

    def _login(self) -> str:
        token = self._login_fn()
        self.store_new(token)
        return token

    def renew(self, stale: str | None) -> str:
        """A valid token different from `stale`, logging in at most once across processes. Threads of one
        process queue on a lock first: the store's `add` is not atomic in every backend (Django's file
        cache checks then writes), and a page's first wave starts a dozen calls at once."""
        with self._renew_lock:
            token = self._fresh(self._read())  # another thread of this process renewed it meanwhile
            if token and token != stale:
                return token
            return self._renew(stale)

    def _renew(self, stale: str | None) -> str:
        for _ in range(int(self._wait / POLL) + 1):
            try:
                elected = self.store.add(self.lock_key, "1", LOCK_TIMEOUT)
            except Exception as exc:  # noqa: BLE001 - any cache backend error
                log.warning("ocean token lock failed (%s)", type(exc).__name__)
                return self._login()
            if elected:
                try:
                    token = self._fresh(self._read())  # renewed while we waited for the lock?
                    if token and token != stale:
                        return token
                    return self._login()
                finally:
                    try:
                        self.store.delete(self.lock_key)
                    except Exception as exc:  # noqa: BLE001 - any cache backend error; lock expires anyway
                        log.warning("ocean token lock release failed (%s)", type(exc).__name__)
            token = self._fresh(self._read())
            if token and token != stale:
                return token
            self._sleep(POLL)
        log.warning("ocean login lock held too long; logging in without it")
        return self._login()
