"""Every field of every form, and every query parameter, with the inputs PostgreSQL refuses where SQLite
does not — a NUL byte, an oversized value, undecodable bytes: never a 500; a form answers with a message
next to the field, a query string with a 400 or the page. CI runs this on PostgreSQL (.ci/run)."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import transaction

from tests.proof.forms_support import form_key, page_forms, shows_an_error
from tests.proof.matrix_support import client_for
from tests.proof.role_matrix import DATA
from tests.proof.test_fuzz import SKIPPED_ACTIONS, _pages

HOSTILE = {"nul": "a\x00b", "oversized": "x" * 20_000, "undecodable": b"\xff\xfe\xc3(".decode("latin-1")}
RAW = {"nul": "a%00b", "oversized": "x" * 20_000, "undecodable": "%ff%fe%c3%28"}


def _send(client, form, field, kind, extra):
    with transaction.atomic():
        if form.method == "GET":
            query = "&".join([f"{k}={quote(v)}" for k, v in extra.items()] + [f"{quote(field)}={RAW[kind]}"])
            response = client.get(form.action, QUERY_STRING=query)
        else:
            target = form.action + (f"?customer={extra['customer']}" if extra.get("customer") else "")
            body = f"{quote(field)}={RAW[kind]}".encode()
            response = client.generic("POST", target, body, content_type="application/x-www-form-urlencoded")
        transaction.set_rollback(True)
    return response


def test_no_field_or_parameter_gives_a_500_for_nul_oversized_or_undecodable_input(users, world, sim):
    world["report_period"]
    problems, tried, seen = [], 0, set()
    for name, role, url in _pages(world):
        client = client_for(users[role], enforce_csrf_checks=False)
        query = {k: v.format_map(world) for k, v in DATA.get(name, {}).get("GET", {}).items()}
        extra = {"customer": str(world["customer"])} if users[role] is not None and users[role].is_staff else {}
        page = client.get(url, {**query, **extra})
        if page.status_code != 200 or not page["Content-Type"].startswith("text/html"):
            continue
        for form in page_forms(page.content.decode(), url):
            if form.action.split("?")[0] in SKIPPED_ACTIONS or form_key(form) in seen:
                continue
            seen.add(form_key(form))
            for field in form.fields:
                for kind in HOSTILE:
                    tried += 1
                    response = _send(client, form, field, kind, extra)
                    where = f"{form.method} {form.action} {field}={kind}"
                    if response.status_code >= 500:
                        problems.append(f"{where}: {response.status_code}")
                    elif form.method == "POST" and response.status_code == 200 and not shows_an_error(response) \
                            and kind != "undecodable" and not response.get("HX-Trigger"):
                        problems.append(f"{where}: 200 without a message")
    assert tried > 100, tried
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("kind", ["nul", "oversized", "undecodable"])
def test_a_csv_import_with_hostile_bytes_is_answered_with_a_message(sim, customer, admin_user, login, kind):
    from django.core.files.uploadedfile import SimpleUploadedFile

    value = {"nul": b"M\x000001", "oversized": b"M" * 5000, "undecodable": b"\xff\xfe\xc3("}[kind]
    data = b"matricule;email;role;entity\n" + value + b";x" + value + b"@example.com;driver;" + value + b"\n"
    upload = SimpleUploadedFile("comptes.csv", data, content_type="text/csv")
    response = login(admin_user).post(f"/setup/import/?customer={customer.pk}", {"file": upload})
    assert response.status_code in (200, 302, 400), response.status_code
