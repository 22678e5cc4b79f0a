from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from privacy.models import AuditEntry, Customer, User
from privacy.readonly_admin import ReadOnlyAdmin


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("name", "ocean_customer_id", "code_exploitant", "time_zone", "declaration_policy",
                    "declaration_deadline_days")
    search_fields = ("name", "ocean_customer_id", "code_exploitant")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "role", "customer", "is_active", "is_staff")
    list_filter = ("role", "customer", "is_active", "is_staff")
    search_fields = ("username", "email", "first_name", "last_name", "matricule")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Portal"), {"fields": ("role", "customer", "ocean_individu_id", "matricule", "entity_ids")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Portal"), {"fields": ("role", "customer", "ocean_individu_id", "matricule", "entity_ids")}),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is append-only, even for administrators."""

    list_display = ("at", "actor_label", "action", "phase", "outcome", "customer", "driver_id", "target",
                    "upstream_result")
    list_filter = ("action", "phase", "outcome", "customer")
    search_fields = ("actor_label", "action", "target")
    date_hierarchy = "at"

# Django's admin autodiscovery imports only privacy.admin: the areas' admin pages are registered from here.
from privacy.steps import admin as steps_admin  # noqa: E402,F401
