from django.urls import include, path

from privacy.views import audit, history, home, privacy_info

app_name = "privacy"

# The web shell's own routes; each area keeps its routes in privacy/<area>/urls.py and is included here
# so every URL name lives in the one "privacy" namespace.
urlpatterns = [
    path("", home.home, name="home"),
    path("privacy/", privacy_info.privacy_info, name="privacy_info"),
    path("audit/export/", audit.audit_export, name="audit_export"),
    path("history/", history.history, name="history"),
    path("", include("privacy.schedules.urls")),
    path("", include("privacy.steps.urls")),
    path("", include("privacy.reports.urls")),
    path("", include("privacy.onboarding.urls")),
    path("", include("privacy.notifications.urls")),
    path("", include("privacy.rights.urls")),
]
