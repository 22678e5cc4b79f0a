"""Admin for the steps area: declarations and the access log, read-only (records, not settings).

Imported from privacy/admin.py (one line) so Django's admin autodiscovery registers them.
"""
from django.contrib import admin

from privacy.readonly_admin import ReadOnlyAdmin
from privacy.steps.models import StepAccessLog, StepDeclaration


@admin.register(StepAccessLog)
class StepAccessLogAdmin(ReadOnlyAdmin):
    """Who opened whose trips (CNIL traceability); the purge removes lines past their retention."""

    list_display = ("at", "user_label", "view", "customer", "driver_id", "vehicle_id", "first_day", "last_day")
    list_filter = ("view", "customer")
    search_fields = ("user_label",)
    date_hierarchy = "at"


@admin.register(StepDeclaration)
class StepDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "customer", "driver_id", "vehicle_label", "started_at", "private", "status",
                    "requested_by_label", "on_behalf", "upstream_answer")
    list_filter = ("status", "private", "on_behalf", "customer")
    search_fields = ("requested_by_label", "vehicle_label")
    exclude = ("requested_by",)
