"""Hypothesis over every form and query parameter of every page: never a 500; what is refused is
answered with a message and sends nothing to Ocean.

The forms are read from the pages themselves (every <form>, its method, target and field names), so a
new form or filter is fuzzed the day it ships. CI (CI=true, on PostgreSQL) runs the "ci" profile, 25
examples per form; ``HYPOTHESIS_PROFILE=long`` runs 200.
"""
from __future__ import annotations

from django.db import transaction
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import HYPOTHESIS_PROFILE
from tests.proof.conftest import ROLES
from tests.proof.forms_support import form_key, page_forms, shows_an_error, upstream_writes
from tests.proof.matrix_support import client_for, concrete_url
from tests.proof.role_matrix import ARGS, DATA, EXPECTED
from tests.proof.urlmap import project_routes

PROFILE = HYPOTHESIS_PROFILE  # tests/conftest.py: "ci" (25 examples per form) when CI=true, "long" on demand

NASTY = st.sampled_from([
    "", " ", "0", "-1", "1.5", "99999999999999999999", "2026-02-30", "2026-13-01", "1900-01-01", "9999-12-31",
    "29/02/2026", "2026-W53", "2026-Q5", "25:61", "null", "true", "<script>alert(1)</script>", "' OR 1=1 --",
    "../../etc/passwd", "%00", "a\x00b", "\x00", "x" * 3000, "\xff\xfe\xc3(", "é" * 300,
    "NaN", "1e309", "🚗", "\u202e", "fr", "xx-YY", "csv", "xlsx",
])
VALUE = st.one_of(NASTY, st.text(max_size=40), st.integers(min_value=-10**12, max_value=10**12).map(str),
                  st.dates().map(lambda d: d.isoformat()))
# Login and logout would change who the client is; the language switch is fuzzed on its own field.
SKIPPED_ACTIONS = ("/accounts/login/", "/accounts/logout/")


def _pages(world):
    """(route name, role, url) of every page the table says someone can open (200)."""
    for route in project_routes():
        statuses = EXPECTED[route.name][0].split()
        role = next((r for r, s in zip(ROLES, statuses, strict=True) if s == "200"), None)
        if role is not None and not route.name.startswith("admin:"):
            yield route.name, role, concrete_url(route, ARGS.get(route.name, {}), world)


def test_every_form_and_query_parameter_survives_garbage(users, world, sim):
    world["report_period"]  # stored report rows, so report pages show their tables, sort links and exports
    problems, fuzzed, seen = [], [], set()
    for name, role, url in _pages(world):
        client = client_for(users[role])
        query = {k: v.format_map(world) for k, v in DATA.get(name, {}).get("GET", {}).items()}
        if users[role] is not None and users[role].is_staff:
            query["customer"] = str(world["customer"])
        page = client.get(url, query)
        if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
            continue
        for form in page_forms(page.content.decode(), url):
            if form.action.split("?")[0] in SKIPPED_ACTIONS or form_key(form) in seen:
                continue
            seen.add(form_key(form))
            fuzzed.append(f"{form.method} {form.action}")
            is_admin = users[role] is not None and users[role].is_staff
            _fuzz_form(client, form, problems, extra={"customer": query["customer"]} if is_admin else {}, sim=sim)
    assert len(fuzzed) >= 35, fuzzed
    assert {"GET /reports/export/", "POST /drivers/7001/", "POST /drivers/7001/periods/"} <= set(fuzzed)
    assert not problems, "\n".join(sorted(set(problems))[:30])


def _fuzz_form(client, form, problems, *, extra, sim):
    @settings(settings.get_profile(PROFILE))
    @given(values=st.fixed_dictionaries({name: VALUE for name in form.fields}))
    def run(values):
        sim.reset_stats()
        with override_settings(AUDIT_INTENT_IN_TRANSACTION_OK=True), transaction.atomic():  # rolled back
            if form.method == "GET":
                response = client.get(form.action, {**extra, **values})
            else:
                target = form.action + (f"?customer={extra['customer']}" if extra.get("customer") else "")
                response = client.post(target, values)
            transaction.set_rollback(True)
        where = f"{form.method} {form.action} {sorted(values)}"
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code} with {values!r}")
            return
        writes = upstream_writes(sim.stats())
        if form.method == "POST" and writes and shows_an_error(response):
            problems.append(f"{where}: refused with a message but sent {writes} upstream ({values!r})")
        if form.method == "POST" and response.status_code == 200 and not writes and not shows_an_error(response):
            if not response.get("HX-Redirect") and not response.get("HX-Trigger"):
                problems.append(f"{where}: 200 without a message and nothing done ({values!r})")

    run()
