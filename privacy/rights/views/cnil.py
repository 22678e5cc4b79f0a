"""The CNIL kit page (HR and administrators): notice, register entry, retention, purges, aggregated statistics."""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from privacy import access
from privacy.models import Role
from privacy.rights.services.cnil_kit import kit


@require_GET
@access.role_required(Role.HR)
def cnil_kit(request):
    customer = access.current_customer(request)
    return render(request, "privacy/rights/cnil_kit.html", {"customer": customer, **kit(customer)})
