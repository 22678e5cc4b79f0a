"""The OIDC authentication backend: an IdP user becomes (or is matched to) a portal user with the role,
entity scope and administration their groups give, re-read at every login and audited.

- Matched by e-mail, case-insensitive; created (no usable password) when unknown.
- Groups are mapped at every login: a role or a group removed at the IdP is removed here.
- No mapped group, an unverified e-mail, a deactivated account, another customer's account, a superuser
  (those keep their local password): refused, with a reason the error page words in French.
- Never a superuser: ``is_superuser`` is never set; the "admin" mapping gives ``is_staff`` (the portal's
  administration pages) only.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend, default_username_algo

from privacy.models import Customer, Role, User
from privacy.services.audit import audit_record
from privacy.sso.access import Access, groups_of, resolve
from privacy.sso.provider import discovery, oidc_setting

log = logging.getLogger(__name__)


class Refused(Exception):
    """The IdP vouched for someone the portal does not let in; ``code`` names why (views.REASONS)."""

    def __init__(self, code: str, *, user: User | None = None, email: str = "", groups: list[str] | None = None):
        super().__init__(code)
        self.code, self.user, self.email, self.groups = code, user, email, groups or []


def _snapshot(user: User) -> dict:
    return {"role": user.role, "entity_ids": list(user.entity_ids), "is_staff": user.is_staff,
            "ocean_individu_id": user.ocean_individu_id}


class PortalOIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # Nothing is resolved here: Django builds every backend for each local password login and each
        # session read too, and those must neither wait for the IdP nor fail when it is down.
        self.UserModel = get_user_model()

    def _configure(self) -> None:
        """mozilla-django-oidc's __init__, run only for a real callback (endpoints may need discovery)."""
        super().__init__()

    def get_user(self, user_id):
        try:
            user = self.UserModel._default_manager.select_related("customer").get(pk=user_id)
        except self.UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a local login (username, password) is not ours.
        if request is None or "nonce" not in kwargs or not settings.OIDC_ENABLED:
            return None
        self._configure()
        try:
            return super().authenticate(request, **kwargs)
        except Refused as refusal:
            request.oidc_refusal = refusal.code
            self._audit_refusal(refusal)
            return None

    def verify_token(self, token, **kwargs):
        """mozilla-django-oidc checks the signature, the algorithm and the nonce; the audience and the issuer
        are checked here (OpenID Connect Core 3.1.3.7), so a token made for another client is refused."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        if self.OIDC_RP_CLIENT_ID not in (audience if isinstance(audience, list) else [audience]):
            raise SuspiciousOperation("the ID token is for another client (aud)")
        issuer = settings.OIDC_OP_ISSUER or discovery().get("issuer", "")
        if issuer and "{" not in issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("the ID token comes from another issuer (iss)")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        # Some IdPs (Azure AD) put the groups in the ID token only: the token's claims, then userinfo's.
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        email = str(claims.get(settings.OIDC_EMAIL_CLAIM) or "").strip()
        groups = groups_of(claims, settings.OIDC_GROUPS_CLAIM)
        if not email or "@" not in email or str(claims.get("email_verified", "")).lower() == "false":
            raise Refused("email", email=email, groups=groups)
        with transaction.atomic():
            # The customer row is locked: two first sign-ins of one person at once make one account.
            customer = Customer.objects.select_for_update().filter(ocean_customer_id=settings.OIDC_CUSTOMER_ID).first()
            if customer is None:
                raise Refused("setup", email=email, groups=groups)
            matches = list(self.UserModel.objects.filter(email__iexact=email)[:2])
            if len(matches) > 1:
                raise Refused("ambiguous", email=email, groups=groups)
            user = matches[0] if matches else None
            self._check_account(user, customer, email, groups)
            access = resolve(groups, settings.OIDC_GROUP_ROLES)
            if access is None:
                raise Refused("no_group", user=user, email=email, groups=groups)
            individu = self._driver_id(access, claims, user, customer, email, groups)
            return self._apply(user, customer, access, individu, claims, email)

    def _check_account(self, user: User | None, customer: Customer, email: str, groups: list[str]) -> None:
        if user is None:
            return
        if user.is_superuser:  # break-glass accounts keep their local password; the IdP never takes them
            raise Refused("superuser", user=user, email=email, groups=groups)
        if not user.is_active:
            raise Refused("inactive", user=user, email=email, groups=groups)
        if user.customer_id not in (None, customer.pk):
            raise Refused("customer", user=user, email=email, groups=groups)

    def _driver_id(self, access: Access, claims: dict, user: User | None, customer: Customer, email: str,
                   groups: list[str]) -> int | None:
        """A driver's Ocean individu: the IdP's claim when configured, else the one the account has."""
        if access.role != Role.DRIVER:
            return user.ocean_individu_id if user else None
        individu = user.ocean_individu_id if user else None
        if settings.OIDC_DRIVER_ID_CLAIM and str(claims.get(settings.OIDC_DRIVER_ID_CLAIM, "")).strip().isdigit():
            individu = int(str(claims[settings.OIDC_DRIVER_ID_CLAIM]).strip())
        if individu is None:
            raise Refused("driver_unlinked", user=user, email=email, groups=groups)
        taken = self.UserModel.objects.filter(customer=customer, ocean_individu_id=individu)
        if user is not None:
            taken = taken.exclude(pk=user.pk)
        if taken.exists():
            raise Refused("driver_taken", user=user, email=email, groups=groups)
        return individu

    def _username(self, email: str, claims: dict) -> str:
        candidate = email.lower()[:150]
        if not self.UserModel.objects.filter(username__iexact=candidate).exists():
            return candidate
        return default_username_algo(email, claims)

    def _apply(self, user: User | None, customer: Customer, access: Access, individu: int | None, claims: dict,
               email: str) -> User:
        created = user is None
        if created:
            user = self.UserModel(username=self._username(email, claims), email=email,
                                  first_name=str(claims.get("given_name") or "")[:150],
                                  last_name=str(claims.get("family_name") or "")[:150])
            user.set_unusable_password()
        before = None if created else _snapshot(user)
        user.customer = customer
        user.role = access.role
        user.entity_ids = list(access.entity_ids) if access.role == Role.MANAGER else []
        user.is_staff = access.is_staff  # never is_superuser
        user.ocean_individu_id = individu
        user.save()
        after = _snapshot(user)
        if created:
            audit_record(actor=user, action="user.sso_create", customer=customer, target=user.username,
                         after={**after, "email": email})
        elif before != after:
            audit_record(actor=user, action="user.sso_role", customer=customer, target=user.username,
                         before=before, after=after)
        audit_record(actor=user, action="user.sso_login", customer=customer, target=user.username,
                     after={"groups": list(access.groups)})
        log.info("OIDC login of user %s (role %s)", user.pk, user.role or "admin")
        return user

    def _audit_refusal(self, refusal: Refused) -> None:
        customer = Customer.objects.filter(ocean_customer_id=settings.OIDC_CUSTOMER_ID).first()
        audit_record(actor=refusal.user, action="user.sso_refused", customer=customer,
                     target=refusal.email or "?", after={"reason": refusal.code, "groups": refusal.groups[:20]})
        log.warning("OIDC login refused (%s)", refusal.code)


def not_a_password_attempt(request, credentials) -> bool:  # noqa: ARG001 (axes calls it so)
    """AXES_WHITELIST_CALLABLE: an OIDC callback guesses no password (the IdP guards its own logins), so
    refused sign-ins must not lock out everyone behind the same address."""
    return "nonce" in (credentials or {})
