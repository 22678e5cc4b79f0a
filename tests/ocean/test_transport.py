"""privacy.ocean.http.Transport pinned down: retry budgets, backoff, Retry-After, error mapping, log lines.

test_retries_auth.py tells the story through the client; here each rule of the transport is pinned
with exact numbers, so that one retry more or less, or a wrong delay, fails a test.
"""
from __future__ import annotations

import itertools
import logging
import re
from email.utils import formatdate

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError

from privacy.ocean import MemoryTokenStore, OceanAuthError, OceanConfig, OceanRejected, OceanUnavailable
from privacy.ocean.http import Transport, _not_sent
from privacy.ocean.ratelimit import NoRateLimit

from .support import BASE, PASSWORD, TOKEN, load

NOW = 1_900_000_000.0
ENTITIES = f"{BASE}/mobility/v1/entities"
LOGIN = f"{BASE}/auth/authenticate2"


class Recorder(list):
    def __call__(self, value):
        self.append(value)


@pytest.fixture
def sleeps():
    return Recorder()


@pytest.fixture
def make(config, sleeps):
    def make(cfg: OceanConfig | None = None, rand=lambda low, high: high, **kw) -> Transport:
        return Transport(cfg or config, token_store=kw.pop("store", MemoryTokenStore()), rate_limiter=NoRateLimit(),
                         session=None, clock=lambda: NOW, sleep=sleeps, rand=rand, **kw)

    return make


def refused() -> requests.ConnectionError:
    """What requests raises when the TCP connection could not even be opened."""
    return requests.ConnectionError(MaxRetryError(None, "/w", NewConnectionError(None, "refused")))


def calls(rsps, url):
    return sum(1 for c in rsps.calls if c.request.url.split("?")[0] == url)


# -- retry budgets ------------------------------------------------------------------------------
@pytest.mark.parametrize("max_retries", [0, 1, 3, 5])
def test_network_errors_are_retried_exactly_max_retries_times(make, rsps, sleeps, max_retries):
    cfg = OceanConfig(base_url=BASE, login="u", password="p", max_retries=max_retries, backoff_factor=1,
                      backoff_max=100)
    rsps.add(responses.GET, ENTITIES, body=requests.ConnectionError("reset"))
    with pytest.raises(OceanUnavailable) as err:
        make(cfg).send("GET", "mobility/v1/entities", idempotent=True)
    assert calls(rsps, ENTITIES) == max_retries + 1
    assert sleeps == [2.0**n for n in range(max_retries)]  # 1, 2, 4, 8, 16 s with the jitter at its top
    assert str(err.value) == "Ocean unreachable (ConnectionError) on GET mobility/v1/entities"
    assert (err.value.status, err.value.outcome_unknown, err.value.retry_after) == (None, False, None)


@pytest.mark.parametrize("max_retries", [0, 2, 4])
def test_transient_statuses_are_retried_exactly_max_retries_times(make, rsps, sleeps, max_retries):
    cfg = OceanConfig(base_url=BASE, login="u", password="p", max_retries=max_retries)
    rsps.add(responses.GET, ENTITIES, status=502)
    with pytest.raises(OceanUnavailable) as err:
        make(cfg).send("GET", "mobility/v1/entities", idempotent=True)
    assert calls(rsps, ENTITIES) == max_retries + 1 and len(sleeps) == max_retries
    assert str(err.value) == "Ocean answered HTTP 502 on GET mobility/v1/entities"
    assert (err.value.status, err.value.retry_after) == (502, None)


