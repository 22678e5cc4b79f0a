"""Retries, error mapping, token life cycle and secret hygiene."""

import json
import logging
import threading
import time
from datetime import UTC, datetime

import pytest
import requests
import responses

from privacy.ocean import MemoryTokenStore, OceanAuthError, OceanRejected, OceanUnavailable
from privacy.ocean.tokens import store_key

from .support import BASE, PASSWORD, TOKEN, load

ENTITIES = f"{BASE}/mobility/v1/entities"
LOGIN = f"{BASE}/auth/authenticate2"
VP = f"{BASE}/vieprivee/v1"
START = datetime(2030, 1, 1, tzinfo=UTC)
END = datetime(2030, 1, 2, tzinfo=UTC)
TOKEN2 = "b" * 128


def n_calls(rsps, url):
    return sum(1 for c in rsps.calls if c.request.url.split("?")[0] == url)


# -- retries ---------------------------------------------------------------------------------
def test_429_then_success_honours_retry_after(client, rsps, sleeps):
    rsps.add(responses.GET, ENTITIES, status=429, headers={"Retry-After": "2"})
    rsps.add(responses.GET, ENTITIES, json=load("entities.json"))
    assert len(client.entities()) == 2
    assert sleeps == [2.0]
    assert n_calls(rsps, ENTITIES) == 2


def test_retry_after_as_http_date(make_client, login_ok, rsps, sleeps):
    now = 1_900_000_000.0
    client = make_client(clock=lambda: now)
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now + 3))
    rsps.add(responses.GET, ENTITIES, status=503, headers={"Retry-After": date})
    rsps.add(responses.GET, ENTITIES, json=load("entities.json"))
    client.entities()
    assert sleeps == [3.0]


def test_retry_after_beyond_backoff_max_gives_up_with_the_hint(client, rsps, sleeps):
    rsps.add(responses.GET, ENTITIES, status=429, headers={"Retry-After": "120"})
    with pytest.raises(OceanUnavailable) as err:
        client.entities()
    assert (err.value.status, err.value.retry_after) == (429, 120.0)
    assert sleeps == [] and n_calls(rsps, ENTITIES) == 1


def test_503_every_time_is_bounded_then_unavailable(client, rsps, sleeps, config):
    rsps.add(responses.GET, ENTITIES, status=503)
    with pytest.raises(OceanUnavailable) as err:
        client.entities()
    assert err.value.status == 503 and not err.value.outcome_unknown
    assert n_calls(rsps, ENTITIES) == config.max_retries + 1
    assert len(sleeps) == config.max_retries
    for attempt, delay in enumerate(sleeps):  # exponential with equal jitter
        base = min(config.backoff_max, config.backoff_factor * 2**attempt)
        assert base / 2 <= delay <= base


def test_backoff_is_capped(make_client, login_ok, rsps, sleeps):
    from privacy.ocean import OceanConfig

    cfg = OceanConfig(base_url=BASE, login="u", password="p", max_retries=6, backoff_factor=1, backoff_max=4)
    rsps.add(responses.GET, ENTITIES, status=502)
    with pytest.raises(OceanUnavailable):
        make_client(cfg).entities()
    assert len(sleeps) == 6 and max(sleeps) <= 4


@pytest.mark.parametrize("status", [500, 502, 504, 408])
def test_transient_statuses_are_retried_on_reads(client, rsps, status, sleeps):
    rsps.add(responses.GET, ENTITIES, status=status)
    rsps.add(responses.GET, ENTITIES, json={"entities": []})
    assert client.entities() == []
    assert len(sleeps) == 1 and n_calls(rsps, ENTITIES) == 2


def test_connection_errors_are_retried_on_reads(client, rsps, sleeps):
    rsps.add(responses.GET, ENTITIES, body=requests.ConnectionError("boom"))
    rsps.add(responses.GET, ENTITIES, body=requests.ReadTimeout("slow"))
    rsps.add(responses.GET, ENTITIES, json={"entities": []})
    assert client.entities() == []
    assert len(sleeps) == 2 and n_calls(rsps, ENTITIES) == 3


