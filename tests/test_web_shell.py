"""The web shell: role matrix, CSRF on every POST, lockout, language switch, htmx login redirect."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

ROLES = ["anonymous", "driver", "manager", "hr", "other_manager", "admin_user"]

# url name → expected GET status per role. Pages of later issues add their rows here.
MATRIX = {
    "privacy:home": {"anonymous": 302, "driver": 302, "manager": 302, "hr": 302, "other_manager": 302,
                     "admin_user": 302},
    "login": {role: 200 if role == "anonymous" else 302 for role in ROLES},
    "admin:index": {"anonymous": 302, "driver": 302, "manager": 302, "hr": 302, "other_manager": 302,
                    "admin_user": 200},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_role_matrix(request, login, url_name, role):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    response = login(user).get(reverse(url_name))
    assert response.status_code == MATRIX[url_name][role]
    if response.status_code == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("login") if url_name != "admin:index" else "/admin/login/")


@pytest.mark.parametrize(
    "role,start", [("manager", "privacy:drivers"), ("driver", "privacy:my_trips"), ("hr", "privacy:reports"),
                   ("admin_user", "privacy:setup")]
)
def test_each_role_lands_on_its_own_start_page(request, login, role, start):
    response = login(request.getfixturevalue(role)).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(start)


def test_a_user_without_a_role_is_told_whom_to_ask(login, customer):
    from tests.conftest import make_user

    html = login(make_user("nobody", customer=customer)).get("/").content.decode()
    assert "Votre compte n’a pas encore de rôle" in html
    assert '<html lang="fr">' in html


POSTS = [
    ("login", {"username": "manager", "password": PASSWORD}),
    ("logout", {}),
    ("set_language", {"language": "en", "next": "/"}),
]


@pytest.mark.parametrize("url_name,data", POSTS)
def test_every_post_needs_a_csrf_token(manager, url_name, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert client.post(reverse(url_name), data).status_code == 403


def test_a_post_with_the_token_passes(manager):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("login"), {"username": "manager", "password": PASSWORD,
                                              "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_the_csrf_header_is_on_body_for_htmx(login, manager, sim):
    html = login(manager).get("/", follow=True).content.decode()
    assert '<body hx-headers=\'{"X-CSRFToken": "' in html


def test_repeated_failed_logins_lock_the_account(manager, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "manager", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "manager", "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_a_wrong_password_shows_a_clear_message(manager):
    response = Client().post(reverse("login"), {"username": "manager", "password": "wrong"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_language_switches_to_english_and_back(manager, sim):
    client = Client()
    client.force_login(manager)
    assert "Déconnexion" in client.get("/", follow=True).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/", follow=True).content.decode()
    assert '<html lang="en">' in html
    assert "Log out" in html
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Déconnexion" in client.get("/", follow=True).content.decode()


def test_an_expired_session_in_an_htmx_request_redirects_the_whole_page(db):
    response = Client().get("/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=%2F"


def test_pages_carry_a_strict_csp_and_security_headers(login, manager, sim):
    response = login(manager).get("/", follow=True)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    html = response.content.decode()
    assert "<script>" not in html and "style=" not in html


def test_the_page_has_accessible_landmarks(login, driver, sim):
    html = login(driver).get("/", follow=True).content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert '<nav aria-label=' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


# --- Lockout behind a reverse proxy (issue 14 #6) ------------------------------------------------
PROXY = "10.0.0.2"


def _through_proxy(forwarded_for: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_behind_a_trusted_proxy_one_attacker_does_not_lock_out_another_client(manager, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    attacker = _through_proxy("203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(reverse("login"), {"username": "manager", "password": "wrong"})
    assert attacker.post(reverse("login"), {"username": "manager", "password": PASSWORD}).status_code == 429
    colleague = _through_proxy("198.51.100.9")
    response = colleague.post(reverse("login"), {"username": "manager", "password": PASSWORD})
    assert response.status_code == 302, "the real user, from another address, still logs in"


def test_a_forged_forwarded_for_does_not_escape_the_lockout(manager, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    for n in range(settings.AXES_FAILURE_LIMIT):  # the proxy appends the real address after the forged ones
        _through_proxy(f"192.0.2.{n}, 203.0.113.7").post(reverse("login"), {"username": "manager", "password": "x"})
    response = _through_proxy("192.0.2.99, 203.0.113.7").post(
        reverse("login"), {"username": "manager", "password": PASSWORD})
    assert response.status_code == 429


def test_without_a_trusted_proxy_the_header_is_ignored(manager, settings):
    settings.TRUSTED_PROXIES = []
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            reverse("login"), {"username": "manager", "password": "x"})
    response = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.99").post(
        reverse("login"), {"username": "manager", "password": PASSWORD})
    assert response.status_code == 429


def test_the_bundled_compose_file_trusts_the_hosts_proxy_only():
    from pathlib import Path

    compose = (Path(__file__).resolve().parents[1] / "docker-compose.yml").read_text()
    assert "TRUSTED_PROXIES: ${TRUSTED_PROXIES:-127.0.0.1,172.16.0.0/12}" in compose
    assert '"127.0.0.1:8000:8000"' in compose