def test_backoff_doubles_with_equal_jitter_and_is_capped(make, sleeps):
    cfg = OceanConfig(base_url=BASE, login="u", password="p", backoff_factor=0.5, backoff_max=3)
    draws = []

    def rand(low, high):
        draws.append((low, high))
        return low

    transport = make(cfg, rand=rand)
    assert [transport._backoff(n) for n in range(5)] == [0.25, 0.5, 1.0, 1.5, 1.5]  # half of the base, at least
    assert draws == [(0, 0.25), (0, 0.5), (0, 1.0), (0, 1.5), (0, 1.5)]  # plus up to the other half
    top = make(cfg, rand=lambda low, high: high)
    assert [top._backoff(n) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_writes_that_may_have_landed_are_never_resent(make, rsps, sleeps):
    url = f"{BASE}/w"
    rsps.add(responses.POST, url, body=requests.ReadTimeout("slow"))
    with pytest.raises(OceanUnavailable) as err:
        make().send("POST", "w", idempotent=False)
    assert calls(rsps, url) == 1 and sleeps == [] and err.value.outcome_unknown
    rsps.replace(responses.POST, url, status=503)
    assert make().send("POST", "w", idempotent=False).status_code == 503  # returned for check() to map
    assert calls(rsps, url) == 2 and sleeps == []


def test_a_request_that_never_left_is_resent_even_for_a_write(make, rsps, sleeps):
    url = f"{BASE}/w"
    rsps.add(responses.POST, url, body=refused())
    rsps.add(responses.POST, url, body=requests.ConnectTimeout("no route"))
    rsps.add(responses.POST, url, status=201)
    assert make().send("POST", "w", idempotent=False).status_code == 201
    assert calls(rsps, url) == 3 and sleeps == [0.5, 1.0]
    rsps.replace(responses.POST, url, body=requests.ConnectTimeout("no route"))
    with pytest.raises(OceanUnavailable) as err:
        make().send("POST", "w", idempotent=False)
    assert not err.value.outcome_unknown  # it certainly did not happen


def test_what_counts_as_not_sent():
    assert _not_sent(requests.ConnectTimeout("x"))
    assert _not_sent(refused())
    assert not _not_sent(requests.ConnectionError(MaxRetryError(None, "/w", None)))
    assert not _not_sent(requests.ConnectionError("reset by peer"))
    assert not _not_sent(requests.ConnectionError())
    assert not _not_sent(requests.ReadTimeout("slow"))
    assert not _not_sent(requests.ReadTimeout(refused().args[0]))  # a read timeout is not a refused connection


def test_429_is_retried_even_on_a_write_and_honours_retry_after(make, rsps, sleeps):
    url = f"{BASE}/w"
    rsps.add(responses.POST, url, status=429, headers={"Retry-After": "4"})
    rsps.add(responses.POST, url, status=429)
    rsps.add(responses.POST, url, status=200)
    assert make().send("POST", "w", idempotent=False).status_code == 200
    assert sleeps == [4.0, 1.0]  # the server's pause, then our own backoff for the 2nd attempt


def test_retry_after_at_the_cap_is_waited_beyond_it_is_not(make, rsps, sleeps, config):
    rsps.add(responses.GET, ENTITIES, status=503, headers={"Retry-After": str(config.backoff_max)})
    rsps.add(responses.GET, ENTITIES, status=503, headers={"Retry-After": str(config.backoff_max + 0.5)})
    with pytest.raises(OceanUnavailable) as err:
        make().send("GET", "mobility/v1/entities", idempotent=True)
    assert sleeps == [config.backoff_max] and calls(rsps, ENTITIES) == 2
    assert (err.value.status, err.value.retry_after) == (503, config.backoff_max + 0.5)


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("", None), ("3", 3.0), ("1.5", 1.5), ("-7", 0.0), ("soon", None), ("Mon, 99 Foo", None),
     (formatdate(NOW + 5, usegmt=True), 5.0), (formatdate(NOW - 60, usegmt=True), 0.0)],
)
def test_retry_after_values(make, header, expected):
    resp = requests.Response()
    if header is not None:
        resp.headers["Retry-After"] = header
    assert make()._retry_after(resp) == expected


# -- the request itself -------------------------------------------------------------------------
def test_url_timeouts_and_request_options(make, rsps):
    rsps.add(responses.GET, "https://other.test/api/x", json={})
    rsps.add(responses.GET, f"{BASE}/y", json={})
    transport = make()
    transport.send("GET", "x", idempotent=True, base_url="https://other.test/api/", read_timeout=99,
                   params={"a": 1}, headers={"H": "v"}, stream=True)
    request = rsps.calls[-1].request
    assert request.url == "https://other.test/api/x?a=1" and request.headers["H"] == "v"
    assert request.req_kwargs["timeout"] == (3.05, 99) and request.req_kwargs["stream"] is True
    transport.send("GET", "y", idempotent=True, json={"k": 1})
    request = rsps.calls[-1].request
    assert request.url == f"{BASE}/y" and request.body == b'{"k": 1}'
    assert request.req_kwargs["timeout"] == (3.05, 20.0) and request.req_kwargs["stream"] is False


