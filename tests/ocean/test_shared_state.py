"""Cross-process behaviour: one login shared through a store; rate limits in Redis / a file."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from privacy.ocean import FileTokenBucket, OceanClient, OceanConfig, OceanUnavailable, RedisTokenBucket
from privacy.ocean.ratelimit import REFUSED, TAKEN, YIELDED, _reserve

from .support import need_server

FORK = multiprocessing.get_context("fork")
REDIS_URL = "redis://127.0.0.1:6379/15"


# -- a tiny Océan stand-in that counts logins ------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    logins = 0
    lock = threading.Lock()

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        json.loads(self.rfile.read(length) or b"{}")
        with _Handler.lock:
            _Handler.logins += 1
        time.sleep(0.5)  # slow login: the other process must wait for it, not log in too
        self._send(200, {"token": "shared-token", "passwordExpirationRemainingDays": 30})

    def do_GET(self):
        if self.headers.get("X-AUTH-TOKEN") != "shared-token":
            self._send(401, {"message": "no token"})
        else:
            self._send(200, {"entities": [{"id": 1, "nom": "A"}]})


@pytest.fixture
def fake_ocean():
    _Handler.logins = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/ocean/restapi"
    server.shutdown()
    server.server_close()


# -- two shared token stores with the Django cache API subset -----------------------------------
class FileStore:
    """JSON file + flock; enough of the cache API (get/set/add/delete with timeouts)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def _locked(self, fn):
        with open(self.path, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.seek(0)
            data = json.loads(fh.read() or "{}")
            data = {k: v for k, v in data.items() if v[1] is None or v[1] > time.time()}
            result = fn(data)
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps(data))
            return result

    def get(self, key, default=None):
        return self._locked(lambda d: d[key][0] if key in d else default)

    def set(self, key, value, timeout=None):
        self._locked(lambda d: d.__setitem__(key, [value, timeout and time.time() + timeout]))

    def add(self, key, value, timeout=None):
        def op(d):
            if key in d:
                return False
            d[key] = [value, timeout and time.time() + timeout]
            return True

        return self._locked(op)

    def delete(self, key):
        self._locked(lambda d: d.pop(key, None))


class RedisStore:
    """What Django's RedisCache does, minus pickling."""

    def __init__(self, url: str) -> None:
        import redis

        self.r = redis.Redis.from_url(url)

    def get(self, key, default=None):
        raw = self.r.get(key)
        return default if raw is None else json.loads(raw)

    def set(self, key, value, timeout=None):
        self.r.set(key, json.dumps(value), ex=int(timeout) if timeout else None)

    def add(self, key, value, timeout=None):
        return bool(self.r.set(key, json.dumps(value), ex=int(timeout) if timeout else None, nx=True))

    def delete(self, key):
        self.r.delete(key)


def _store(spec):
    kind, where = spec
    return FileStore(where) if kind == "file" else RedisStore(where)


def _call_entities(base_url, spec, barrier, results):
    client = OceanClient(
        OceanConfig(base_url=base_url, login="demo", password="demo"), token_store=_store(spec)
    )
    barrier.wait()
    results.put([e.id for e in client.entities()])


