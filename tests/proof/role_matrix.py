"""The expected answer of every URL for every role and method — the table the role-matrix test checks.

Columns (in this order):  anonymous · driver (7001) · other driver (7002) · manager · manager of another
customer · manager outside the entity scope (entity 122; 7001 is in 121) · HR · admin.
Read a row as "what does this person get on GET / POST with an empty form". Rules behind the numbers:
anonymous → 302 to the login page (200 on public pages); wrong role → 403; someone else's data (other
customer, other driver, outside the scope) → 404 so ids cannot be probed; GET on a POST-only view → 405;
an empty POST to a form the user may use → 200 (form re-rendered with its errors) or 302.

A new URL without a row here fails ``test_every_url_has_an_entry`` with a message saying to add it.
"""
from __future__ import annotations

# route parameter → key of the ``world`` fixture (tests/proof/conftest.py)
ARGS: dict[str, dict[str, str]] = {
    "privacy:driver_schedule": {"driver_id": "driver"},
    "privacy:driver_row": {"driver_id": "driver"},
    "privacy:driver_schedule_preview": {"driver_id": "driver"},
    "privacy:driver_periods": {"driver_id": "driver"},
    "privacy:driver_period_edit": {"driver_id": "driver", "period_id": "period"},
    "privacy:driver_period_delete": {"driver_id": "driver", "period_id": "new_period"},
    "privacy:template_edit": {"pk": "template"},
    "privacy:template_delete": {"pk": "template"},
    "privacy:application": {"pk": "application"},
    "privacy:application_progress": {"pk": "application"},
    "privacy:application_retry": {"pk": "application"},
    "privacy:my_trip_declare": {"vehicle_id": "vehicle", "step_id": "step"},
    "privacy:my_trip_row": {"vehicle_id": "vehicle", "step_id": "step"},
    "privacy:driver_trips": {"driver_id": "driver"},
    "privacy:driver_trip_declare": {"driver_id": "driver", "vehicle_id": "vehicle", "step_id": "step"},
    "privacy:driver_trip_row": {"driver_id": "driver", "vehicle_id": "vehicle", "step_id": "step"},
    "privacy:vehicle_trips": {"vehicle_id": "vehicle"},
    "privacy:report_progress": {"pk": "refresh"},
    "privacy:report_detail": {"kind": "report_kind", "ocean_id": "driver"},
    "privacy:vehicle_cost_edit": {"vehicle_id": "vehicle"},
    "privacy:benefit_choice": {"driver_id": "driver"},
    "privacy:customer_edit": {"pk": "customer"},
    "privacy:onboarding_run": {"pk": "run"},
    "privacy:user_active": {"pk": "user"},
    "privacy:user_invite": {"pk": "user"},
    "privacy:password_reset_confirm": {"uidb64": "uidb64", "token": "token"},
    "privacy:invitation": {"uidb64": "uidb64", "token": "token"},
}

# Request data where an empty request would only test the form (values: str.format() over ``world``).
_TRIP_DAY = {"day": "{trip_day}"}
DATA: dict[str, dict[str, dict[str, str]]] = {
    "privacy:my_trip_declare": {"POST": {**_TRIP_DAY, "private": "true"}},
    "privacy:my_trip_row": {"GET": _TRIP_DAY},
    "privacy:driver_trip_declare": {"POST": {**_TRIP_DAY, "private": "false", "reason": "Mission client"}},
    "privacy:driver_trip_row": {"GET": _TRIP_DAY},
    "privacy:report_export": {"GET": {"format": "csv"}},
    "privacy:benefit_export": {"GET": {"format": "csv"}},
    "privacy:payroll_export": {"GET": {"format": "csv", "mapping": "generic"}},
}

