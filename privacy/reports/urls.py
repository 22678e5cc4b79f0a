"""Routes of this area; names live in the "privacy" namespace (included from privacy/urls.py)."""
from django.urls import path

from privacy.views import reports, reports_benefit

urlpatterns: list = [
    path("reports/", reports.reports, name="reports"),
    path("reports/export/", reports.report_export, name="report_export"),
    path("reports/refresh/", reports.report_refresh, name="report_refresh"),
    path("reports/refresh/<int:pk>/", reports.report_progress, name="report_progress"),
    path("reports/<str:kind>/<int:ocean_id>/", reports.report_detail, name="report_detail"),
    path("benefit/", reports_benefit.benefit, name="benefit"),
    path("benefit/export/", reports_benefit.benefit_export, name="benefit_export"),
    path("benefit/vehicles/", reports_benefit.vehicle_costs, name="vehicle_costs"),
    path("benefit/vehicles/<int:vehicle_id>/", reports_benefit.vehicle_cost_edit, name="vehicle_cost_edit"),
]