def test_connection_errors_exhausted(client, rsps, sleeps, config):
    rsps.add(responses.GET, ENTITIES, body=requests.ConnectionError("boom"))
    with pytest.raises(OceanUnavailable) as err:
        client.entities()
    assert "ConnectionError" in str(err.value)
    assert n_calls(rsps, ENTITIES) == config.max_retries + 1 == 4  # the budget: 3 retries, not 2, not 4
    assert len(sleeps) == config.max_retries


def test_login_failures_are_retried_and_counted(make_client, rsps, sleeps, config):
    rsps.add(responses.POST, LOGIN, status=502)
    rsps.add(responses.POST, LOGIN, body=requests.ReadTimeout("slow"))
    rsps.add(responses.POST, LOGIN, json=load("login.json"))
    rsps.add(responses.GET, ENTITIES, json={"entities": []})
    assert make_client().entities() == []
    assert n_calls(rsps, LOGIN) == 3 and len(sleeps) == 2
    rsps.replace(responses.POST, LOGIN, status=503)
    sleeps.clear()
    with pytest.raises(OceanUnavailable) as err:
        make_client().entities()  # a fresh store: it must log in, and gives up after the same budget
    assert err.value.status == 503
    assert n_calls(rsps, LOGIN) == 3 + config.max_retries + 1 and len(sleeps) == config.max_retries


def test_500_on_a_non_idempotent_write_is_not_retried(client, rsps, sleeps):
    rsps.add(responses.POST, f"{VP}/horaireViePriveeExceptionnelleIndividu", status=500)
    with pytest.raises(OceanUnavailable) as err:
        client.exceptional_add(driver_id=1, start=START, end=END, label="x")
    assert err.value.status == 500 and err.value.outcome_unknown
    assert n_calls(rsps, f"{VP}/horaireViePriveeExceptionnelleIndividu") == 1 and sleeps == []


@pytest.mark.parametrize(
    ("method", "path", "call"),
    [
        (
            "DELETE",
            "horairesViePriveeExceptionnellesIndividu",
            lambda c: c.exceptional_delete(extension_id=1),
        ),
        (
            "DELETE",
            "horairesViePriveeRecurrentesIndividu",
            lambda c: c.recurring_delete(driver_id=1, slot_ids=[2]),
        ),
    ],
)
@pytest.mark.parametrize("failure", [{"status": 503}, {"body": requests.ReadTimeout("t")}])
def test_non_idempotent_deletes_are_not_retried(client, rsps, sleeps, method, path, call, failure):
    rsps.add(method, f"{VP}/{path}", **failure)
    with pytest.raises(OceanUnavailable) as err:
        call(client)
    assert err.value.outcome_unknown
    assert n_calls(rsps, f"{VP}/{path}") == 1 and sleeps == []


def test_non_idempotent_write_is_resent_when_it_provably_was_not_processed(client, rsps, sleeps):
    url = f"{VP}/horaireViePriveeExceptionnelleIndividu"
    rsps.add(responses.POST, url, body=requests.ConnectTimeout("no connection"))
    rsps.add(responses.POST, url, status=429)
    rsps.add(responses.POST, url, json=True)
    client.exceptional_add(driver_id=1, start=START, end=END, label="x")
    assert n_calls(rsps, url) == 3 and len(sleeps) == 2


@pytest.mark.parametrize(
    ("path", "call"),
    [
        (
            "etapeViePriveePosteriori",
            lambda c: c.declare_step(code_exploitant="1", numero_embarque=2, step_id=3, private=True),
        ),
        (
            "horairesViePriveeRecurrentesIndividu",
            lambda c: c.recurring_set(driver_id=1, inner_map={}, start=START),
        ),
    ],
)
def test_idempotent_writes_are_retried(client, rsps, sleeps, path, call):
    rsps.add(responses.POST, f"{VP}/{path}", status=500)
    rsps.add(responses.POST, f"{VP}/{path}", json=True)
    call(client)
    assert n_calls(rsps, f"{VP}/{path}") == 2 and len(sleeps) == 1


def test_analysis_is_retried_as_a_read(client, rsps, sleeps):
    url = f"{BASE}/analyse/preformattedPrivacy"
    rsps.add(responses.POST, url, status=503)
    rsps.add(responses.POST, url, json=[])
    assert (
        client.preformatted_privacy(start=START, end=END, render_mode="BY_DRIVER_WITH_HORAIRE_DETAIL")
        == b"[]"
    )
    assert n_calls(rsps, url) == 2 and len(sleeps) == 1


