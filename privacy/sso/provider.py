"""The identity provider's endpoints: explicit settings, else OpenID discovery (cached).

mozilla-django-oidc only reads endpoint settings; ``oidc_setting`` is the ``get_settings`` of the portal's
backend and views, so a deployment can give the issuer alone (``OIDC_OP_DISCOVERY_URL``) and the
endpoints are read from its ``/.well-known/openid-configuration`` when first needed (never at start-up, so
the portal starts, and local logins work, while the IdP is down).
"""
from __future__ import annotations

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

# portal setting → key of the discovery document
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}
WELL_KNOWN = "/.well-known/openid-configuration"


class ProviderUnavailable(Exception):
    """The IdP did not answer (or answered nonsense) when its endpoints or tokens were asked for."""


def discovery_url() -> str:
    url = settings.OIDC_OP_DISCOVERY_URL.rstrip("/")
    return url if url.endswith(WELL_KNOWN) else url + WELL_KNOWN


def discovery() -> dict:
    """The discovery document, from the cache or the IdP (ProviderUnavailable when it cannot be read)."""
    if not settings.OIDC_OP_DISCOVERY_URL:
        return {}
    key = f"oidc:discovery:{discovery_url()}"
    if (document := cache.get(key)) is not None:
        return document
    try:
        response = requests.get(discovery_url(), timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict) or "authorization_endpoint" not in document:
            raise ValueError("no authorization_endpoint in the discovery document")
    except (requests.RequestException, ValueError) as exc:
        log.warning("OIDC discovery failed at %s: %s", discovery_url(), type(exc).__name__)
        raise ProviderUnavailable(str(type(exc).__name__)) from exc
    cache.set(key, document, settings.OIDC_DISCOVERY_CACHE_S)
    return document


def oidc_setting(attr: str, *args):
    """mozilla-django-oidc's ``get_settings`` with discovery behind the endpoint settings."""
    value = getattr(settings, attr, None)
    if attr in DISCOVERED and not value:
        value = discovery().get(DISCOVERED[attr]) or None
    if value is None or value == "":
        if args:
            return args[0]
        raise ImproperlyConfigured(f"Setting {attr} not found (neither set nor discovered)")
    return value


def logout_url(id_token: str | None, after_url: str) -> str | None:
    """The IdP's end-session URL (RP-initiated logout), or None when it has none or cannot be read."""
    try:
        endpoint = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", None)
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    params = {"post_logout_redirect_uri": after_url, "client_id": settings.OIDC_RP_CLIENT_ID}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"
