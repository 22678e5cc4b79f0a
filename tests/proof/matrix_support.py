"""Running one route for every role and method: concrete URL, one fresh client per role, rolled back."""
from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.proof.conftest import ROLES
from tests.proof.urlmap import Route

METHODS = ("GET", "POST")


def concrete_url(route: Route, args: dict[str, str], world: dict) -> str:
    """reverse() the route with real ids: ``args`` maps each path parameter to a key of ``world``; a
    callable value is a factory (a fresh object per request, for actions that consume it upstream)."""
    missing = set(route.params) - set(args)
    assert not missing, f"{route.name}: say which object fills {sorted(missing)} in role_matrix.ARGS"
    kwargs = {}
    for param in route.params:
        value = world[args[param]]
        kwargs[param] = value() if callable(value) else value
    return reverse(route.name, kwargs=kwargs)


def client_for(user, **kwargs) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if user is not None:
        client.force_login(user)
    return client


def request_as(user, method: str, url: str, data: dict, *, admin_query: str = ""):
    """One request, its database effects rolled back so every role meets the same world."""
    client = client_for(user)
    if user is not None and user.is_staff and admin_query:
        key, _, value = admin_query.partition("=")
        if method == "GET":
            data = {**data, key: value}  # the test client replaces a GET URL's query with ``data``
        else:
            url += f"?{admin_query}"
    # Rolled back: the audit intent cannot be committed before the write, and that is allowed here only.
    with override_settings(AUDIT_INTENT_IN_TRANSACTION_OK=True), transaction.atomic():
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        transaction.set_rollback(True)
    return response


def observe(build_url: Callable[[], str], data: dict[str, dict], users: dict, *,
            admin_query: str = "") -> dict[str, dict[str, int]]:
    """method → role → status code."""
    return {
        method: {
            role: request_as(users[role], method, build_url(), data.get(method, {}),
                             admin_query=admin_query).status_code
            for role in ROLES
        }
        for method in METHODS
    }
