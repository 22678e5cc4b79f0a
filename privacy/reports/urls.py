"""Routes of this area; names live in the "privacy" namespace (included from privacy/urls.py)."""
from django.urls import path

from privacy.reports.views import benefit, pages, payroll

urlpatterns: list = [
    path("reports/", pages.reports, name="reports"),
    path("reports/export/", pages.report_export, name="report_export"),
    path("reports/refresh/", pages.report_refresh, name="report_refresh"),
    path("reports/refresh/<int:pk>/", pages.report_progress, name="report_progress"),
    path("reports/<str:kind>/<int:ocean_id>/", pages.report_detail, name="report_detail"),
    path("benefit/", benefit.benefit, name="benefit"),
    path("benefit/export/", benefit.benefit_export, name="benefit_export"),
    path("benefit/load/", benefit.benefit_load, name="benefit_load"),
    path("benefit/payroll/", payroll.payroll, name="payroll"),
    path("benefit/payroll/export/", payroll.payroll_export, name="payroll_export"),
    path("benefit/payroll/lock/", payroll.payroll_lock, name="payroll_lock"),
    path("benefit/payroll/corrections/", payroll.payroll_corrections, name="payroll_corrections"),
    path("benefit/drivers/<int:driver_id>/", payroll.driver_choice, name="benefit_choice"),
    path("benefit/vehicles/", benefit.vehicle_costs, name="vehicle_costs"),
    path("benefit/vehicles/<int:vehicle_id>/", benefit.vehicle_cost_edit, name="vehicle_cost_edit"),
]
