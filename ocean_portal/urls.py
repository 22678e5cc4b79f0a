from django.contrib import admin
from django.urls import include, path

from privacy.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Login and logout with single sign-on when OIDC_ENABLED (the local login form stays).
    path("", include("privacy.sso.urls")),
    path("", include("privacy.urls")),
]
