"""Single sign-on in a real browser: chromium → the portal (live server) → the test IdP (a real process) →
back, with the mapped role; a refused person reads the French page; logout ends both sessions."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ocean_portal.sso_settings import idp_origins
from privacy.models import Role, User
from tests.e2e.conftest import visit
from tests.sso.conftest import GROUP_ROLES
from tests.sso.idp import CLIENT_ID, CLIENT_SECRET, running_idp

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser_idp(live_server, tmp_path_factory):
    with running_idp(tmp_path_factory.mktemp("idp-e2e"), [f"{live_server.url}/oidc/callback/"],
                     [f"{live_server.url}/accounts/login/"]) as idp:
        yield idp


@pytest.fixture
def sso_on(settings, browser_idp, customer):
    values = {"OIDC_ENABLED": True, "OIDC_PROVIDER_NAME": "Test IdP", "OIDC_RP_CLIENT_ID": CLIENT_ID,
              "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET, "OIDC_OP_DISCOVERY_URL": browser_idp.issuer,
              "OIDC_OP_LOGOUT_ENDPOINT": "", "OIDC_OP_AUTHORIZATION_ENDPOINT": "",
              "OIDC_RP_SCOPES": "openid email profile groups", "OIDC_GROUP_ROLES": GROUP_ROLES,
              "OIDC_CUSTOMER_ID": customer.ocean_customer_id, "OIDC_LOGOUT_AT_IDP": True}
    for name, value in values.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [settings.AUTHENTICATION_BACKENDS[0], "privacy.sso.backend.PortalOIDCBackend",
                                        *settings.AUTHENTICATION_BACKENDS[1:]]
    # What settings.py does with OIDC_LOGOUT_AT_IDP: the logout form may go on to the IdP.
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {**policy["DIRECTIVES"], "form-action": ["'self'", *idp_origins(values)]}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    return browser_idp


def _sign_in_at_the_idp(page, username: str) -> None:
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("idp-pass")
    page.locator("#idp-login").click()
    page.locator("#idp-allow").click()


def test_a_manager_signs_in_with_the_idp_and_out_of_both(page, server, sso_on):
    sso_on.set_person("lea", email="lea@example.com", groups=["fleet-paris"])
    page.goto(f"{server}/accounts/login/")
    visit(page, "the login page with SSO", screenshot="sso-login")
    page.get_by_role("link", name="Se connecter avec Test IdP").click()
    assert page.url.startswith(sso_on.url)
    _sign_in_at_the_idp(page, "lea")
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(server) and "/accounts/login/" not in page.url, page.url
    user = User.objects.get(email="lea@example.com")
    assert (user.role, user.entity_ids) == (Role.MANAGER, [122])
    visit(page, "the home page after SSO", keyboard=False)

    page.get_by_role("button", name="Déconnexion").click()
    page.wait_for_url(f"{server}/accounts/login/")
    # Both sessions are over: the portal asks to log in, the IdP asks for the password again.
    page.get_by_role("link", name="Se connecter avec Test IdP").click()
    expect(page.locator("#idp-login")).to_be_visible()


def test_someone_in_no_mapped_group_reads_why_in_french_and_goes_back(page, server, sso_on):
    sso_on.set_person("marc", email="marc@example.com", groups=["canteen"])
    page.goto(f"{server}/accounts/login/")
    page.get_by_role("link", name="Se connecter avec Test IdP").click()
    _sign_in_at_the_idp(page, "marc")
    expect(page.get_by_role("alert")).to_contain_text("aucun groupe qui donne accès au portail")
    visit(page, "the SSO error page", screenshot="sso-refused")
    page.get_by_role("link", name="Retour à la page de connexion").click()
    expect(page).to_have_url(f"{server}/accounts/login/")
