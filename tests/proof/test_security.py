"""Security checks generated from the URL configuration: strict CSP and security headers on every page
type, CSRF on every POST, transport security under production settings, login lockout."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.proof.conftest import ROLES
from tests.proof.matrix_support import concrete_url, request_as
from tests.proof.role_matrix import ARGS, DATA, EXPECTED
from tests.proof.urlmap import project_routes

ROUTES = {route.name: route for route in project_routes()}
ROOT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def _first_role(name: str, method: int, wanted: set[int]) -> str | None:
    statuses = [int(s) for s in EXPECTED[name][method].split()]
    return next((role for role, status in zip(ROLES, statuses, strict=True) if status in wanted), None)


def _data(name: str, method: str, world) -> dict:
    return {key: value.format_map(world) for key, value in DATA.get(name, {}).get(method, {}).items()}


def test_every_page_type_has_a_strict_csp_and_security_headers(users, world):
    """One GET per route, as the first role the table says gets a 200 (the admin for admin pages)."""
    problems, pages = [], 0
    for name, route in sorted(ROUTES.items()):
        role = _first_role(name, 0, {200})
        if role is None:
            continue
        response = request_as(users[role], "GET", concrete_url(route, ARGS.get(name, {}), world),
                              _data(name, "GET", world), admin_query=f"customer={world['customer']}")
        csp = response.get("Content-Security-Policy", "")
        if "script-src 'self'" not in csp or "unsafe-inline" in csp or "unsafe-eval" in csp:
            problems.append(f"{name}: CSP {csp!r}")
        for header, value in (("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
                              ("Referrer-Policy", "same-origin")):
            if response.get(header) != value:
                problems.append(f"{name}: {header}={response.get(header)!r}")
        if response.get("Content-Type", "").startswith("text/html") and not name.startswith("admin:"):
            pages += 1
            html = response.content.decode()
            if INLINE_SCRIPT.search(html) or " style=" in html or "hx-on" in html:
                problems.append(f"{name}: inline script/style/hx-on in the page")
    assert pages >= 30, f"only {pages} HTML pages were checked"
    assert not problems, "\n".join(problems)


def test_every_post_needs_a_csrf_token(users, world):
    """Every URL that accepts POST for someone refuses it without the token (403), as that someone."""
    checked, problems = [], []
    for name, route in sorted(ROUTES.items()):
        role = _first_role(name, 1, {200, 302, 400})
        if role is None:
            continue
        url = concrete_url(route, ARGS.get(name, {}), world)
        if role == "admin_user":
            url += f"?customer={world['customer']}"
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        if users[role] is not None:
            client.force_login(users[role])
        response = client.post(url, _data(name, "POST", world))
        checked.append(name)
        if response.status_code != 403 or b"CSRF" not in response.content:
            problems.append(f"{name} as {role}: {response.status_code}")
    assert {"login", "logout", "privacy:driver_schedule", "privacy:my_trip_declare"} <= set(checked)
    assert not problems, "POST accepted without a CSRF token: " + ", ".join(problems)


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
plain = Client().get("/accounts/login/")
secure = Client().get("/accounts/login/", secure=True)
cookie = secure.cookies.get("csrftoken")
print(json.dumps({
    "debug": settings.DEBUG, "hsts": settings.SECURE_HSTS_SECONDS,
    "subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE, "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
    "secure_status": secure.status_code, "sts": secure.get("Strict-Transport-Security", ""),
    "csrf_cookie_secure": bool(cookie and cookie["secure"]),
    "csrf_cookie_samesite": cookie["samesite"] if cookie else "",
}))
"""


def test_production_settings_turn_on_transport_security(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "DEBUG"))}
    env.update(DJANGO_SETTINGS_MODULE="ocean_portal.settings", HTTPS="True", SECRET_KEY="x" * 50,
               VAR_DIR=str(tmp_path), ALLOWED_HOSTS="testserver")
    run = subprocess.run([sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    assert seen["hsts"] >= 31536000 and seen["subdomains"] is True
    assert seen["session_secure"] and seen["csrf_secure"] and seen["session_httponly"]
    assert seen["plain_status"] == 301 and seen["plain_location"].startswith("https://")
    assert seen["secure_status"] == 200
    assert seen["sts"].startswith("max-age=31536000") and "includeSubDomains" in seen["sts"]
    assert seen["csrf_cookie_secure"] and seen["csrf_cookie_samesite"] == "Lax"


def test_the_lockout_is_per_account_and_does_not_lock_out_others(manager, hr, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(reverse("login"), {"username": "manager", "password": "nope"}).status_code == 200
    assert client.post(reverse("login"), {"username": "manager", "password": "nope"}).status_code == 429
    assert client.post(reverse("login"), {"username": "manager", "password": PASSWORD}).status_code == 429
    assert client.post(reverse("login"), {"username": "hr", "password": PASSWORD}).status_code == 302
