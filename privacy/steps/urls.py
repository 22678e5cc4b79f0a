"""Routes of this area; names live in the "privacy" namespace (included from privacy/urls.py)."""
from django.urls import path

from privacy.steps.views import declarations, suggest, trips

urlpatterns = [
    path("trips/", trips.my_trips, name="my_trips"),
    path("trips/<int:vehicle_id>/<int:step_id>/declare/", trips.my_trip_declare, name="my_trip_declare"),
    path("trips/<int:vehicle_id>/<int:step_id>/row/", trips.my_trip_row, name="my_trip_row"),
    path("trips/day-ok/", trips.my_day_check, name="my_day_check"),
    path("trips/find/", trips.trips_lookup, name="trips_lookup"),
    path("drivers/<int:driver_id>/trips/", trips.driver_trips, name="driver_trips"),
    path("drivers/<int:driver_id>/trips/<int:vehicle_id>/<int:step_id>/declare/", trips.driver_trip_declare,
         name="driver_trip_declare"),
    path("drivers/<int:driver_id>/trips/<int:vehicle_id>/<int:step_id>/row/", trips.driver_trip_row,
         name="driver_trip_row"),
    path("vehicles/<int:vehicle_id>/trips/", trips.vehicle_trips, name="vehicle_trips"),
    path("drivers/<int:driver_id>/suggested-hours/", suggest.suggested_hours, name="suggested_hours"),
    path("declarations/", declarations.declarations, name="declarations"),
    path("declarations/decide/", declarations.declarations_decide, name="declarations_decide"),
    path("declarations/history/", declarations.declaration_history, name="declaration_history"),
]
