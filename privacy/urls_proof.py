"""Routes of the CNIL safeguards; names live in the "privacy" namespace (included from privacy/urls.py)."""
from django.urls import path

from privacy.views import audit, privacy_info

urlpatterns: list = [
    path("privacy/", privacy_info.privacy_info, name="privacy_info"),
    path("audit/export/", audit.audit_export, name="audit_export"),
]
