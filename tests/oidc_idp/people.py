"""The test IdP's people, read from IDP_PEOPLE (JSON) at every use:
``{"alice": {"password": "...", "email": "...", "given_name": "...", "groups": ["fleet"], "extra": {...}}}``."""
import json
import os

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from oidc_provider.lib.claims import ScopeClaims


def people() -> dict:
    with open(os.environ["IDP_PEOPLE"], encoding="utf-8") as handle:
        return json.load(handle)


class PeopleBackend(ModelBackend):
    """A login checks the JSON file; the Django user (the IdP needs one for its codes) is made on the fly."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        person = people().get(username or "")
        if person is None or person["password"] != password:
            return None
        user, _created = User.objects.get_or_create(username=username)
        return user


def userinfo(claims, user):
    person = people().get(user.username, {})
    claims.update({"email": person.get("email", ""), "email_verified": person.get("email_verified", True),
                   "given_name": person.get("given_name", ""), "family_name": person.get("family_name", ""),
                   "preferred_username": user.username})
    return claims


class GroupsClaims(ScopeClaims):
    info_groups = ("Groups", "The groups you are in.")

    def scope_groups(self):
        person = people().get(self.user.username, {})
        return {"groups": person.get("groups", []), **person.get("extra", {})}


def id_token_groups(id_token, user, **kwargs):
    person = people().get(user.username, {})
    id_token["groups"] = person.get("groups", [])
    id_token.update(person.get("extra", {}))
    return id_token
