"""Password reset for every user and the invitation link, on Django's password-reset views.

The links are one-time and expiring by construction (``default_token_generator``: the token hashes
the current password and last login; ``PASSWORD_RESET_TIMEOUT``). The reset form answers the same
whether or not the address is known, so it cannot be used to probe for accounts.
"""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from privacy.forms_onboarding import PortalPasswordResetForm


def _base_url() -> str:
    # Links point at the configured address, never at the Host header a client sent.
    return settings.PORTAL_BASE_URL.rstrip("/")


class PasswordReset(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("privacy:password_reset_done")

    def form_valid(self, form):
        self.extra_email_context = {"base_url": _base_url(), "days": settings.PASSWORD_RESET_TIMEOUT // 86400}
        return super().form_valid(form)


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
