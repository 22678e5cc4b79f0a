"""Routes of this area; names live in the "privacy" namespace (included from privacy/urls.py)."""

from django.urls import path

from privacy.schedules.views import calendars, drivers, periods, templates

urlpatterns = [
    path("drivers/", drivers.drivers, name="drivers"),
    path("drivers/refresh/", drivers.drivers_refresh, name="drivers_refresh"),
    path("drivers/<int:driver_id>/", drivers.driver_schedule, name="driver_schedule"),
    path("drivers/<int:driver_id>/row/", drivers.driver_row, name="driver_row"),
    path(
        "drivers/<int:driver_id>/preview/", drivers.driver_schedule_preview, name="driver_schedule_preview"
    ),
    path("drivers/<int:driver_id>/periods/", periods.driver_periods, name="driver_periods"),
    path(
        "drivers/<int:driver_id>/periods/<int:period_id>/edit/",
        periods.driver_period_edit,
        name="driver_period_edit",
    ),
    path(
        "drivers/<int:driver_id>/periods/<int:period_id>/delete/",
        periods.driver_period_delete,
        name="driver_period_delete",
    ),
    path("drivers/<int:driver_id>/calendar/", calendars.driver_calendar, name="driver_calendar"),
    path("calendars/", calendars.calendars, name="calendars"),
    path("calendars/preview/", calendars.calendar_preview, name="calendar_preview"),
    path("calendars/<int:pk>/sync/", calendars.calendar_sync_now, name="calendar_sync_now"),
    path("holidays/", periods.holidays, name="holidays"),
    path("templates/", templates.templates, name="templates"),
    path("templates/new/", templates.template_edit, name="template_create"),
    path("templates/<int:pk>/", templates.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", templates.template_delete, name="template_delete"),
    path("templates/apply/", templates.template_apply, name="template_apply"),
    path("applications/<int:pk>/", templates.application, name="application"),
    path(
        "applications/<int:pk>/progress/",
        templates.application_progress,
        name="application_progress",
    ),
    path("applications/<int:pk>/retry/", templates.application_retry, name="application_retry"),
    path("me/private-hours/", drivers.my_schedule, name="my_schedule"),
]
