"""Starting the test IdP (tests/oidc_idp) as a real process, and walking its pages like a browser would."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "ocean-portal-tests"
CLIENT_SECRET = "idp-client-secret-7f3a9c-0d41e2b8a5c6"  # noqa: S105 (the test IdP's client)


def free_port() -> int:
    """A free local port: from OIDC_TEST_PORTS ("8770-8799") when set (shared machines), else the kernel's."""
    low, _sep, high = os.environ.get("OIDC_TEST_PORTS", "").partition("-")
    candidates = range(int(low), int(high) + 1) if low and high else [0]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port for the test IdP")


class Idp:
    def __init__(self, workdir: Path, redirect_uris: list[str], post_logout_redirect_uris: list[str]):
        self.workdir, self.port = workdir, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.url}/openid"
        self.people_file = workdir / "people.json"
        self.client = {"id": CLIENT_ID, "secret": CLIENT_SECRET, "redirect_uris": redirect_uris,
                       "post_logout_redirect_uris": post_logout_redirect_uris}
        self.people: dict[str, dict] = {}
        self.process: subprocess.Popen | None = None

    def set_person(self, username: str, *, email: str, groups: list[str], password: str = "idp-pass", **more):
        """Add or change someone at the IdP (read again at their next login)."""
        self.people[username] = {"password": password, "email": email, "groups": groups, **more}
        self.people_file.write_text(json.dumps(self.people), encoding="utf-8")

    def start(self) -> Idp:
        self.people_file.write_text("{}", encoding="utf-8")
        self.log = open(self.workdir / "idp.log", "w")  # closed in stop()
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tests.oidc_idp.serve", "--port", str(self.port),
             "--client", json.dumps(self.client), "--people", str(self.people_file),
             "--db", str(self.workdir / "idp.sqlite3")],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the test IdP exited: {(self.workdir / 'idp.log').read_text()}")
            try:
                if requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the test IdP did not start within 120 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None
            self.log.close()


@contextmanager
def running_idp(workdir: Path, redirect_uris: list[str], post_logout_redirect_uris: list[str] = ()):
    idp = Idp(workdir, redirect_uris, list(post_logout_redirect_uris)).start()
    try:
        yield idp
    finally:
        idp.stop()


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") in ("hidden", None, "text"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def hidden_fields(html: str) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(html)
    return parser.fields


class Browser:
    """The user's browser at the IdP (a requests.Session: cookies, real HTTP), redirects followed by hand."""

    def __init__(self):
        self.session = requests.Session()

    def login_and_consent(self, authorize_url: str, username: str, password: str = "idp-pass", *,
                          allow: bool = True) -> str:
        """From the IdP's authorize URL to the Location it sends back to the portal (the callback URL)."""
        response = self.session.get(authorize_url, allow_redirects=False, timeout=10)
        if response.status_code == 302 and "/login/" in response.headers["Location"]:
            login_url = urljoin(authorize_url, response.headers["Location"])
            page = self.session.get(login_url, timeout=10)
            fields = hidden_fields(page.text)
            fields.update(username=username, password=password)
            response = self.session.post(login_url, data=fields, allow_redirects=False, timeout=10,
                                         headers={"Referer": login_url})
            assert response.status_code == 302, f"IdP login failed: {response.status_code}"
            response = self.session.get(urljoin(login_url, response.headers["Location"]), allow_redirects=False,
                                        timeout=10)
        assert response.status_code == 200 and "Request for Permission" in response.text, response.text[:300]
        fields = hidden_fields(response.text)
        if allow:
            fields["allow"] = "Authorize"
        consent = self.session.post(urljoin(authorize_url, "/openid/authorize"), data=fields, allow_redirects=False,
                                    timeout=10, headers={"Referer": authorize_url})
        assert consent.status_code == 302, consent.text[:300]
        return consent.headers["Location"]
