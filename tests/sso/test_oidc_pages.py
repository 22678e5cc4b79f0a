"""SSO pages when things go wrong (the IdP down, a state that does not match), logout, the local-login
switch, the pages off by default, and the role matrix of the SSO URLs with SSO on — never a 500, never
the client secret in a page or a log line."""
from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from privacy.models import Role
from privacy.sso.views import REASONS
from tests.conftest import PASSWORD, make_user
from tests.proof.matrix_support import client_for
from tests.sso.conftest import AFTER_LOGOUT, sso_login, start
from tests.sso.idp import CLIENT_ID, CLIENT_SECRET, Browser, free_port


@pytest.mark.django_db
def test_the_idp_down_before_the_redirect_gives_the_french_page(sso, settings):
    settings.OIDC_OP_DISCOVERY_URL = f"http://127.0.0.1:{free_port()}/openid"  # nobody listens there
    client = Client()
    response = client.get("/oidc/authenticate/")
    assert response["Location"] == "/oidc/error/?reason=unavailable"
    page = client.get(response["Location"]).content.decode()
    assert "ne répond pas" in page and 'href="/oidc/authenticate/"' in page and 'href="/accounts/login/"' in page


@pytest.mark.django_db
def test_the_idp_down_at_the_token_exchange_gives_the_french_page(sso, settings):
    sso.set_person("gaston", email="gaston@example.com", groups=["fleet"])
    client = Client()
    back = Browser().login_and_consent(start(client), "gaston")
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{free_port()}/openid/token"
    parts = urlsplit(back)
    response = client.get(f"{parts.path}?{parts.query}")
    assert response["Location"] == "/oidc/error/?reason=unavailable"
    assert not client.get("/").wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_a_callback_whose_state_does_not_match_is_refused_without_a_500(sso):
    sso.set_person("hugo", email="hugo@example.com", groups=["fleet"])
    # A code for another browser's session (no state in this one), then a forged state in a real session.
    back = urlsplit(Browser().login_and_consent(start(Client()), "hugo"))
    assert Client().get(f"{back.path}?{back.query}")["Location"] == "/oidc/error/?reason=state"
    client = Client()
    start(client)
    code = parse_qs(back.query)["code"][0]
    assert client.get(back.path, {"code": code, "state": "forged"})["Location"] == "/oidc/error/?reason=state"
    assert not client.get("/").wsgi_request.user.is_authenticated


@pytest.mark.django_db
@pytest.mark.parametrize("setting", ["algorithm", "keys"])
def test_a_token_that_cannot_be_checked_gives_the_french_page(sso, settings, setting):
    sso.set_person("ilona", email="ilona@example.com", groups=["fleet"])
    if setting == "algorithm":  # the IdP signs with RS256, the portal expects HS256
        settings.OIDC_RP_SIGN_ALGO = "HS256"
    else:  # a JWKS answer without keys
        settings.OIDC_OP_JWKS_ENDPOINT = f"{sso.issuer}/.well-known/openid-configuration"
    client = Client()
    response = sso_login(client, sso, "ilona")
    assert response["Location"] == "/oidc/error/?reason=token"
    assert "n’a pas pu être vérifiée" in client.get(response["Location"]).content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_every_reason_has_its_french_words_and_unknown_ones_are_generic(sso):
    client = Client()
    for reason in REASONS:
        page = client.get("/oidc/error/", {"reason": reason})
        assert page.status_code == 200 and f'data-oidc-error="{reason}"' in page.content.decode()
    assert 'data-oidc-error="generic"' in client.get("/oidc/error/", {"reason": "<script>"}).content.decode()


@pytest.mark.django_db
def test_the_client_secret_is_never_in_a_page_or_a_log_line(sso, caplog):
    sso.set_person("ines", email="ines@example.com", groups=["fleet"])
    client = Client()
    with caplog.at_level(logging.DEBUG):
        pages = [client.get("/accounts/login/"), sso_login(client, sso, "ines"), client.get("/", follow=True),
                 client.get("/oidc/error/", {"reason": "unavailable"})]
    assert caplog.records, "the flow logs something (requests to the IdP)"
    assert CLIENT_SECRET not in caplog.text
    assert all(CLIENT_SECRET not in page.content.decode() for page in pages)


