"""Helpers every area's views share: the administrator's customer in links, Ocean failures in words."""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.shortcuts import render

from privacy.access import is_admin
from privacy.services.ocean import OceanError, ocean_error_message


def customer_query(request) -> str:
    """``?customer=N`` for an administrator working on a chosen customer, so links keep it."""
    wanted = request.GET.get("customer", "")
    return f"?customer={wanted}" if is_admin(request.user) and wanted.isdigit() else ""


def read_or_message(request, read, *args):
    """``read(*args)``, or None with the Ocean error shown as a message (the page still renders)."""
    try:
        return read(*args)
    except OceanError as exc:
        messages.error(request, ocean_error_message(exc))
        return None


def ocean_guard(view):
    """An Ocean failure not handled closer (e.g. the fleet cannot load): a clear 503 page, not a 500."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except OceanError as exc:
            return render(
                request,
                "privacy/ocean_down.html",
                {"message": ocean_error_message(exc)},
                status=503,
            )

    return wrapper
