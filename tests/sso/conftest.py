"""SSO tests: one real test IdP process for the session, the portal's settings pointing at it."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.sso.idp import CLIENT_ID, CLIENT_SECRET, Browser, running_idp

CALLBACK = "http://testserver/oidc/callback/"
AFTER_LOGOUT = "http://testserver/accounts/login/"
GROUP_ROLES = {
    "fleet": {"role": "manager", "entities": []},
    "fleet-paris": {"role": "manager", "entities": [122]},
    "payroll": {"role": "hr", "entities": []},
    "drivers": {"role": "driver", "entities": []},
    "it-admins": {"role": "admin", "entities": []},
}


@pytest.fixture(scope="session")
def idp(tmp_path_factory):
    with running_idp(tmp_path_factory.mktemp("idp"), [CALLBACK], [AFTER_LOGOUT]) as server:
        yield server


@pytest.fixture
def sso(settings, idp, customer):
    """OIDC on, as a deployment sets it by environment, against the test IdP (discovery)."""
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Test IdP"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_DISCOVERY_URL = idp.issuer
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_GROUP_ROLES = GROUP_ROLES
    settings.OIDC_CUSTOMER_ID = customer.ocean_customer_id
    settings.AUTHENTICATION_BACKENDS = [
        settings.AUTHENTICATION_BACKENDS[0], "privacy.sso.backend.PortalOIDCBackend",
        *settings.AUTHENTICATION_BACKENDS[1:]]
    return idp


def start(client, next_url: str = "") -> str:
    """The portal's « Se connecter avec … »: the IdP authorize URL it redirects to."""
    response = client.get("/oidc/authenticate/", {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.status_code
    return response["Location"]


def sso_login(client, idp, username: str, *, browser: Browser | None = None, allow: bool = True,
              next_url: str = ""):
    """The whole authorization-code flow; returns the portal's answer to the callback."""
    authorize = start(client, next_url)
    assert authorize.startswith(idp.issuer + "/authorize?")
    back = (browser or Browser()).login_and_consent(authorize, username, allow=allow)
    assert back.startswith(CALLBACK), back
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")
