from django.urls import path

from privacy.views import home

app_name = "privacy"

urlpatterns = [
    path("", home.home, name="home"),
]
