"""privacy.ocean.tokens: the store, the freshness window and the single-flight renewal, number by number."""
from __future__ import annotations

import hashlib
import logging

import pytest

from privacy.ocean.tokens import LOCK_TIMEOUT, POLL, RENEW_AFTER, MemoryTokenStore, TokenManager, store_key

KEY = "ocean:token:k"


class Clock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


class Store(MemoryTokenStore):
    """The memory store, recording calls; ``fail`` names the operations that raise."""

    def __init__(self, clock, fail=()):
        super().__init__(clock)
        self.log, self.fail = [], set(fail)

    def _op(self, name, *args):
        self.log.append((name, *args))
        if name in self.fail:
            raise RuntimeError(name)

    def get(self, key, default=None):
        self._op("get", key)
        return super().get(key, default)

    def set(self, key, value, timeout=None):
        self._op("set", key, timeout)
        super().set(key, value, timeout)

    def add(self, key, value, timeout=None):
        self._op("add", key, timeout)
        return super().add(key, value, timeout)

    def delete(self, key):
        self._op("delete", key)
        super().delete(key)


class Logins:
    def __init__(self, *tokens):
        self.tokens, self.count = list(tokens), 0

    def __call__(self) -> str:
        self.count += 1
        token = self.tokens.pop(0)
        if isinstance(token, Exception):
            raise token
        return token


@pytest.fixture
def clock():
    return Clock()


def manager(store, login, clock, sleeps=None, wait=25.0):
    return TokenManager(store, KEY, login, clock=clock, sleep=(sleeps.append if sleeps is not None else None),
                        wait=wait)


# -- the memory store -------------------------------------------------------------------------------
def test_memory_store_expiry_add_and_delete(clock):
    store = MemoryTokenStore(clock)
    assert store.get("a", "none") == "none"
    store.set("a", 1, timeout=10)
    store.set("b", 2)  # no timeout: forever
    assert (store.get("a"), store.get("b")) == (1, 2)
    clock.now += 9.9
    assert store.get("a") == 1
    clock.now += 0.1  # expired exactly at set time + timeout
    assert store.get("a") is None and store.get("b") == 2
    assert store.add("a", 3, timeout=5) is True and store.get("a") == 3
    assert store.add("a", 4, timeout=5) is False and store.get("a") == 3
    assert store.add("c", 5) is True
    clock.now += 10**9
    assert store.get("c") == 5 and store.add("a", 6) is True
    store.delete("a")
    store.delete("missing")
    assert store.get("a") is None
    assert repr(store) == "MemoryTokenStore(2 keys)"


def test_store_key_hides_the_login():
    digest = hashlib.sha256(b"https://x.test/api\x00api.user").hexdigest()[:32]
    assert store_key("https://x.test/api", "api.user") == f"ocean:token:{digest}"
    assert store_key("https://x.test/api", "other") != store_key("https://x.test/api", "api.user")


# -- freshness ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("entry", "fresh"),
    [
        ({"token": "t", "issued_at": 1000.0}, True),
        ({"token": "t", "issued_at": 1000 - RENEW_AFTER + 1}, True),
        ({"token": "t", "issued_at": 1000 - RENEW_AFTER}, False),  # 11 h 30 old: renewed before 12 h
        ({"token": "t", "issued_at": 1060}, True),  # another machine's clock up to a minute ahead
        ({"token": "t", "issued_at": 1061}, False),
        ({"token": "t", "issued_at": 1000}, True),
        ({"token": "", "issued_at": 1000}, False),
        ({"token": 5, "issued_at": 1000}, False),
        ({"issued_at": 1000}, False),
        ({"token": "t", "issued_at": "1000"}, False),
        ({"token": "t"}, False),
        ("t", False),
        (None, False),
    ],
)
def test_a_stored_token_is_used_only_while_fresh(clock, entry, fresh):
    store = Store(clock)
    store.set(KEY, entry)
    login = Logins("new")
    assert manager(store, login, clock).current() == ("t" if fresh else "new")
    assert login.count == (0 if fresh else 1)


def test_renew_after_is_11_hours_30():
    assert RENEW_AFTER == 11.5 * 3600 and LOCK_TIMEOUT == 30 and 0 < POLL <= 0.1


# -- storing and reading ----------------------------------------------------------------------------------
def test_a_new_token_is_stored_with_its_time_and_lifetime(clock):
    store = Store(clock)
    tokens = manager(store, Logins(), clock)
    tokens.store_new("abc")
    assert store.get(KEY) == {"token": "abc", "issued_at": 1000.0}
    assert ("set", KEY, 41400) in store.log
    assert repr(tokens) == f"TokenManager(key={KEY!r})"


