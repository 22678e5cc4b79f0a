"""Routes of this area; names live in the "privacy" namespace (included from privacy/urls.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from privacy.onboarding.views import auth, setup, users

urlpatterns: list = [
    path("setup/", setup.setup, name="setup"),
    path("setup/checks/", setup.setup_checks, name="setup_checks"),
    path("setup/customers/new/", setup.customer_new, name="customer_new"),
    path("setup/customers/<int:pk>/", setup.customer_edit, name="customer_edit"),
    path("setup/drivers/", users.onboarding_drivers, name="onboarding_drivers"),
    path("setup/import/", users.users_import, name="users_import"),
    path("setup/runs/<int:pk>/", users.onboarding_run, name="onboarding_run"),
    path("users/", users.users, name="users"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/<int:pk>/active/", users.user_active, name="user_active"),
    path("users/<int:pk>/invite/", users.user_invite, name="user_invite"),
    # Password reset (every user) and invitations: Django's views, our templates in templates/registration/.
    path("accounts/password-reset/", auth.PasswordReset.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/welcome/<uidb64>/<token>/", auth.InvitationConfirm.as_view(), name="invitation"),
]
