"""Single sign-on (OpenID Connect) settings, read from the environment like the rest (issue 19 #6).

Off unless ``OIDC_ENABLED=True``: the embedded default and every deployment without it behave exactly as
before (no backend added, the « Se connecter avec … » button hidden, the /oidc/ pages answer 404).
Every variable is documented in ``.env.example`` and the README (« Single sign-on »).
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import environ

ROLES = ("manager", "hr", "driver", "admin")


def parse_group_roles(text: str) -> dict[str, dict]:
    """IdP group → portal access. ``"fleet=manager,fleet-paris=manager:122+125,payroll=hr,it=admin"`` or the
    same as JSON (``{"fleet": "manager", "fleet-paris": "manager:122+125"}``, for group names with commas).

    Returns ``{"fleet-paris": {"role": "manager", "entities": [122, 125]}, ...}``; an empty entity list
    means every entity. Entities only scope managers.
    """
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            pairs = list(json.loads(text).items())
        except (ValueError, AttributeError) as exc:
            raise environ.ImproperlyConfigured(f"OIDC_GROUP_ROLES is not valid JSON ({exc})") from exc
    else:
        pairs = []
        for item in filter(None, (part.strip() for part in text.split(","))):
            group, sep, value = item.rpartition("=")
            if not sep or not group.strip():
                raise environ.ImproperlyConfigured(f"OIDC_GROUP_ROLES: {item!r} is not group=role")
            pairs.append((group.strip(), value))
    mapping = {}
    for group, value in pairs:
        role, _sep, entities = str(value).strip().partition(":")
        if role not in ROLES:
            raise environ.ImproperlyConfigured(
                f"OIDC_GROUP_ROLES: the role of {group!r} must be one of {', '.join(ROLES)} (got {role!r})")
        try:
            ids = sorted({int(part) for part in entities.split("+") if part.strip()})
        except ValueError as exc:
            raise environ.ImproperlyConfigured(
                f"OIDC_GROUP_ROLES: the entities of {group!r} are Ocean entity ids joined by + (got {entities!r})"
            ) from exc
        if ids and role != "manager":
            raise environ.ImproperlyConfigured(f"OIDC_GROUP_ROLES: only a manager's role takes entities ({group!r})")
        mapping[group] = {"role": role, "entities": ids}
    return mapping


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def oidc_settings(env: environ.Env, *, default_customer_id: int, https: bool) -> dict:
    """Every OIDC_* setting (mozilla-django-oidc's names where it has one)."""
    enabled = env.bool("OIDC_ENABLED", default=False)
    values = {
        "OIDC_ENABLED": enabled,
        # Shown on the login page: « Se connecter avec <name> ».
        "OIDC_PROVIDER_NAME": env.str("OIDC_PROVIDER_NAME", default="SSO"),
        "OIDC_RP_CLIENT_ID": env.str("OIDC_RP_CLIENT_ID", default=""),
        "OIDC_RP_CLIENT_SECRET": env.str("OIDC_RP_CLIENT_SECRET", default=""),
        # The issuer (or its /.well-known/openid-configuration URL): endpoints are discovered from it.
        "OIDC_OP_DISCOVERY_URL": env.str("OIDC_OP_DISCOVERY_URL", default=""),
        # Explicit endpoints win over discovery (an IdP without discovery sets them all).
        "OIDC_OP_AUTHORIZATION_ENDPOINT": env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default=""),
        "OIDC_OP_TOKEN_ENDPOINT": env.str("OIDC_OP_TOKEN_ENDPOINT", default=""),
        "OIDC_OP_USER_ENDPOINT": env.str("OIDC_OP_USER_ENDPOINT", default=""),
        "OIDC_OP_JWKS_ENDPOINT": env.str("OIDC_OP_JWKS_ENDPOINT", default=""),
        "OIDC_OP_LOGOUT_ENDPOINT": env.str("OIDC_OP_LOGOUT_ENDPOINT", default=""),
        # The ID token's expected "iss" (discovered when unset; a {tenantid} template is not checked).
        "OIDC_OP_ISSUER": env.str("OIDC_OP_ISSUER", default=""),
        "OIDC_DISCOVERY_CACHE_S": env.int("OIDC_DISCOVERY_CACHE_S", default=3600),
        "OIDC_RP_SIGN_ALGO": env.str("OIDC_RP_SIGN_ALGO", default="RS256"),
        "OIDC_RP_SCOPES": env.str("OIDC_RP_SCOPES", default="openid email profile"),
        "OIDC_USE_PKCE": env.bool("OIDC_USE_PKCE", default=True),
        "OIDC_TIMEOUT": env.float("OIDC_TIMEOUT", default=10.0),
        "OIDC_VERIFY_SSL": env.bool("OIDC_VERIFY_SSL", default=True),
        "OIDC_TOKEN_USE_BASIC_AUTH": env.bool("OIDC_TOKEN_USE_BASIC_AUTH", default=False),
        # Claims: where the e-mail, the groups and (optionally) a driver's Ocean individu id are.
        "OIDC_EMAIL_CLAIM": env.str("OIDC_EMAIL_CLAIM", default="email"),
        "OIDC_GROUPS_CLAIM": env.str("OIDC_GROUPS_CLAIM", default="groups"),
        "OIDC_DRIVER_ID_CLAIM": env.str("OIDC_DRIVER_ID_CLAIM", default=""),
        "OIDC_GROUP_ROLES": parse_group_roles(env.str("OIDC_GROUP_ROLES", default="")),
        # The Ocean customerId of the portal customer the IdP's people belong to.
        "OIDC_CUSTOMER_ID": env.int("OIDC_CUSTOMER_ID", default=default_customer_id),
        # "all": everyone may still use a local password; "admins": only administrators may.
        "OIDC_LOCAL_LOGIN": env.str("OIDC_LOCAL_LOGIN", default="all"),
        # Logging out of the portal also ends the IdP session (RP-initiated logout).
        "OIDC_LOGOUT_AT_IDP": env.bool("OIDC_LOGOUT_AT_IDP", default=False),
        # mozilla-django-oidc's own settings, fixed by the portal.
        "OIDC_STORE_ID_TOKEN": True,  # the id_token_hint of the IdP logout
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc_callback",
        "OIDC_REDIRECT_REQUIRE_HTTPS": https,
        "LOGIN_REDIRECT_URL_FAILURE": "oidc_error",
    }
    if values["OIDC_LOCAL_LOGIN"] not in ("all", "admins"):
        raise environ.ImproperlyConfigured("OIDC_LOCAL_LOGIN must be all or admins")
    if enabled:
        missing = [name for name in ("OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET", "OIDC_GROUP_ROLES")
                   if not values[name]]
        if not values["OIDC_OP_DISCOVERY_URL"] and not all(
                values[f"OIDC_OP_{name}_ENDPOINT"] for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS")):
            missing.append("OIDC_OP_DISCOVERY_URL (or every OIDC_OP_*_ENDPOINT)")
        if missing:
            raise environ.ImproperlyConfigured(f"OIDC_ENABLED=True needs {', '.join(missing)}")
    return values


def idp_origins(values: dict) -> list[str]:
    """The IdP's origins, for the CSP form-action of the logout form when it goes on to the IdP."""
    if not (values["OIDC_ENABLED"] and values["OIDC_LOGOUT_AT_IDP"]):
        return []
    names = ("OIDC_OP_DISCOVERY_URL", "OIDC_OP_LOGOUT_ENDPOINT", "OIDC_OP_AUTHORIZATION_ENDPOINT")
    urls = [values[name] for name in names]
    return sorted({origin for origin in map(_origin, urls) if origin})