def test_log_lines_say_method_path_outcome_and_duration(make, rsps, caplog):
    caplog.set_level(logging.DEBUG, logger="privacy.ocean")
    rsps.add(responses.GET, ENTITIES, body=requests.ReadTimeout("slow"))
    rsps.add(responses.GET, ENTITIES, status=404)
    rsps.add(responses.GET, ENTITIES, status=200)
    transport = make()
    assert transport.send("GET", "mobility/v1/entities", idempotent=True).status_code == 404
    transport.send("GET", "mobility/v1/entities", idempotent=True)
    lines = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert [level for level, _ in lines] == [logging.WARNING, logging.WARNING, logging.DEBUG]
    assert re.fullmatch(r"ocean GET mobility/v1/entities -> ReadTimeout after \d+ ms", lines[0][1])
    assert re.fullmatch(r"ocean GET mobility/v1/entities -> 404 in \d+ ms", lines[1][1])
    assert re.fullmatch(r"ocean GET mobility/v1/entities -> 200 in \d+ ms", lines[2][1])


# -- mapping a response to the error hierarchy ----------------------------------------------------
def response(status, body=b""):
    resp = requests.Response()
    resp.status_code, resp._content = status, body
    return resp


@pytest.mark.parametrize("status", [200, 201, 204, 299])
def test_check_lets_2xx_through(make, status):
    assert make().check(response(status), "GET", "p", True) is None


@pytest.mark.parametrize(
    ("status", "idempotent", "kind", "outcome_unknown"),
    [(500, True, OceanUnavailable, False), (500, False, OceanUnavailable, True), (503, False, OceanUnavailable, True),
     (429, False, OceanUnavailable, False), (408, False, OceanUnavailable, True),
     (507, False, OceanUnavailable, True), (599, True, OceanUnavailable, False)],
)
def test_check_maps_transient_statuses(make, status, idempotent, kind, outcome_unknown):
    with pytest.raises(kind) as err:
        make().check(response(status), "POST", "w", idempotent)
    assert str(err.value) == f"Ocean answered HTTP {status} on POST w"
    assert (err.value.status, err.value.outcome_unknown) == (status, outcome_unknown)


def test_check_maps_refusals_redirects_and_401(make):
    with pytest.raises(OceanAuthError) as auth:
        make().check(response(401), "GET", "p", True)
    assert (str(auth.value), auth.value.status) == ("Ocean refused the session token on GET p", 401)
    with pytest.raises(OceanRejected) as moved:
        make().check(response(301), "GET", "p", True)
    assert (moved.value.status, moved.value.message) == (301, "unexpected redirect on GET p")
    with pytest.raises(OceanRejected) as bad:
        make().check(response(400, b'{"message": "bad date"}'), "GET", "p", True)
    assert (bad.value.status, bad.value.message) == (400, "bad date")
    with pytest.raises(OceanRejected) as bare:
        make().check(response(404), "DELETE", "q", False)
    assert (bare.value.status, bare.value.message) == (404, "DELETE q")


def test_secrets_are_scrubbed_but_not_short_strings(make, config):
    transport = make()
    text = f"pw {PASSWORD} tok {TOKEN} abc"
    assert transport._safe(text, TOKEN) == "pw *** tok *** abc"
    assert transport._safe("abc abcd", "abc") == "abc abcd"  # 3 characters are not scrubbed (too common)
    assert transport._safe("xabcdx", "abcd") == "x***x"
    transport.tokens.store_new("local-token")
    assert transport._safe("the local-token leaked") == "the *** leaked"


# -- login ------------------------------------------------------------------------------------------
def test_login_is_retried_like_any_idempotent_call(make, rsps, sleeps):
    rsps.add(responses.POST, LOGIN, status=503)
    rsps.add(responses.POST, LOGIN, body=requests.ConnectionError("reset"))
    rsps.add(responses.POST, LOGIN, json=load("login.json"))
    transport = make()
    assert transport.tokens.current() == TOKEN
    assert calls(rsps, LOGIN) == 3 and sleeps == [0.5, 1.0]


def test_login_gives_up_after_the_same_budget(make, rsps, sleeps, config):
    rsps.add(responses.POST, LOGIN, status=503)
    with pytest.raises(OceanUnavailable) as err:
        make().login()
    assert calls(rsps, LOGIN) == config.max_retries + 1 and len(sleeps) == config.max_retries
    assert str(err.value) == "Ocean answered HTTP 503 on POST auth/authenticate2"


@pytest.mark.parametrize("status", [401, 403])
def test_login_refusal_text(make, rsps, status):
    rsps.add(responses.POST, LOGIN, status=status, json={"message": f"bad password {PASSWORD}"})
    with pytest.raises(OceanAuthError) as err:
        make().login()
    assert str(err.value) == f"Ocean login refused (HTTP {status}) bad password ***"
    assert err.value.status == status
    rsps.replace(responses.POST, LOGIN, status=status, body="")
    with pytest.raises(OceanAuthError) as bare:
        make().login()
    assert str(bare.value) == f"Ocean login refused (HTTP {status})"


