"""`manage.py sso_check` against the real test IdP: what an administrator runs before opening SSO."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.sso.idp import CLIENT_SECRET, free_port


@pytest.mark.django_db
def test_it_reads_the_idp_and_says_what_groups_give(sso):
    out = StringIO()
    call_command("sso_check", "--groups", "fleet-paris,canteen", stdout=out)
    report = json.loads(out.getvalue())
    assert report["endpoints"]["OIDC_OP_TOKEN_ENDPOINT"] == f"{sso.issuer}/token"
    assert report["signing_keys"] >= 1 and report["customer"] == "Transports Démo"
    assert report["access"] == {"role": "manager", "entity_ids": [122], "admin": False, "from_groups": ["fleet-paris"]}
    assert CLIENT_SECRET not in out.getvalue() and report["client_secret_set"] is True


@pytest.mark.django_db
def test_it_fails_with_the_problems_when_the_idp_or_the_customer_is_missing(sso, settings):
    settings.OIDC_OP_DISCOVERY_URL = f"http://127.0.0.1:{free_port()}/openid"
    settings.OIDC_CUSTOMER_ID = 42
    with pytest.raises(CommandError) as error:
        call_command("sso_check", stdout=StringIO())
    assert "document de découverte" in str(error.value) and "OIDC_CUSTOMER_ID=42" in str(error.value)


@pytest.mark.django_db
def test_off_is_a_problem_too(customer):
    with pytest.raises(CommandError, match="OIDC_ENABLED est désactivé"):
        call_command("sso_check", stdout=StringIO())