@pytest.mark.parametrize("status", [400, 403, 404, 422])
def test_permanent_errors_carry_the_upstream_message(client, rsps, status, sleeps):
    rsps.add(responses.GET, ENTITIES, status=status, json={"message": "Paramètre invalide " + "x" * 500})
    with pytest.raises(OceanRejected) as err:
        client.entities()
    assert err.value.status == status
    assert err.value.message.startswith("Paramètre invalide") and len(err.value.message) <= 200
    assert sleeps == []


# -- authentication ---------------------------------------------------------------------------
def test_401_mid_session_relogs_once_and_replays_once(client, rsps):
    rsps.add(responses.GET, ENTITIES, json={"entities": []})
    rsps.add(responses.GET, ENTITIES, status=401)
    rsps.add(responses.GET, ENTITIES, json={"entities": [{"id": 1, "nom": "A"}]})
    login2 = rsps.add(responses.POST, LOGIN, json={"token": TOKEN2})
    client.entities()
    rsps.remove(responses.POST, LOGIN)  # the 2nd login answers TOKEN2
    rsps.add(login2)
    assert [e.id for e in client.entities()] == [1]
    tokens = [c.request.headers.get("X-AUTH-TOKEN") for c in rsps.calls if c.request.url.startswith(ENTITIES)]
    assert tokens == [TOKEN, TOKEN, TOKEN2]
    assert n_calls(rsps, LOGIN) == 2


def test_second_401_is_an_auth_error(client, rsps):
    rsps.add(responses.GET, ENTITIES, status=401)
    with pytest.raises(OceanAuthError):
        client.entities()
    assert n_calls(rsps, LOGIN) == 2 and n_calls(rsps, ENTITIES) == 2


def test_401_replay_also_applies_to_non_idempotent_writes(client, rsps):
    url = f"{VP}/horairesViePriveeExceptionnellesIndividu"
    rsps.add(responses.DELETE, url, status=401)
    rsps.add(responses.DELETE, url, status=204)
    client.exceptional_delete(extension_id=5)
    assert n_calls(rsps, url) == 2


@pytest.mark.parametrize("status", [401, 403])
def test_login_refused_is_an_auth_error(make_client, rsps, status):
    rsps.add(responses.POST, LOGIN, status=status, json={"message": f"Bad credentials for {PASSWORD}"})
    with pytest.raises(OceanAuthError) as err:
        make_client().entities()
    assert PASSWORD not in str(err.value)
    assert n_calls(rsps, LOGIN) == 1


def test_login_without_token_is_an_auth_error(make_client, rsps):
    rsps.add(responses.POST, LOGIN, json={"passwordExpirationRemainingDays": 3})
    with pytest.raises(OceanAuthError):
        make_client().authenticate()


def test_token_is_renewed_before_11h30(make_client, login_ok, rsps):
    now = [1_900_000_000.0]
    client = make_client(clock=lambda: now[0])
    rsps.add(responses.GET, ENTITIES, json={"entities": []})
    client.entities()
    now[0] += 11 * 3600
    client.entities()
    assert n_calls(rsps, LOGIN) == 1
    now[0] += 31 * 60
    client.entities()
    assert n_calls(rsps, LOGIN) == 2


def test_token_store_layout(make_client, login_ok, rsps, config):
    store = MemoryTokenStore()
    client = make_client(token_store=store, clock=lambda: 1234.0)
    client.authenticate()
    key = store_key(config.base_url, config.login)
    assert "api.user" not in key and key.startswith("ocean:token:")
    assert store.get(key) == {"token": TOKEN, "issued_at": 1234.0}
    other = make_client(token_store=store, clock=lambda: 2000.0)  # another process, same store
    rsps.add(responses.GET, ENTITIES, json={"entities": []})
    other.entities()
    assert n_calls(rsps, LOGIN) == 1


