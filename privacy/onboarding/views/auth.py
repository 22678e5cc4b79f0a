"""Password reset for every user and the invitation link, on Django's password-reset views.

The links are one-time and expiring by construction (``default_token_generator``: the token hashes
the current password and last login; ``PASSWORD_RESET_TIMEOUT``). The reset form answers the same
whether or not the address is known, so it cannot be used to probe for accounts.
"""

from __future__ import annotations

import hashlib

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy

from privacy.links import portal_url
from privacy.onboarding.forms import PortalPasswordResetForm


class PasswordReset(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("privacy:password_reset_done")

    def form_valid(self, form):
        self.extra_email_context = {"base_url": portal_url(), "days": settings.PASSWORD_RESET_TIMEOUT // 86400}
        if not _reset_allowed(form.cleaned_data["email"], self.request.META.get("REMOTE_ADDR", "")):
            # Same answer as a sent e-mail: the form must not become a way to flood an inbox or to probe.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


RESET_LIMITS = {"email": (3, 3600), "ip": (20, 3600)}  # requests per window (seconds)


def _reset_allowed(email: str, ip: str) -> bool:
    """At most 3 reset e-mails per address and 20 requests per client address an hour."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    for kind, value in (("email", digest), ("ip", ip)):
        limit, window = RESET_LIMITS[kind]
        key = f"password-reset:{kind}:{value}"
        cache.add(key, 0, window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
        if count > limit:
            return False
    return True


class _UnlockOnSuccess:
    """Choosing a password through an e-mailed link proves who the person is: lift a login lockout
    (django-axes) for that username, so "locked out → forgot password → log in" works at once."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response


class PasswordResetConfirm(_UnlockOnSuccess, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("privacy:password_reset_complete")


class InvitationConfirm(_UnlockOnSuccess, auth_views.PasswordResetConfirmView):
    """The invitation link: same token check, worded as a welcome, and logs the person in."""

    template_name = "registration/invitation_confirm.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("privacy:home")
