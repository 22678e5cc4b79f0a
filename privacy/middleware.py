"""htmx-aware login redirect.

``@login_required`` answers 302 to the login page; inside an htmx request the browser follows it
and htmx would swap a whole login page into a table cell (style.md §4.2). Turn that redirect into
``HX-Redirect`` so the browser leaves for the login page.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code in (301, 302)
            and response.get("Location", "").split("?")[0] == resolve_url(settings.LOGIN_URL)
        ):
            location = response["Location"]
            # The "next" of a fragment URL would land on a bare partial: go back to the page instead.
            current = request.htmx.current_url_abs_path or "/"
            base = location.split("?")[0]

            return HttpResponseClientRedirect(f"{base}?{urlencode({'next': current})}")
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page the portal builds (static files are served earlier by
    WhiteNoise with their own headers): Back and Forward then reload a trip list or a queue instead
    of showing a stale copy from the browser's cache. A view that sets its own Cache-Control keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
