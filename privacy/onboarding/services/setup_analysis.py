"""Setup check: does Ocean's analysis read completely? Orange with what Ocean sent when not (D1).

The HR reports mark a snapshot "incomplete" when the analysis held period keys, a tree shape or totals
the portal cannot read (privacy/reports/services/incomplete.py); the setup page repeats it where the
administrator looks, with the setting to change when a known other reading of the docs matches.
"""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.models import Customer


def check_analysis(customer: Customer, ok: str, warning: str, make):
    """``make(key, label, status, detail, data)`` builds the SetupCheck; None when no report was read yet."""
    from privacy.reports.models import ReportSnapshot

    latest = (ReportSnapshot.objects.filter(customer=customer, is_current=True)
              .order_by("-as_of").only("as_of", "incomplete").first())
    if latest is None:
        return None
    key = f"customer.{customer.ocean_customer_id}.analysis"
    label = _("Ocean analyses of %(name)s") % {"name": customer.name}
    when = timezone.localtime(latest.as_of, customer.tz).strftime("%d/%m/%Y %H:%M")
    if latest.incomplete:
        detail = _("The report read on %(when)s is incomplete: %(what)s") % {"when": when, "what": latest.incomplete}
        return make(key, label, warning, detail, {"incomplete": latest.incomplete})
    return make(key, label, ok, _("The report read on %(when)s was read completely.") % {"when": when}, {})