@pytest.mark.django_db
def test_logout_ends_the_portal_session_and_with_the_switch_the_idp_session(sso, settings):
    sso.set_person("jules", email="jules@example.com", groups=["fleet"])
    browser, client = Browser(), Client()
    sso_login(client, sso, "jules", browser=browser)
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert not client.get("/").wsgi_request.user.is_authenticated

    settings.OIDC_LOGOUT_AT_IDP = True
    sso_login(client, sso, "jules", browser=browser)  # the IdP session is still open: no password asked
    response = client.post("/accounts/logout/")
    location = response["Location"]
    assert location.startswith(f"{sso.issuer}/end-session?")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == [AFTER_LOGOUT] and query["id_token_hint"][0].count(".") == 2
    assert not client.get("/").wsgi_request.user.is_authenticated
    at_idp = browser.session.get(location, allow_redirects=False, timeout=10)
    assert at_idp.status_code == 302 and at_idp.headers["Location"] == AFTER_LOGOUT
    # The IdP session is over: the next sign-in asks for the password again.
    again = browser.session.get(start(client), allow_redirects=False, timeout=10)
    assert "/login/" in again.headers["Location"]


@pytest.mark.django_db
def test_local_login_can_be_kept_for_administrators_only(sso, settings, customer, admin_user):
    make_user("karim", role=Role.MANAGER, customer=customer)
    page = Client().get("/accounts/login/").content.decode()
    assert "Se connecter avec Test IdP" in page and 'name="password"' in page and "<details" not in page
    settings.OIDC_LOCAL_LOGIN = "admins"
    page = Client().get("/accounts/login/").content.decode()
    assert "<details" in page and "Administrateurs" in page
    refused = Client().post("/accounts/login/", {"username": "karim", "password": PASSWORD})
    assert refused.status_code == 200 and "Votre compte se connecte avec Test IdP" in refused.content.decode()
    assert Client().post("/accounts/login/", {"username": "admin", "password": PASSWORD}).status_code == 302
    # A wrong password says nothing about SSO.
    wrong = Client().post("/accounts/login/", {"username": "karim", "password": "nope-nope-nope"})
    assert "Test IdP :" not in wrong.content.decode()


@pytest.mark.django_db
def test_off_by_default_nothing_changes(customer, settings):
    assert settings.OIDC_ENABLED is False
    assert not any("oidc" in path.lower() for path in settings.AUTHENTICATION_BACKENDS)
    page = Client().get("/accounts/login/").content.decode()
    assert "oidc" not in page and "Se connecter avec" not in page and 'name="password"' in page
    for path in ("/oidc/authenticate/", "/oidc/callback/", "/oidc/error/"):
        assert Client().get(path).status_code == 404


ROLES = ("anonymous", "driver", "manager", "hr", "admin_user")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_of_the_sso_urls_when_on(sso, role, request):
    """With SSO on, every role gets the same: the redirect to the IdP, the error page for a bare callback."""
    user = None if role == "anonymous" else request.getfixturevalue(role)
    client = client_for(user)
    authenticate = client.get("/oidc/authenticate/")
    assert authenticate.status_code == 302 and authenticate["Location"].startswith(sso.issuer + "/authorize?")
    assert client.get("/oidc/callback/")["Location"] == "/oidc/error/?reason=generic"
    assert client.get("/oidc/error/").status_code == 200
    for path in ("/oidc/authenticate/", "/oidc/callback/", "/oidc/error/"):
        assert client.post(path).status_code == 405


def test_the_test_idp_is_a_real_process_speaking_http(sso):
    document = requests.get(f"{sso.issuer}/.well-known/openid-configuration", timeout=5).json()
    assert document["issuer"] == sso.issuer and sso.process.poll() is None


@pytest.mark.django_db
def test_an_id_token_from_another_issuer_is_refused(sso, settings):
    sso.set_person("nadia", email="nadia@example.com", groups=["fleet"])
    settings.OIDC_OP_ISSUER = "https://login.example.com/another-tenant"
    assert sso_login(Client(), sso, "nadia")["Location"] == "/oidc/error/?reason=token"
    settings.OIDC_OP_ISSUER = ""  # discovered: the IdP's own issuer, accepted
    assert sso_login(Client(), sso, "nadia")["Location"] == "/"


@pytest.mark.django_db
def test_an_id_token_for_another_client_is_refused(sso, settings):
    import jwt
    from django.core.exceptions import SuspiciousOperation

    from privacy.sso.backend import PortalOIDCBackend

    settings.OIDC_RP_SIGN_ALGO = "HS256"  # signed with the client secret: the test can sign one
    backend = PortalOIDCBackend()
    backend._configure()
    claims = {"iss": sso.issuer, "nonce": "n", "sub": "1"}
    ours = jwt.encode({**claims, "aud": ["other", CLIENT_ID]}, CLIENT_SECRET, algorithm="HS256")
    assert backend.verify_token(ours, nonce="n")["sub"] == "1"
    theirs = jwt.encode({**claims, "aud": "another-client"}, CLIENT_SECRET, algorithm="HS256")
    with pytest.raises(SuspiciousOperation, match="aud"):
        backend.verify_token(theirs, nonce="n")
