"""« Informations vie privée »: what the portal collects about employees, when geolocation is off, how
long things are kept, their rights and whom to ask (CNIL, rules-fr §A4, §A5, §A8, §A11).

Public: an employee must be able to read it before having an account (L1222-4: informed beforehand).
"""
from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def privacy_info(request):
    return render(request, "privacy/privacy_info.html", {
        "step_retention_days": settings.STEP_RETENTION_DAYS,
        "access_log_retention_days": settings.STEP_ACCESS_LOG_RETENTION_DAYS,
        "contact": settings.PRIVACY_CONTACT,
    })