# url name: (GET, POST), statuses in the column order above.
#                                       anon drv drv2 mgr mgr2 scope hr adm
EXPECTED: dict[str, tuple[str, str]] = {
    "healthz":                            ("200 200 200 200 200 200 200 200", "405 405 405 405 405 405 405 405"),
    "set_language":                       ("302 302 302 302 302 302 302 302", "302 302 302 302 302 302 302 302"),
    "admin:index":                        ("302 302 302 302 302 302 302 200", "302 302 302 302 302 302 302 200"),
    "login":                              ("200 302 302 302 302 302 302 302", "200 302 302 302 302 302 302 302"),
    "logout":                             ("405 405 405 405 405 405 405 405", "302 302 302 302 302 302 302 302"),
    "privacy:home":                       ("302 302 302 302 302 302 302 302", "405 405 405 405 405 405 405 405"),
    "privacy:drivers":                    ("302 403 403 200 200 200 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:drivers_refresh":            ("405 405 405 405 405 405 405 405", "302 403 403 302 302 302 403 302"),
    "privacy:driver_schedule":            ("302 403 403 200 404 404 403 200", "302 403 403 200 404 404 403 200"),
    "privacy:driver_row":                 ("302 403 403 200 404 404 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:driver_schedule_preview":    ("405 405 405 405 405 405 405 405", "302 403 403 200 404 404 403 200"),
    "privacy:driver_periods":             ("302 403 403 200 404 404 403 200", "302 403 403 200 404 404 403 200"),
    "privacy:driver_period_edit":         ("302 403 403 200 404 404 403 200", "302 403 403 200 404 404 403 200"),
    "privacy:driver_period_delete":       ("302 403 403 200 404 404 403 200", "302 403 403 200 404 404 403 200"),
    "privacy:holidays":                   ("302 403 403 200 200 200 403 200", "302 403 403 200 200 200 403 200"),
    "privacy:templates":                  ("302 403 403 200 200 200 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:template_create":            ("302 403 403 200 200 200 403 200", "302 403 403 200 200 200 403 200"),
    "privacy:template_edit":              ("302 403 403 200 404 200 403 200", "302 403 403 200 404 200 403 200"),
    "privacy:template_delete":            ("405 405 405 405 405 405 405 405", "302 403 403 302 404 302 403 302"),
    "privacy:template_apply":             ("302 403 403 200 200 200 403 200", "302 403 403 200 200 200 403 200"),
    "privacy:application":                ("302 403 403 200 404 404 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:application_progress":       ("302 403 403 286 404 404 403 286", "405 405 405 405 405 405 405 405"),
    "privacy:application_retry":          ("405 405 405 405 405 405 405 405", "302 403 403 302 404 404 403 302"),
    "privacy:my_schedule":                ("302 200 200 403 403 403 403 403", "405 405 405 405 405 405 405 405"),
    "privacy:my_trips":                   ("302 200 200 403 403 403 403 403", "405 405 405 405 405 405 405 405"),
    "privacy:my_trip_declare":            ("405 405 405 405 405 405 405 405", "302 302 404 403 403 403 403 403"),
    "privacy:my_trip_row":                ("302 200 404 403 403 403 403 403", "405 405 405 405 405 405 405 405"),
    "privacy:my_day_check":               ("405 405 405 405 405 405 405 405", "302 400 400 403 403 403 403 403"),
    "privacy:trips_lookup":               ("302 403 403 200 200 200 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:driver_trips":               ("302 403 403 200 404 404 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:driver_trip_declare":        ("405 405 405 405 405 405 405 405", "302 403 403 302 404 404 403 302"),
    "privacy:driver_trip_row":            ("302 403 403 200 404 404 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:vehicle_trips":              ("302 403 403 200 404 404 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:declarations":               ("302 403 403 200 200 200 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:declarations_decide":        ("405 405 405 405 405 405 405 405", "302 403 403 200 200 200 403 200"),
    "privacy:declaration_history":        ("302 403 403 200 200 200 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:reports":                    ("302 403 403 403 403 403 200 200", "405 405 405 405 405 405 405 405"),
    "privacy:report_export":              ("302 403 403 403 403 403 200 200", "405 405 405 405 405 405 405 405"),
    "privacy:report_refresh":             ("405 405 405 405 405 405 405 405", "302 403 403 403 403 403 302 302"),
    "privacy:report_progress":            ("302 403 403 403 403 403 200 200", "405 405 405 405 405 405 405 405"),
    "privacy:report_detail":              ("302 403 403 403 403 403 200 200", "405 405 405 405 405 405 405 405"),
    "privacy:benefit":                    ("302 403 403 403 403 403 200 200", "405 405 405 405 405 405 405 405"),
    "privacy:benefit_export":             ("302 403 403 403 403 403 200 200", "405 405 405 405 405 405 405 405"),
    "privacy:vehicle_costs":              ("302 403 403 403 403 403 200 200", "405 405 405 405 405 405 405 405"),
    "privacy:benefit_load":               ("405 405 405 405 405 405 405 405", "302 403 403 403 403 403 302 302"),
    "privacy:payroll":                    ("302 403 403 403 403 403 200 200", "405 405 405 405 405 405 405 405"),
    "privacy:payroll_export":             ("302 403 403 403 403 403 200 200", "405 405 405 405 405 405 405 405"),
    "privacy:payroll_lock":               ("405 405 405 405 405 405 405 405", "302 403 403 403 403 403 302 302"),
    "privacy:payroll_corrections":        ("405 405 405 405 405 405 405 405", "302 403 403 403 403 403 302 302"),
    "privacy:benefit_choice":             ("302 403 403 403 403 403 200 200", "302 403 403 403 403 403 200 200"),
    "privacy:vehicle_cost_edit":          ("302 403 403 403 403 403 200 200", "302 403 403 403 403 403 200 200"),
    "privacy:setup":                      ("302 403 403 403 403 403 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:setup_checks":               ("302 403 403 403 403 403 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:customer_new":               ("302 403 403 403 403 403 403 200", "302 403 403 403 403 403 403 200"),
    "privacy:customer_edit":              ("302 403 403 403 403 403 403 200", "302 403 403 403 403 403 403 200"),
    "privacy:onboarding_drivers":         ("302 403 403 403 403 403 403 200", "302 403 403 403 403 403 403 200"),
    "privacy:users_import":               ("302 403 403 403 403 403 403 200", "302 403 403 403 403 403 403 200"),
    "privacy:onboarding_run":             ("302 403 403 403 403 403 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:users":                      ("302 403 403 403 403 403 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:user_create":                ("302 403 403 403 403 403 403 200", "302 403 403 403 403 403 403 200"),
    "privacy:user_active":                ("405 405 405 405 405 405 405 405", "302 403 403 403 403 403 403 302"),
    "privacy:user_invite":                ("405 405 405 405 405 405 405 405", "302 403 403 403 403 403 403 302"),
    "privacy:password_reset":             ("200 200 200 200 200 200 200 200", "200 200 200 200 200 200 200 200"),
    "privacy:password_reset_done":        ("200 200 200 200 200 200 200 200", "405 405 405 405 405 405 405 405"),
    "privacy:password_reset_confirm":     ("200 200 200 200 200 200 200 200", "200 200 200 200 200 200 200 200"),
    "privacy:password_reset_complete":    ("200 200 200 200 200 200 200 200", "405 405 405 405 405 405 405 405"),
    "privacy:invitation":                 ("200 200 200 200 200 200 200 200", "200 200 200 200 200 200 200 200"),
    "privacy:privacy_info":               ("200 200 200 200 200 200 200 200", "405 405 405 405 405 405 405 405"),
    "privacy:history":                    ("302 403 403 200 200 200 403 200", "405 405 405 405 405 405 405 405"),
    "privacy:notifications":              ("302 403 403 200 200 200 403 200", "302 403 403 400 400 400 403 400"),
    "privacy:audit_export":               ("302 403 403 403 403 403 403 200", "405 405 405 405 405 405 405 405"),
}
