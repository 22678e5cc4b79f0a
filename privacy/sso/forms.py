"""The local login form: Django's, refusing non-administrators when SSO is their only way in."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LocalAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # Checked after the password, so it tells nothing to someone who does not know it.
        if settings.OIDC_ENABLED and settings.OIDC_LOCAL_LOGIN == "admins" and not user.is_staff:
            raise ValidationError(
                _("Your account signs in with %(provider)s: use the button above."),
                code="sso_only", params={"provider": settings.OIDC_PROVIDER_NAME})
