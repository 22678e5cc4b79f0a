"""The SSO pages: the redirect to the IdP, the callback, the French error page, the logout.

Each answers 404 while OIDC_ENABLED is off. Whatever goes wrong on the way (the IdP down, a state that does
not match, a refusal) ends on the error page with the reason in words and a way back, never a 500.
"""
from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from privacy.sso.forms import LocalAuthenticationForm
from privacy.sso.provider import ProviderUnavailable, logout_url, oidc_setting

log = logging.getLogger(__name__)

# reason code (in the error page's query) → what the person reads
REASONS = {
    "unavailable": _("The identity provider does not answer at the moment. Try again in a few minutes, or "
                     "log in with your portal password if you have one."),
    "state": _("The sign-in took too long or was started in another window, so it could not be checked. "
               "Start again from the login page."),
    "cancelled": _("The sign-in was cancelled at the identity provider."),
    "no_group": _("Your account at the identity provider is in no group that gives access to the portal. "
                  "Ask your administrator to add you to the right group."),
    "email": _("The identity provider did not give a verified e-mail address for your account."),
    "inactive": _("Your portal account is deactivated. Ask your administrator."),
    "customer": _("Your portal account belongs to another customer than the one of this sign-in."),
    "superuser": _("This administrator account signs in with its portal password, not through single sign-on."),
    "ambiguous": _("Several portal accounts have your e-mail address. Ask your administrator to merge them."),
    "driver_unlinked": _("Your driver account is not linked to an Ocean driver yet. Ask your fleet manager."),
    "driver_taken": _("The Ocean driver of your account is already linked to another portal account. "
                      "Ask your administrator."),
    "setup": _("Single sign-on is not set up completely on the portal (unknown customer). "
               "Ask your administrator."),
    "token": _("The identity provider's answer could not be checked. Try again; if it happens again, tell "
               "your administrator."),
    "generic": _("The sign-in did not succeed."),
}


def _enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404("single sign-on is off")


def _failure(reason: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('oidc_error')}?reason={reason if reason in REASONS else 'generic'}")


class PortalAuthenticationRequestView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)


class PortalCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def login_failure(self):
        reason = getattr(self.request, "oidc_refusal", "")
        if not reason:
            if self.request.GET.get("error"):
                reason = "cancelled" if self.request.GET["error"] == "access_denied" else "generic"
            elif getattr(self, "user", None) is not None and not self.user.is_active:
                reason = "inactive"
            else:
                reason = "state" if "state" in self.request.GET else "generic"
        return _failure(reason)


@require_GET
@never_cache
def oidc_authenticate(request):
    _enabled()
    try:
        return PortalAuthenticationRequestView.as_view()(request)
    except (ProviderUnavailable, ImproperlyConfigured):
        return _failure("unavailable")


def _state_unknown(request) -> bool:
    """A callback for a sign-in this browser did not start, or already finished (replay, second tab)."""
    states = request.session.get("oidc_states")
    return "code" in request.GET and request.GET.get("state") not in (states if isinstance(states, dict) else {})


@require_GET
@never_cache
def oidc_callback(request):
    _enabled()
    if _state_unknown(request):
        log.warning("OIDC callback refused: its state is not one this session started")
        return _failure("state")
    try:
        return PortalCallbackView.as_view()(request)
    except (ProviderUnavailable, ImproperlyConfigured, requests.RequestException) as exc:
        # Never the exception's text: a token endpoint's error body is the IdP's, not for the log at INFO.
        log.warning("OIDC callback: the identity provider failed (%s)", type(exc).__name__)
        return _failure("unavailable")
    except (SuspiciousOperation, jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
        # A token that does not verify (signature, algorithm, nonce, expiry) or an answer of the wrong shape.
        log.warning("OIDC callback: the IdP's answer could not be checked (%s: %s)", type(exc).__name__, exc)
        return _failure("token")


@require_GET
@never_cache
def oidc_error(request):
    _enabled()
    reason = request.GET.get("reason", "generic")
    message = REASONS.get(reason, REASONS["generic"])
    return render(request, "registration/oidc_error.html",
                  {"message": message, "reason": reason if reason in REASONS else "generic",
                   "provider_name": settings.OIDC_PROVIDER_NAME}, status=200)


class PortalLogoutView(auth_views.LogoutView):
    """Django's logout; after an SSO login and with OIDC_LOGOUT_AT_IDP, it goes on to end the IdP session."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if settings.OIDC_ENABLED and settings.OIDC_LOGOUT_AT_IDP and id_token:
            after = request.build_absolute_uri(reverse("login"))
            if url := logout_url(id_token, after):
                return HttpResponseRedirect(url)
        return response


class PortalLoginView(auth_views.LoginView):
    """Django's login page with, when SSO is on, « Se connecter avec … » first and the local form kept
    (behind a disclosure when OIDC_LOCAL_LOGIN=admins: only administrators use it then)."""

    authentication_form = LocalAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
        context["local_login_admins_only"] = settings.OIDC_ENABLED and settings.OIDC_LOCAL_LOGIN == "admins"
        return context
