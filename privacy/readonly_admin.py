"""Shared admin pieces."""
from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records, not settings: administrators read them, nobody adds, changes or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