def test_single_flight_login_between_threads(make_client, rsps):
    def slow_login(request):
        time.sleep(0.3)
        return 200, {}, json.dumps({"token": TOKEN})

    rsps.add_callback(responses.POST, LOGIN, callback=slow_login)
    rsps.add(responses.GET, ENTITIES, json={"entities": []})
    store = MemoryTokenStore()
    clients = [make_client(token_store=store, sleep=time.sleep) for _ in range(5)]
    threads = [threading.Thread(target=c.entities) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert n_calls(rsps, LOGIN) == 1 and n_calls(rsps, ENTITIES) == 5


# -- secret hygiene -------------------------------------------------------------------------
def test_no_secret_in_logs_reprs_or_errors(client, rsps, caplog, config):
    caplog.set_level(logging.DEBUG)
    rsps.add(responses.GET, ENTITIES, status=400, body=f"bad token {TOKEN}")
    rsps.add(responses.GET, f"{BASE}/vehicule_engin/vehicles", status=401)
    with pytest.raises(OceanRejected) as rejected:
        client.entities()
    with pytest.raises(OceanAuthError) as auth:
        client.vehicles()
    texts = [r.getMessage() for r in caplog.records] + [
        repr(client),
        repr(config),
        str(rejected.value),
        str(auth.value),
        repr(rejected.value),
    ]
    assert any("mobility/v1/entities -> 400" in t for t in texts)
    for text in texts:
        assert TOKEN not in text and PASSWORD not in text and "api.user" not in text
    assert "***" in rejected.value.message


def test_every_request_goes_through_the_rate_limiter(make_client, login_ok, rsps):
    class Counting:
        n = 0

        def acquire(self):
            self.n += 1

    limiter = Counting()
    rsps.add(responses.GET, ENTITIES, status=503)
    rsps.add(responses.GET, ENTITIES, json={"entities": []})
    make_client(rate_limiter=limiter).entities()
    assert limiter.n == 3  # login + failed attempt + retry


def test_rate_limiter_refusal_is_unavailable(make_client, rsps):
    from privacy.ocean.ratelimit import FileTokenBucket  # noqa: F401 - API presence

    class Full:
        def acquire(self):
            raise OceanUnavailable("Ocean client rate limit: too many queued requests")

    with pytest.raises(OceanUnavailable):
        make_client(rate_limiter=Full()).entities()
    assert len(rsps.calls) == 0


def test_ensure_token_logs_in_only_when_needed(make_client, login_ok, rsps):
    store = MemoryTokenStore()
    make_client(token_store=store).ensure_token()
    make_client(token_store=store).ensure_token()
    assert n_calls(rsps, LOGIN) == 1


def test_a_cut_analysis_stream_is_unavailable(client, rsps):
    import io

    from privacy.ocean import analysis

    class Cut:
        def iter_content(self, chunk_size):
            yield b"x" * 10
            raise requests.exceptions.ChunkedEncodingError("cut")

        def close(self):
            self.closed = True

    resp, out = Cut(), io.BytesIO()
    with pytest.raises(OceanUnavailable) as err:
        analysis.copy_stream(resp, out)
    assert "after 10 bytes" in str(err.value) and resp.closed


def test_a_token_read_from_the_shared_store_is_scrubbed_too(make_client, rsps, config):
    store = MemoryTokenStore()
    store.set(store_key(config.base_url, config.login), {"token": TOKEN2, "issued_at": time.time()}, 60)
    rsps.add(responses.GET, ENTITIES, status=400, json={"message": f"token {TOKEN2} has no right"})
    with pytest.raises(OceanRejected) as err:
        make_client(token_store=store).entities()
    assert TOKEN2 not in str(err.value) and "***" in err.value.message
    assert n_calls(rsps, LOGIN) == 0


def test_a_token_straddling_the_truncation_point_is_still_scrubbed(client, rsps):
    rsps.add(responses.GET, ENTITIES, status=400, json={"detail": "x" * 150 + TOKEN})
    client.authenticate()
    with pytest.raises(OceanRejected) as err:
        client.entities()
    assert TOKEN[:20] not in err.value.message and len(err.value.message) <= 200


def test_a_body_cut_mid_read_is_a_network_error(client, rsps, sleeps):
    rsps.add(responses.GET, ENTITIES, body=requests.exceptions.ChunkedEncodingError("cut"))
    rsps.add(responses.GET, ENTITIES, json={"entities": []})
    assert client.entities() == []
    url = f"{VP}/horairesViePriveeExceptionnellesIndividu"
    rsps.add(responses.DELETE, url, body=requests.exceptions.ChunkedEncodingError("cut"))
    with pytest.raises(OceanUnavailable) as err:
        client.exceptional_delete(extension_id=1)
    assert err.value.outcome_unknown and n_calls(rsps, url) == 1
