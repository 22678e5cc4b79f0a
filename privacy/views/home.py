"""Home page: each role goes straight to its own main page."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from privacy.access import is_admin
from privacy.models import Role

START_PAGES = {
    Role.MANAGER: "privacy:drivers",
    Role.DRIVER: "privacy:my_trips",
    Role.HR: "privacy:reports",
}


@require_GET
@login_required
def home(request):
    user = request.user
    if is_admin(user):
        return redirect("privacy:setup")
    if user.role in START_PAGES and user.customer_id is not None:
        return redirect(START_PAGES[user.role])
    return render(request, "privacy/home_norole.html")