@pytest.mark.parametrize("body", [{"token": ""}, {"token": 5}, ["token"], {}])
def test_login_without_a_usable_token(make, rsps, body):
    rsps.add(responses.POST, LOGIN, json=body)
    with pytest.raises(OceanAuthError) as err:
        make().login()
    assert (str(err.value), err.value.status) == ("Ocean login answered without a token", 200)


def test_login_400_is_a_refusal_of_the_request(make, rsps):
    rsps.add(responses.POST, LOGIN, status=400, json={"message": "login missing"})
    with pytest.raises(OceanRejected) as err:
        make().login()
    assert (err.value.status, err.value.message) == (400, "login missing")


@pytest.mark.parametrize(("days", "warned"), [(8, False), (7, True), (0, True), (None, False)])
def test_login_warns_when_the_password_expires_within_a_week(make, rsps, caplog, days, warned):
    caplog.set_level(logging.WARNING, logger="privacy.ocean")
    rsps.add(responses.POST, LOGIN, json={"token": TOKEN, "passwordExpirationRemainingDays": days})
    transport = make()
    info = transport.login()
    assert info.password_expiration_days == days and transport.last_login == info
    assert transport.tokens.current() == TOKEN and calls(rsps, LOGIN) == 1
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ([f"ocean password expires in {days} day(s)"] if warned else [])


# -- authenticated calls ------------------------------------------------------------------------------
def test_call_sends_the_token_the_customer_and_drops_empty_params(make, rsps, login_ok):
    rsps.add(responses.GET, ENTITIES, json={})
    make().call("GET", "mobility/v1/entities", params={"a": 0, "b": None, "c": ""}, idempotent=True)
    request = rsps.calls[-1].request
    assert request.url == f"{ENTITIES}?a=0&c=&customerId=1110000000"
    assert (request.headers["X-AUTH-TOKEN"], request.headers["Accept"]) == (TOKEN, "application/json")


def test_call_replays_once_after_a_401_with_a_new_token(make, rsps, login_ok):
    rsps.add(responses.GET, ENTITIES, status=401)
    rsps.add(responses.GET, ENTITIES, status=401)
    with pytest.raises(OceanAuthError) as err:
        make().call("GET", "mobility/v1/entities", idempotent=True)
    assert str(err.value) == "Ocean refused a fresh session token on GET mobility/v1/entities"
    assert (calls(rsps, ENTITIES), calls(rsps, LOGIN)) == (2, 2)


def test_call_maps_errors_with_the_token_scrubbed(make, rsps, login_ok):
    rsps.add(responses.DELETE, f"{BASE}/w", status=400, body=f"token {TOKEN} refused")
    with pytest.raises(OceanRejected) as err:
        make().call("DELETE", "w", idempotent=False)
    assert err.value.message == "token *** refused"
    rsps.add(responses.DELETE, f"{BASE}/v", status=500)
    with pytest.raises(OceanUnavailable) as unknown:
        make().call("DELETE", "v", idempotent=False)
    assert unknown.value.outcome_unknown


# -- what the first http run left alive (tests/MUTATION.md) ----------------------------------------
def test_elapsed_milliseconds_in_the_log_lines(make, rsps, caplog, monkeypatch):
    from privacy.ocean import http

    # Four ticks for the two attempts, then the real clock: whatever else reads time.monotonic
    # before the patch is undone (cache teardown, pools) must not exhaust the script.
    real_clock = http.time.monotonic
    ticks = itertools.chain([10.0, 11.5, 20.0, 22.5], iter(real_clock, None))
    monkeypatch.setattr(http.time, "monotonic", lambda: next(ticks))
    caplog.set_level(logging.DEBUG, logger="privacy.ocean")
    rsps.add(responses.GET, ENTITIES, body=requests.ConnectionError("reset"))
    rsps.add(responses.GET, ENTITIES, status=400)
    assert make().send("GET", "mobility/v1/entities", idempotent=True).status_code == 400
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, "ocean GET mobility/v1/entities -> ConnectionError after 1500 ms"),
        (logging.WARNING, "ocean GET mobility/v1/entities -> 400 in 2500 ms")]


