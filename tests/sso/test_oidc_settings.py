"""SSO settings from the environment, and the group → access rule."""
from __future__ import annotations

import json
import subprocess
import sys

import environ
import pytest

from ocean_portal.sso_settings import idp_origins, oidc_settings, parse_group_roles
from privacy.sso.access import Access, groups_of, resolve
from tests.test_settings import ROOT, bare_env

MAPPING = parse_group_roles("fleet=manager, fleet-paris=manager:122, fleet-lyon=manager:125+121, payroll=hr,"
                            "drivers=driver, it=admin")


def test_the_mapping_reads_role_and_entities_from_text_or_json():
    assert MAPPING["fleet-lyon"] == {"role": "manager", "entities": [121, 125]}
    assert MAPPING["payroll"] == {"role": "hr", "entities": []}
    assert parse_group_roles('{"CN=Flotte,OU=Groupes": "manager:7"}') == {
        "CN=Flotte,OU=Groupes": {"role": "manager", "entities": [7]}}
    assert parse_group_roles("  ") == {}


@pytest.mark.parametrize("text", ["fleet", "fleet=boss", "fleet=manager:abc", "payroll=hr:3", "{not json", "=hr"])
def test_a_wrong_mapping_stops_the_start_with_its_reason(text):
    with pytest.raises(environ.ImproperlyConfigured, match="OIDC_GROUP_ROLES"):
        parse_group_roles(text)



def test_enabled_without_what_it_needs_refuses_to_start(monkeypatch):
    for name, value in {"OIDC_ENABLED": "True", "OIDC_RP_CLIENT_ID": "portal"}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(environ.ImproperlyConfigured) as error:
        oidc_settings(environ.Env(), default_customer_id=1, https=False)
    assert "OIDC_RP_CLIENT_SECRET" in str(error.value) and "OIDC_GROUP_ROLES" in str(error.value)
    assert "OIDC_OP_DISCOVERY_URL" in str(error.value)
    for name, value in {"OIDC_RP_CLIENT_SECRET": "s", "OIDC_GROUP_ROLES": "a=hr", "OIDC_LOGOUT_AT_IDP": "1",
                        "OIDC_OP_DISCOVERY_URL": "https://login.example.com/realms/x"}.items():
        monkeypatch.setenv(name, value)
    values = oidc_settings(environ.Env(), default_customer_id=1, https=True)
    assert values["OIDC_CUSTOMER_ID"] == 1 and values["OIDC_REDIRECT_REQUIRE_HTTPS"] is True
    assert idp_origins(values) == ["https://login.example.com"]


def test_the_embedded_default_has_sso_off_and_the_environment_turns_it_on(tmp_path):
    code = ("import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps([s.OIDC_ENABLED, s.AUTHENTICATION_BACKENDS, s.CONTENT_SECURITY_POLICY"
            "['DIRECTIVES']['form-action']]))")
    def read(env):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True, timeout=60)
        return json.loads(out.stdout.strip().splitlines()[-1])

    enabled, backends, form_action = read(bare_env(tmp_path))
    assert enabled is False and not any("sso" in b for b in backends) and form_action == ["'self'"]
    enabled, backends, form_action = read(bare_env(
        tmp_path, OIDC_ENABLED="True", OIDC_RP_CLIENT_ID="portal", OIDC_RP_CLIENT_SECRET="s",
        OIDC_OP_DISCOVERY_URL="https://idp.example.com", OIDC_GROUP_ROLES="fleet=manager", OIDC_LOGOUT_AT_IDP="True"))
    assert enabled is True and backends[1] == "privacy.sso.backend.PortalOIDCBackend"
    assert form_action == ["'self'", "https://idp.example.com"]


def test_groups_give_one_role_the_widest_and_the_scopes_add_up():
    assert resolve(["canteen"], MAPPING) is None
    assert resolve([], MAPPING) is None
    assert resolve(["fleet-paris", "fleet-lyon", "canteen"], MAPPING) == Access(
        role="manager", entity_ids=(121, 122, 125), is_staff=False, groups=("fleet-lyon", "fleet-paris"))
    assert resolve(["fleet-paris", "fleet"], MAPPING).entity_ids == ()  # one unscoped group: every entity
    assert resolve(["drivers", "payroll"], MAPPING).role == "hr"
    assert resolve(["it"], MAPPING) == Access(role="", entity_ids=(), is_staff=True, groups=("it",))
    assert resolve(["it", "drivers"], MAPPING).role == "driver"


def test_groups_come_as_a_list_or_a_single_string():
    assert groups_of({"groups": "fleet"}, "groups") == ["fleet"]
    assert groups_of({"roles": ["a", 2]}, "roles") == ["a", "2"]
    assert groups_of({}, "groups") == [] and groups_of({"groups": {"x": 1}}, "groups") == []
