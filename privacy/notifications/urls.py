"""Routes of the e-mails page (included from privacy/urls.py, "privacy" namespace)."""
from django.urls import path

from privacy.notifications import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
]
