from django.urls import include, path

from privacy.views import home

app_name = "privacy"

# Each area keeps its routes in its own module (privacy/urls_<area>.py) so they grow independently.
urlpatterns = [
    path("", home.home, name="home"),
    path("", include("privacy.urls_schedules")),
    path("", include("privacy.urls_steps")),
    path("", include("privacy.urls_reports")),
    path("", include("privacy.urls_onboarding")),
    path("", include("privacy.urls_proof")),
]
