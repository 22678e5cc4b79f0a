"""Helpers shared by the Océan client tests."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
BASE = "https://ocean.test/ocean/restapi"
PASSWORD = "s3cr3t-Pa55!"
IN_CI = os.environ.get("CI", "").lower() == "true"


def load(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


TOKEN = load("login.json")["token"]


def need_server(host: str, port: int, what: str) -> None:
    """Skip when a real server is absent on a developer machine; with CI=true, fail instead."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return
    except OSError as exc:
        message = f"{what} not reachable at {host}:{port} ({exc})"
        if IN_CI:
            pytest.fail(f"{message}; CI=true requires it")
        pytest.skip(message)