def _run_two(base_url, spec):
    barrier, results = FORK.Barrier(2), FORK.Queue()
    procs = [FORK.Process(target=_call_entities, args=(base_url, spec, barrier, results)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert [p.exitcode for p in procs] == [0, 0]
    return [results.get(timeout=1) for _ in procs]


def test_two_processes_share_one_login_through_a_file_store(fake_ocean, tmp_path):
    assert _run_two(fake_ocean, ("file", str(tmp_path / "tokens.json"))) == [[1], [1]]
    assert _Handler.logins == 1


def test_two_processes_share_one_login_through_redis(fake_ocean):
    need_server("127.0.0.1", 6379, "Redis")
    assert _run_two(fake_ocean, ("redis", REDIS_URL)) == [[1], [1]]
    assert _Handler.logins == 1


# -- rate limiting ------------------------------------------------------------------------------
def test_reserve_arithmetic():
    assert _reserve(None, None, 100.0, rate=2, burst=3, max_wait=10) == (2.0, 100.0, 0.0, TAKEN)
    tokens, _, wait, outcome = _reserve(-1.0, 100.0, 100.0, rate=2, burst=3, max_wait=10)
    assert (tokens, wait, outcome) == (-2.0, 1.0, TAKEN)  # queued behind one reservation
    assert _reserve(-30.0, 100.0, 100.0, rate=2, burst=3, max_wait=10)[3] == REFUSED
    assert _reserve(-1.0, 100.0, 200.0, rate=2, burst=3, max_wait=10)[0] == 2.0  # refilled, capped


def test_a_background_caller_takes_only_spare_slots_and_never_reserves_ahead():
    # keep=2: with 3 slots left it takes one; with 2.5 it waits until 3 are back, taking nothing.
    assert _reserve(3.0, 100.0, 100.0, rate=2, burst=4, max_wait=10, keep=2) == (2.0, 100.0, 0.0, TAKEN)
    assert _reserve(2.5, 100.0, 100.0, rate=2, burst=4, max_wait=10, keep=2) == (2.5, 100.0, 0.25, YIELDED)
    assert _reserve(-5.0, 100.0, 100.0, rate=2, burst=4, max_wait=1, keep=2)[3] == YIELDED  # never refused


def test_a_page_keeps_its_burst_while_a_worker_reads_a_whole_fleet(tmp_path):
    """A background reader (keep=5) hammering the bucket leaves a page's five requests free to go at once."""
    path = tmp_path / "bucket.json"
    background = FileTokenBucket(path, rate=20, burst=10, keep=5)
    page = FileTokenBucket(path, rate=20, burst=10)
    stop = threading.Event()

    def read_fleet():
        while not stop.is_set():
            background.acquire()

    worker = threading.Thread(target=read_fleet)
    worker.start()
    try:
        time.sleep(0.5)  # the worker drained the bucket down to its keep
        started = time.monotonic()
        for _ in range(5):
            page.acquire()
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        worker.join(5)
    assert elapsed < 0.1  # without keep the worker's reservations would queue them: ≥ 0.25 s


def test_a_background_caller_gives_up_after_max_wait(tmp_path):
    sleeps = []
    bucket = FileTokenBucket(tmp_path / "b.json", rate=1, burst=3, max_wait=2.5, sleep=sleeps.append,
                             clock=lambda: 1000.0, keep=2)
    bucket.acquire()  # 3 left → takes one
    with pytest.raises(OceanUnavailable):
        bucket.acquire()  # 2 left: yields 1 s at a time (the clock stands still) until 2.5 s are spent
    assert sleeps == [1.0, 1.0]


def test_redis_background_caller_yields_to_the_keep(redis_key):
    import redis

    sleeps = []
    bucket = RedisTokenBucket(redis.Redis.from_url(REDIS_URL), key=redis_key, rate=1, burst=3, keep=2,
                              max_wait=0.5, sleep=sleeps.append)
    bucket.acquire()
    with pytest.raises(OceanUnavailable):
        bucket.acquire()
    assert sleeps == []  # the first yield (≈ 1 s) already exceeds max_wait: nothing slept, nothing taken


def _hammer(make_spec, n, barrier, results):
    kind, arg, rate, burst = make_spec
    if kind == "redis":
        import redis

        bucket = RedisTokenBucket(redis.Redis.from_url(REDIS_URL), key=arg, rate=rate, burst=burst)
    else:
        bucket = FileTokenBucket(arg, rate=rate, burst=burst)
    barrier.wait()
    for _ in range(n):
        bucket.acquire()
    results.put(time.monotonic())


def _timed_across_processes(spec, per_process):
    barrier, results = FORK.Barrier(3), FORK.Queue()
    procs = [FORK.Process(target=_hammer, args=(spec, per_process, barrier, results)) for _ in range(2)]
    for p in procs:
        p.start()
    barrier.wait()
    started = time.monotonic()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    return max(results.get(timeout=1) for _ in procs) - started


@pytest.fixture
def redis_key():
    need_server("127.0.0.1", 6379, "Redis")
    import redis

    key = f"test:ocean:ratelimit:{uuid.uuid4().hex}"
    yield key
    redis.Redis.from_url(REDIS_URL).delete(key)


def test_redis_bucket_is_shared_between_processes(redis_key):
    rate, burst, n = 20.0, 4, 12  # 24 acquisitions → at least (24 - 4) / 20 = 1.0 s
    elapsed = _timed_across_processes(("redis", redis_key, rate, burst), n)
    assert (2 * n - burst) / rate - 0.05 <= elapsed < (2 * n - burst) / rate + 1.5


def test_file_bucket_is_shared_between_processes(tmp_path):
    rate, burst, n = 20.0, 4, 12
    elapsed = _timed_across_processes(("file", str(tmp_path / "bucket.json"), rate, burst), n)
    assert (2 * n - burst) / rate - 0.05 <= elapsed < (2 * n - burst) / rate + 1.5


def test_redis_bucket_refuses_beyond_max_wait(redis_key):
    import redis

    bucket = RedisTokenBucket(redis.Redis.from_url(REDIS_URL), key=redis_key, rate=1, burst=1, max_wait=0.5)
    bucket.acquire()
    with pytest.raises(OceanUnavailable):
        bucket.acquire()


def test_file_bucket_refuses_beyond_max_wait(tmp_path):
    sleeps = []
    bucket = FileTokenBucket(
        tmp_path / "b.json", rate=1, burst=2, max_wait=1.5, sleep=sleeps.append, clock=lambda: 1000.0
    )
    bucket.acquire()
    bucket.acquire()
    bucket.acquire()  # waits 1 s for its slot
    with pytest.raises(OceanUnavailable):
        bucket.acquire()  # would wait 2 s
    assert sleeps == [1.0]
    assert os.stat(tmp_path / "b.json").st_mode & 0o777 == 0o600


def test_redis_bucket_fails_open_when_redis_is_down(caplog):
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    bucket = RedisTokenBucket(dead, key="x", rate=1, burst=1)
    bucket.acquire()
    bucket.acquire()
    assert "not throttling" in caplog.text


def test_bucket_arguments_are_validated(tmp_path):
    with pytest.raises(ValueError):
        FileTokenBucket(tmp_path / "x", rate=0)
    with pytest.raises(ValueError):
        FileTokenBucket(tmp_path / "x", rate=1, burst=0.5)
    with pytest.raises(ValueError):
        FileTokenBucket(tmp_path / "x", rate=1, burst=5, keep=5)


def test_file_bucket_creates_its_directory_and_fails_open_when_unusable(tmp_path, caplog):
    FileTokenBucket(tmp_path / "var" / "sub" / "bucket", rate=5).acquire()
    assert (tmp_path / "var" / "sub" / "bucket").exists()
    (tmp_path / "file").write_text("")
    FileTokenBucket(tmp_path / "file" / "bucket", rate=5).acquire()  # parent is a file
    assert "not throttling" in caplog.text
