"""Home page: each role lands on its own start page."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from privacy.access import is_admin
from privacy.models import Role


@require_GET
@login_required
def home(request):
    user = request.user
    if is_admin(user):
        template = "privacy/home_admin.html"
    else:
        template = {
            Role.MANAGER: "privacy/home_manager.html",
            Role.DRIVER: "privacy/home_driver.html",
            Role.HR: "privacy/home_hr.html",
        }.get(user.role, "privacy/home_norole.html")
    return render(request, template, {"customer": user.customer})