def test_a_broken_store_falls_back_to_the_process_copy(clock, caplog):
    caplog.set_level(logging.WARNING, logger="privacy.ocean")
    store = Store(clock, fail={"get", "set"})
    tokens = manager(store, Logins(), clock)
    tokens.store_new("abc")
    assert tokens.current() == "abc"  # from the local copy
    assert [r.getMessage() for r in caplog.records] == [
        "ocean token store write failed (RuntimeError)", "ocean token store read failed (RuntimeError)"]


# -- single-flight renewal ---------------------------------------------------------------------------------
def test_the_elected_renewer_logs_in_once_and_releases_the_lock(clock):
    store = Store(clock)
    login = Logins("new")
    assert manager(store, login, clock).renew(stale="old") == "new"
    assert login.count == 1 and store.get(KEY)["token"] == "new"
    assert ("add", KEY + ":lock", 30) in store.log and ("delete", KEY + ":lock") in store.log
    assert store.get(KEY + ":lock") is None


def test_the_elected_renewer_reuses_a_token_renewed_meanwhile(clock):
    store = Store(clock)
    store.set(KEY, {"token": "fresh", "issued_at": 1000.0})
    login = Logins("new")
    assert manager(store, login, clock).renew(stale="old") == "fresh"
    assert login.count == 0
    assert manager(store, login, clock).renew(stale="fresh") == "new"  # the stale one is not taken back
    assert login.count == 1


def test_the_lock_is_released_even_when_the_login_fails(clock):
    store = Store(clock)
    with pytest.raises(ValueError):
        manager(store, Logins(ValueError("refused")), clock).renew(stale=None)
    assert store.get(KEY + ":lock") is None


def test_a_lock_release_failure_is_only_logged(clock, caplog):
    store = Store(clock, fail={"delete"})
    assert manager(store, Logins("new"), clock).renew(stale=None) == "new"
    assert "ocean token lock release failed (RuntimeError)" in [r.getMessage() for r in caplog.records]


def test_without_a_working_lock_it_logs_in_directly(clock, caplog):
    store = Store(clock, fail={"add"})
    login = Logins("new")
    assert manager(store, login, clock).renew(stale=None) == "new" and login.count == 1
    assert [r.getMessage() for r in caplog.records] == ["ocean token lock failed (RuntimeError)"]


def test_the_others_wait_for_the_renewer_token(clock):
    store = Store(clock)
    store.add(KEY + ":lock", "1", LOCK_TIMEOUT)  # another process is logging in
    sleeps: list[float] = []
    tokens = manager(store, Logins("mine"), clock, sleeps)

    def renewed_after_two_polls(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            store.set(KEY, {"token": "theirs", "issued_at": clock.now})

    tokens._sleep = renewed_after_two_polls
    assert tokens.renew(stale="old") == "theirs" and sleeps == [POLL, POLL]


def test_the_others_give_up_waiting_after_the_wait_and_log_in(clock, caplog):
    store = Store(clock)
    store.add(KEY + ":lock", "1", LOCK_TIMEOUT)
    store.set(KEY, {"token": "old", "issued_at": clock.now})  # still the stale one
    sleeps: list[float] = []
    login = Logins("mine")
    assert manager(store, login, clock, sleeps, wait=0.5).renew(stale="old") == "mine"
    assert set(sleeps) == {POLL} and sum(sleeps) == pytest.approx(0.5 + POLL)  # polls for the wait, then
    assert login.count == 1  # its own login
    assert [r.getMessage() for r in caplog.records] == ["ocean login lock held too long; logging in without it"]


def test_a_fresh_token_is_used_without_taking_the_lock(clock):
    store = Store(clock)
    store.set(KEY, {"token": "t", "issued_at": clock.now})
    store.log.clear()
    assert manager(store, Logins(), clock).current() == "t"
    assert store.log == [("get", KEY)]


def test_by_default_the_others_wait_25_seconds(clock):
    store = Store(clock)
    store.add(KEY + ":lock", "1", LOCK_TIMEOUT)
    sleeps: list[float] = []
    tokens = TokenManager(store, KEY, Logins("mine"), clock=clock, sleep=sleeps.append)
    assert tokens.renew(stale=None) == "mine" and set(sleeps) == {POLL}
    assert sum(sleeps) == pytest.approx(25 + POLL)  # 25 s of polls


class CheckThenSetStore(MemoryTokenStore):
    """A store whose ``add`` checks then writes with a gap, like Django's file cache: two callers can win."""

    def add(self, key, value, timeout=None):
        import time

        if self.get(key) is not None:
            return False
        time.sleep(0.02)
        self.set(key, value, timeout)
        return True


def test_threads_of_one_process_log_in_once_even_when_the_stores_add_is_not_atomic():
    import threading
    import time

    logins = []

    def login():
        logins.append(1)
        time.sleep(0.05)
        return f"tok{len(logins)}"

    tokens = TokenManager(CheckThenSetStore(), KEY, login, clock=time.monotonic, sleep=time.sleep)
    got = []
    threads = [threading.Thread(target=lambda: got.append(tokens.current())) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(logins) == 1 and got == ["tok1"] * 12
