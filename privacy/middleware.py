"""htmx-aware login redirect, and the guard on query strings.

``@login_required`` answers 302 to the login page; inside an htmx request the browser follows it
and htmx would swap a whole login page into a table cell (style.md §4.2). Turn that redirect into
``HX-Redirect`` so the browser leaves for the login page.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
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


# Longest query-string value any page needs (search boxes, dates, ids); anything longer is refused.
MAX_QUERY_VALUE = 2000


class QueryStringGuardMiddleware:
    """Refuse, with a 400 and a readable message, query strings no page can use: a NUL character
    (PostgreSQL cannot store or compare one: it would be a 500), or an oversized value. Undecodable
    bytes are already replaced by Django (U+FFFD) and reach the forms, which answer with a message.
    Form fields (POST) are validated by their forms, next to the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            for value in [key, *values]:
                if "\x00" in value or len(value) > MAX_QUERY_VALUE:
                    return HttpResponseBadRequest(
                        _("The address holds a character or a value too long for this page. "
                          "Go back and try again."),
                        content_type="text/plain; charset=utf-8",
                    )
        return self.get_response(request)
