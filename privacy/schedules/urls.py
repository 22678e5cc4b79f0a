"""Routes of this area; names live in the "privacy" namespace (included from privacy/urls.py)."""

from django.urls import path

from privacy.views import schedules, schedules_periods, schedules_templates

urlpatterns = [
    path("drivers/", schedules.drivers, name="drivers"),
    path("drivers/refresh/", schedules.drivers_refresh, name="drivers_refresh"),
    path("drivers/<int:driver_id>/", schedules.driver_schedule, name="driver_schedule"),
    path("drivers/<int:driver_id>/row/", schedules.driver_row, name="driver_row"),
    path(
        "drivers/<int:driver_id>/preview/", schedules.driver_schedule_preview, name="driver_schedule_preview"
    ),
    path("drivers/<int:driver_id>/periods/", schedules_periods.driver_periods, name="driver_periods"),
    path(
        "drivers/<int:driver_id>/periods/<int:period_id>/edit/",
        schedules_periods.driver_period_edit,
        name="driver_period_edit",
    ),
    path(
        "drivers/<int:driver_id>/periods/<int:period_id>/delete/",
        schedules_periods.driver_period_delete,
        name="driver_period_delete",
    ),
    path("holidays/", schedules_periods.holidays, name="holidays"),
    path("templates/", schedules_templates.templates, name="templates"),
    path("templates/new/", schedules_templates.template_edit, name="template_create"),
    path("templates/<int:pk>/", schedules_templates.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", schedules_templates.template_delete, name="template_delete"),
    path("templates/apply/", schedules_templates.template_apply, name="template_apply"),
    path("applications/<int:pk>/", schedules_templates.application, name="application"),
    path(
        "applications/<int:pk>/progress/",
        schedules_templates.application_progress,
        name="application_progress",
    ),
    path("applications/<int:pk>/retry/", schedules_templates.application_retry, name="application_retry"),
    path("me/private-hours/", schedules.my_schedule, name="my_schedule"),
]
