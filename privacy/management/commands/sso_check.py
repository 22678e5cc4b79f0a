"""`manage.py sso_check [--groups a,b]` — is single sign-on set up right? For an administrator, before
opening the button to everyone.

Reads the IdP's discovery document and signing keys like a login would, finds the customer, lists the group
mapping, and with ``--groups`` says what access those groups would give. JSON on stdout; the problems on
stderr and exit code 1 when there is one. Never prints the client secret.
"""
from __future__ import annotations

import json

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from privacy.models import Customer
from privacy.sso.access import resolve
from privacy.sso.provider import DISCOVERED, ProviderUnavailable, oidc_setting


def _endpoints(problems: list[str]) -> dict[str, str | None]:
    found = {}
    for name in DISCOVERED:
        try:
            found[name] = oidc_setting(name, None)
        except ProviderUnavailable:
            url = settings.OIDC_OP_DISCOVERY_URL
            problems.append(_("the IdP's discovery document cannot be read (%(url)s)") % {"url": url})
            return {}
        if found[name] is None and name != "OIDC_OP_LOGOUT_ENDPOINT":
            problems.append(_("%(name)s is neither set nor discovered") % {"name": name})
    return found


def _signing_keys(endpoint: str | None, problems: list[str]) -> int:
    if not endpoint or not settings.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")):
        return 0
    try:
        response = requests.get(endpoint, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        keys = response.json()["keys"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        problems.append(_("the IdP's signing keys cannot be read (%(error)s)") % {"error": type(exc).__name__})
        return 0
    if not keys:
        problems.append(_("the IdP publishes no signing key"))
    return len(keys)


class Command(BaseCommand):
    help = "Check the single sign-on (OIDC) settings against the identity provider"

    def add_arguments(self, parser):
        parser.add_argument("--groups", default="", help="comma-separated IdP groups: what access would they give?")

    def handle(self, *args, **options):
        problems: list[str] = []
        if not settings.OIDC_ENABLED:
            problems.append(_("OIDC_ENABLED is off"))
        endpoints = _endpoints(problems) if settings.OIDC_ENABLED else {}
        keys = _signing_keys(endpoints.get("OIDC_OP_JWKS_ENDPOINT"), problems)
        customer = Customer.objects.filter(ocean_customer_id=settings.OIDC_CUSTOMER_ID).first()
        if customer is None:
            problems.append(
                _("no customer has the Ocean customerId OIDC_CUSTOMER_ID=%(id)s") % {"id": settings.OIDC_CUSTOMER_ID})
        report = {
            "enabled": settings.OIDC_ENABLED, "provider": settings.OIDC_PROVIDER_NAME,
            "client_id": settings.OIDC_RP_CLIENT_ID, "client_secret_set": bool(settings.OIDC_RP_CLIENT_SECRET),
            "endpoints": endpoints, "sign_algo": settings.OIDC_RP_SIGN_ALGO, "signing_keys": keys,
            "customer": customer.name if customer else None, "group_roles": settings.OIDC_GROUP_ROLES,
            "local_login": settings.OIDC_LOCAL_LOGIN, "logout_at_idp": settings.OIDC_LOGOUT_AT_IDP,
        }
        if options["groups"]:
            access = resolve([g.strip() for g in options["groups"].split(",") if g.strip()], settings.OIDC_GROUP_ROLES)
            report["access"] = None if access is None else {
                "role": access.role, "entity_ids": list(access.entity_ids), "admin": access.is_staff,
                "from_groups": list(access.groups)}
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        if problems:
            raise CommandError("; ".join(problems))
