"""SimServer over real HTTP: stats and concurrency counting, fault injection, the CLI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from ocean_sim.dates import local_date
from ocean_sim.testing import SimServer

from .conftest import NOW, Clock, week_body

REC = "/vieprivee/v1/horairesViePriveeRecurrentesIndividu"


@pytest.fixture
def sim():
    with SimServer(clock=Clock()) as server:
        yield server


def token(sim, login="demo", password="demo") -> str:
    r = requests.post(
        sim.base_url + "/auth/authenticate2", json={"login": login, "password": password}, timeout=5
    )
    assert r.status_code == 200
    return r.json()["token"]


def fj(sim, tok, k=1, timeout=10):
    day = (local_date(NOW) - timedelta(days=k)).strftime("%d/%m/%Y")
    return requests.get(
        sim.base_url + "/mobility/v1/ficheJour",
        params={"vehId": 5004, "date": day},
        headers={"X-AUTH-TOKEN": tok},
        timeout=timeout,
    )


def test_base_url_and_stats(sim):
    assert sim.base_url == f"http://127.0.0.1:{sim.port}/ocean/restapi"
    tok = token(sim)
    for k in range(3):
        assert fj(sim, tok, k + 1).status_code == 200
    assert requests.get(sim.base_url + "/mobility/v1/entities", timeout=5).status_code == 401
    stats = requests.get(sim.root_url + "/__sim__/stats", timeout=5).json()
    assert stats == sim.stats() | {"in_flight": 0}
    assert stats["total"] == 5 and stats["logins"] == 1
    assert stats["by_endpoint"] == {
        "POST auth/authenticate2": 1,
        "GET mobility/v1/ficheJour": 3,
        "GET mobility/v1/entities": 1,
    }
    assert stats["by_status"] == {"200": 4, "401": 1}
    assert requests.post(sim.root_url + "/__sim__/stats/reset", timeout=5).json()["total"] == 0
    assert sim.stats()["total"] == 0


def test_concurrent_requests_are_counted(sim):
    tok = token(sim)
    sim.reset_stats()
    fj(sim, tok)
    fj(sim, tok, 2)
    assert sim.stats()["max_concurrency"] == 1
    sim.set_faults(latency_ms=300)
    with ThreadPoolExecutor(max_workers=7) as pool:
        codes = list(pool.map(lambda k: fj(sim, tok, k).status_code, range(1, 8)))
    assert codes == [200] * 7
    assert sim.stats()["max_concurrency"] >= 5
    assert sim.stats()["by_endpoint"]["GET mobility/v1/ficheJour"] == 9


def test_error_rate_fails_without_applying_write(sim):
    tok = token(sim)
    h = {"X-AUTH-TOKEN": tok}
    before = requests.get(sim.base_url + REC, params={"individuId": 7001}, headers=h, timeout=5).json()
    r = requests.post(sim.root_url + "/__sim__/faults", json={"error_rate": 1.0}, timeout=5)
    assert r.status_code == 200 and r.json()["error_rate"] == 1.0
    body = week_body({"LUNDI": [(18, 0, 23, 59)]})
    assert (
        requests.post(
            sim.base_url + REC, params={"individuId": 7001}, json=body, headers=h, timeout=5
        ).status_code
        == 500
    )
    assert (
        requests.get(sim.root_url + "/__sim__/stats", timeout=5).status_code == 200
    )  # /__sim__/ never faulted
    sim.clear_faults()
    assert (
        requests.get(sim.base_url + REC, params={"individuId": 7001}, headers=h, timeout=5).json() == before
    )
    assert (
        requests.post(sim.base_url + REC, params={"individuId": 7001}, json=body, headers=h, timeout=5).json()
        is True
    )
    assert sim.stats()["by_status"]["500"] == 1


def test_error_rate_is_seeded(sim):
    tok = token(sim)

    def pattern():
        sim.set_faults(error_rate=0.5, seed=3)
        return [fj(sim, tok).status_code for _ in range(12)]

    first = pattern()
    assert set(first) == {200, 500}
    assert pattern() == first


def test_burst_429_with_retry_after(sim):
    tok = token(sim)
    sim.set_faults(burst_429=2)
    r1, r2, r3 = fj(sim, tok), fj(sim, tok), fj(sim, tok)
    assert (r1.status_code, r2.status_code, r3.status_code) == (429, 429, 200)
    assert r1.headers["Retry-After"] == "1"
    assert requests.get(sim.root_url + "/__sim__/faults", timeout=5).json()["burst_429"] == 0


def test_latency(sim):
    tok = token(sim)
    sim.set_faults(latency_ms=250)
    t0 = time.monotonic()
    assert fj(sim, tok).status_code == 200
    assert time.monotonic() - t0 >= 0.25


def test_timeout_fault(sim):
    tok = token(sim)
    sim.set_faults(timeout_rate=1.0, timeout_sleep_s=0.8)
    with pytest.raises(requests.exceptions.ReadTimeout):
        fj(sim, tok, timeout=0.2)
    sim.clear_faults()
    assert fj(sim, tok).status_code == 200


def test_expire_tokens(sim):
    tok = token(sim)
    assert fj(sim, tok).status_code == 200
    assert (
        requests.post(sim.root_url + "/__sim__/faults", json={"expire_tokens": True}, timeout=5).status_code
        == 200
    )
    assert fj(sim, tok).status_code == 401
    assert fj(sim, token(sim)).status_code == 200


def test_invalid_faults_rejected(sim):
    for bad in ({"error_rate": 2}, {"nope": 1}, {"latency_ms": -5}):
        assert requests.post(sim.root_url + "/__sim__/faults", json=bad, timeout=5).status_code == 400
    assert requests.get(sim.root_url + "/__sim__/faults", timeout=5).json()["error_rate"] == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_reads_env_and_creates_db_dir(tmp_path):
    port, db = _free_port(), tmp_path / "nested" / "sim.sqlite3"
    env = os.environ | {
        "OCEAN_SIM_LOGIN": "alice",
        "OCEAN_SIM_PASSWORD": "s3cret",
        "OCEAN_SIM_FAULTS": json.dumps({"latency_ms": 5}),
    }
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "ocean_sim", "--port", str(port), "--db", str(db), "--seed", "3"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                faults = requests.get(url + "/__sim__/faults", timeout=1).json()
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("simulator did not start")
        assert faults["latency_ms"] == 5
        login = url + "/ocean/restapi/auth/authenticate2"
        assert requests.post(login, json={"login": "demo", "password": "demo"}, timeout=5).status_code == 401
        r = requests.post(login, json={"login": "alice", "password": "s3cret"}, timeout=5)
        assert r.status_code == 200 and db.exists()
    finally:
        proc.terminate()
        out = proc.communicate(timeout=10)[0].decode()
    assert "s3cret" not in out and r.json()["token"] not in out
