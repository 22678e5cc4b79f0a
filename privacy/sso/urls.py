"""The SSO routes (no namespace: mozilla-django-oidc's settings name them, e.g. "oidc_callback")."""
from django.urls import path

from privacy.sso import views

urlpatterns = [
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("oidc/authenticate/", views.oidc_authenticate, name="oidc_authenticate"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("oidc/error/", views.oidc_error, name="oidc_error"),
]
