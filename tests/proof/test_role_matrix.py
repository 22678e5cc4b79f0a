"""Every URL × every role × GET/POST answers what tests/proof/role_matrix.py says, and never a 500.

The routes come from the resolver, so a new URL is checked the day it is added (or fails until it has
a row in the table).
"""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.proof.conftest import ROLES
from tests.proof.matrix_support import METHODS, concrete_url, observe, request_as
from tests.proof.role_matrix import ARGS, DATA, EXPECTED
from tests.proof.urlmap import project_routes

ROUTES = {route.name: route for route in project_routes()}
# Anonymous redirects that are not "log in first": the language switch and logout go back to a page.
NOT_LOGIN_REDIRECTS = {"set_language", "logout"}


def test_every_url_has_an_entry():
    missing = sorted(set(ROUTES) - set(EXPECTED))
    assert not missing, (
        f"URL(s) without an expected status per role: {missing}. Add a row to EXPECTED in "
        "tests/proof/role_matrix.py (and ARGS for path parameters) saying what each role gets."
    )


def test_the_table_has_no_rows_for_urls_that_are_gone():
    assert not sorted(set(EXPECTED) - set(ROUTES)), "remove these rows from tests/proof/role_matrix.py"


def test_the_table_is_well_formed():
    for name, rows in EXPECTED.items():
        assert len(rows) == len(METHODS), name
        assert all(len(row.split()) == len(ROLES) for row in rows), name


def _request_data(name: str, world: dict) -> dict[str, dict[str, str]]:
    return {method: {key: value.format_map(world) for key, value in data.items()}
            for method, data in DATA.get(name, {}).items()}


@pytest.mark.parametrize("name", sorted(set(ROUTES) & set(EXPECTED)))
def test_role_matrix(users, world, name):
    route = ROUTES[name]
    seen = observe(lambda: concrete_url(route, ARGS.get(name, {}), world), _request_data(name, world), users,
                   admin_query=f"customer={world['customer']}")
    errors = [f"{method} as {role}: 500" for method in METHODS for role in ROLES if seen[method][role] == 500]
    assert not errors, f"{name}: server errors {errors}"
    expected = {method: dict(zip(ROLES, map(int, row.split()), strict=True))
                for method, row in zip(METHODS, EXPECTED[name], strict=True)}
    differences = [f"{method} as {role}: expected {expected[method][role]}, got {seen[method][role]}"
                   for method in METHODS for role in ROLES if seen[method][role] != expected[method][role]]
    assert not differences, f"{name}: " + "; ".join(differences)
    if expected["GET"]["anonymous"] == 302 and name not in NOT_LOGIN_REDIRECTS:
        response = request_as(None, "GET", concrete_url(route, ARGS.get(name, {}), world),
                              _request_data(name, world).get("GET", {}))
        login = "/admin/login/" if name.startswith("admin:") else reverse("login")
        assert response["Location"].startswith(login), f"{name}: anonymous sent to {response['Location']}"
