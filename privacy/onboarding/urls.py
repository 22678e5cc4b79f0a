"""Routes of this area; names live in the "privacy" namespace (included from privacy/urls.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from privacy.views import onboarding, onboarding_auth, onboarding_users

urlpatterns: list = [
    path("setup/", onboarding.setup, name="setup"),
    path("setup/checks/", onboarding.setup_checks, name="setup_checks"),
    path("setup/customers/new/", onboarding.customer_new, name="customer_new"),
    path("setup/customers/<int:pk>/", onboarding.customer_edit, name="customer_edit"),
    path("setup/drivers/", onboarding_users.onboarding_drivers, name="onboarding_drivers"),
    path("setup/import/", onboarding_users.users_import, name="users_import"),
    path("setup/runs/<int:pk>/", onboarding_users.onboarding_run, name="onboarding_run"),
    path("users/", onboarding_users.users, name="users"),
    path("users/new/", onboarding_users.user_create, name="user_create"),
    path("users/<int:pk>/active/", onboarding_users.user_active, name="user_active"),
    path("users/<int:pk>/invite/", onboarding_users.user_invite, name="user_invite"),
    # Password reset (every user) and invitations: Django's views, our templates in templates/registration/.
    path("accounts/password-reset/", onboarding_auth.PasswordReset.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        onboarding_auth.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/welcome/<uidb64>/<token>/", onboarding_auth.InvitationConfirm.as_view(), name="invitation"),
]