def test_a_server_pause_within_a_small_cap_is_still_waited(make, rsps, sleeps):
    cfg = OceanConfig(base_url=BASE, login="u", password="p", backoff_factor=0.1, backoff_max=0.5)
    rsps.add(responses.GET, ENTITIES, status=503)
    rsps.add(responses.GET, ENTITIES, status=503, headers={"Retry-After": "0"})
    rsps.add(responses.GET, ENTITIES, status=200)
    assert make(cfg).send("GET", "mobility/v1/entities", idempotent=True).status_code == 200
    assert sleeps == [0.1, 0.0]


@pytest.mark.parametrize("status", [300, 302, 399])
def test_every_3xx_is_an_unexpected_redirect(make, status):
    with pytest.raises(OceanRejected) as err:
        make().check(response(status), "GET", "p", True)
    assert (err.value.status, err.value.message) == (status, "unexpected redirect on GET p")


def test_a_5xx_outside_the_retried_ones_is_unavailable(make):
    with pytest.raises(OceanUnavailable) as err:
        make().check(response(501), "GET", "p", True)
    assert (err.value.status, err.value.outcome_unknown) == (501, False)


def test_the_login_request_and_its_odd_answers(make, rsps):
    rsps.add(responses.POST, LOGIN, json={"token": TOKEN})
    transport = make()
    assert transport.last_login is None
    transport.login()
    request = rsps.calls[-1].request
    assert request.headers["Accept"] == "application/json" and transport.last_login.token_present
    rsps.replace(responses.POST, LOGIN, status=302, headers={"Location": "https://elsewhere.test/"})
    with pytest.raises(OceanRejected) as moved:
        make().login()
    assert (moved.value.status, moved.value.message) == (302, "unexpected redirect on POST auth/authenticate2")
    rsps.replace(responses.POST, LOGIN, status=501)
    with pytest.raises(OceanUnavailable) as down:
        make().login()
    assert (down.value.status, down.value.outcome_unknown) == (501, False)
    assert str(down.value) == "Ocean answered HTTP 501 on POST auth/authenticate2"


def test_call_passes_its_options_and_maps_with_its_own_method_and_path(make, rsps, login_ok):
    rsps.add(responses.GET, ENTITIES, json={})
    transport = make()
    transport.call("GET", "mobility/v1/entities", idempotent=True)
    assert rsps.calls[-1].request.req_kwargs["stream"] is False
    transport.call("GET", "mobility/v1/entities", idempotent=True, stream=True, read_timeout=99)
    assert rsps.calls[-1].request.req_kwargs["stream"] is True
    assert rsps.calls[-1].request.req_kwargs["timeout"] == (3.05, 99)
    rsps.add(responses.GET, f"{BASE}/gone", status=404)
    with pytest.raises(OceanRejected) as gone:
        transport.call("GET", "gone", idempotent=True)
    assert gone.value.message == "GET gone"
    rsps.add(responses.GET, f"{BASE}/odd", status=501)
    with pytest.raises(OceanUnavailable) as odd:
        transport.call("GET", "odd", idempotent=True)
    assert odd.value.outcome_unknown is False


def test_a_second_401_carries_the_401_status(make, rsps, login_ok):
    rsps.add(responses.GET, ENTITIES, status=401)
    with pytest.raises(OceanAuthError) as err:
        make().call("GET", "mobility/v1/entities", idempotent=True)
    assert err.value.status == 401


def test_the_environments_proxy_and_ca_bundle_are_read_once_and_still_apply(monkeypatch):
    """requests scans the environment on every call unless told not to; the client reads it once instead."""
    from privacy.ocean.http import _session

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/company-ca.pem")
    session = _session("https://ocean.example/ocean/restapi")
    assert session.proxies.get("https") == "http://proxy.example:3128" and not session.trust_env
    assert session.verify == "/etc/ssl/company-ca.pem"
    assert _session("https://internal.example/ocean/restapi").proxies == {}  # NO_PROXY honoured
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    assert _session("https://ocean.example/ocean/restapi").verify is True


def test_concurrent_reads_keep_their_connections_to_ocean():
    """A week's 12 reads leave at once from one process's session: the second wave must reuse the first's
    connections (urllib3's default pool of 10 dropped the rest, each re-opened with a new handshake)."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from privacy.ocean.http import _session

    opened = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive

        def setup(self):
            opened.append(1)
            super().setup()

        def do_GET(self):  # noqa: N802 - http.server's name
            time.sleep(0.1)  # all the wave's requests are in flight together
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"[]")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/ocean/restapi"
    session = _session(url)
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            for _wave in range(2):
                assert all(r.status_code == 200 for r in pool.map(lambda _: session.get(url + "/x"), range(16)))
    finally:
        server.shutdown()
        session.close()
    assert len(opened) == 16  # the second wave opened none
