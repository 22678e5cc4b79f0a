"""privacy.access, rule by rule: every right of every kind of user, and every guard branch.

Users are plain (unsaved) model instances: the rules read attributes only. tests/test_access.py
checks the same rules with stored users.
"""
from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from privacy import access
from privacy.access import DriverRef
from privacy.models import Customer, Role, User

ACME, OTHER = Customer(pk=1, name="Acme"), Customer(pk=2, name="Other")
JEAN = DriverRef(customer_id=1, ocean_id=7001, entity_id=122)  # a driver of Acme in entity 122


def person(role="", customer=ACME, ocean=None, entities=(), staff=False, active=True) -> User:
    return User(username=f"{role or 'staff'}-{customer and customer.pk}", role=role, customer=customer,
                ocean_individu_id=ocean, entity_ids=list(entities), is_staff=staff, is_active=active)


USERS = {
    "anonymous": AnonymousUser(),
    "admin": person(customer=None, staff=True),
    "inactive admin": person(customer=None, staff=True, active=False),
    "manager": person(Role.MANAGER),
    "manager of 122": person(Role.MANAGER, entities=[122, 130]),
    "manager of 121": person(Role.MANAGER, entities=[121]),
    "inactive manager": person(Role.MANAGER, active=False),
    "manager of Other": person(Role.MANAGER, customer=OTHER),
    "Jean": person(Role.DRIVER, ocean=7001),
    "inactive Jean": person(Role.DRIVER, ocean=7001, active=False),
    "another driver": person(Role.DRIVER, ocean=7002),
    "Jean's namesake at Other": person(Role.DRIVER, customer=OTHER, ocean=7001),
    "hr": person(Role.HR),
    "hr of Other": person(Role.HR, customer=OTHER),
    "no role": person(""),
    "manager and staff": person(Role.MANAGER, customer=OTHER, staff=True),
}

# user: (view Jean, change Jean, declare as Jean, Jean's private details, Jean's vehicle, Acme reports)
RIGHTS = {
    "anonymous": (False, False, False, False, False, False),
    "admin": (True, True, False, False, True, True),
    "inactive admin": (False, False, False, False, False, False),
    "manager": (True, True, False, False, True, False),
    "manager of 122": (True, True, False, False, True, False),
    "manager of 121": (False, False, False, False, False, False),
    "inactive manager": (False, False, False, False, False, False),
    "manager of Other": (False, False, False, False, False, False),
    "Jean": (True, False, True, True, False, False),
    "inactive Jean": (False, False, False, False, False, False),
    "another driver": (False, False, False, False, False, False),
    "Jean's namesake at Other": (False, False, False, False, False, False),
    "hr": (False, False, False, False, False, True),
    "hr of Other": (False, False, False, False, False, False),
    "no role": (False, False, False, False, False, False),
    "manager and staff": (True, True, False, False, True, True),
}


@pytest.mark.parametrize("who", list(RIGHTS))
def test_rights_of_every_kind_of_user(who):
    user = USERS[who]
    got = (access.can_view_driver(user, JEAN), access.can_change_driver(user, JEAN),
           access.can_declare_own_steps(user, JEAN), access.can_see_private_details(user, JEAN),
           access.can_view_vehicle(user, ACME, 122), access.can_view_reports(user, ACME))
    assert got == RIGHTS[who]


def test_entity_scope():
    scoped = USERS["manager of 122"]
    assert access.in_entity_scope(scoped, 122) and access.in_entity_scope(scoped, 130)
    assert not access.in_entity_scope(scoped, 121) and not access.in_entity_scope(scoped, None)
    assert access.in_entity_scope(USERS["manager"], None) and access.in_entity_scope(USERS["manager"], 5)
    assert not access.can_view_driver(scoped, DriverRef(1, 7001, entity_id=None))
    assert access.can_view_vehicle(scoped, ACME, 130)
    assert not access.can_view_vehicle(scoped, ACME, 121)
    assert not access.can_view_vehicle(USERS["manager"], OTHER, 122)  # another customer's vehicle


def test_role_and_admin_predicates():
    assert access.is_admin(USERS["admin"]) is True
    assert access.is_admin(USERS["inactive admin"]) is False
    assert access.is_admin(USERS["anonymous"]) is False
    assert access.is_admin(USERS["manager"]) is False
    assert access.has_role(USERS["hr"], Role.MANAGER, Role.HR) is True
    assert access.has_role(USERS["hr"], Role.MANAGER) is False
    assert access.has_role(USERS["anonymous"], Role.HR) is False
    assert access.has_role(person(Role.HR, active=False), Role.HR) is False
    assert access.customer_of(USERS["hr"]) is ACME
    assert access.customer_of(USERS["anonymous"]) is None


def test_require_driver_view_and_change():
    access.require_driver_view(USERS["Jean"], JEAN)
    access.require_driver_change(USERS["manager"], JEAN)
    with pytest.raises(Http404):
        access.require_driver_view(USERS["another driver"], JEAN)
    with pytest.raises(Http404):  # another driver's data does not exist for them (no 403 to probe ids)
        access.require_driver_change(USERS["another driver"], JEAN)
    with pytest.raises(PermissionDenied):  # Jean sees their schedule but may not change it
        access.require_driver_change(USERS["Jean"], JEAN)


# -- the view decorator ---------------------------------------------------------------------------
def page(request, *args, **kwargs):
    """A view that answers with what it was given."""
    return HttpResponse(f"{args} {sorted(kwargs.items())}")


def call(view, user, *args, **kwargs):
    request = RequestFactory().get("/page/")
    request.user = user
    return view(request, *args, **kwargs)


def test_role_required_lets_the_roles_and_the_admins_in():
    view = access.role_required(Role.MANAGER, Role.HR)(page)
    assert view.__name__ == "page"
    assert call(view, USERS["manager"], 3, week="12").content == b"(3,) [('week', '12')]"
    assert call(view, USERS["hr"]).status_code == 200
    assert call(view, USERS["admin"]).status_code == 200  # an administrator has no customer
    for who in ("Jean", "no role", "inactive manager"):
        with pytest.raises(PermissionDenied):
            call(view, USERS[who])


def test_role_required_sends_anonymous_users_to_the_login_page():
    response = call(access.role_required(Role.MANAGER)(page), AnonymousUser())
    assert response.status_code == 302 and response.url == "/accounts/login/?next=/page/"


def test_role_required_without_admins_and_without_a_customer():
    managers_only = access.role_required(Role.MANAGER, allow_admin=False)(page)
    with pytest.raises(PermissionDenied):
        call(managers_only, USERS["admin"])
    assert call(managers_only, USERS["manager and staff"]).status_code == 200
    with pytest.raises(PermissionDenied):  # a role without a customer is a broken account: no page
        call(managers_only, person(Role.MANAGER, customer=None))


# -- the customer a page works on -----------------------------------------------------------------
def customer_for(user, query="", session=None):
    request = RequestFactory().get("/page/" + query)
    request.user = user
    if session is not None:
        request.session = session
    return access.current_customer(request)


def test_current_customer_is_the_users_own():
    assert customer_for(USERS["hr"], "?customer=2") is ACME
    with pytest.raises(PermissionDenied):
        customer_for(person(Role.HR, customer=None))


@pytest.mark.django_db
def test_an_administrator_picks_the_customer_and_keeps_the_choice():
    zeta = Customer.objects.create(name="Zeta", ocean_customer_id=3, code_exploitant="3")
    alpha = Customer.objects.create(name="Alpha", ocean_customer_id=4, code_exploitant="4")
    admin = USERS["admin"]
    assert customer_for(admin) == zeta  # the oldest, set up first (not the first by name)
    session: dict = {}
    assert customer_for(admin, f"?customer={alpha.pk}", session) == alpha
    assert session == {"admin_customer": alpha.pk}
    assert customer_for(admin, "", session) == alpha  # the last choice
    assert customer_for(admin, "?customer=abc", session) == alpha
    assert customer_for(admin, f"?customer={zeta.pk}", session) == zeta and session["admin_customer"] == zeta.pk
    assert customer_for(admin, "?customer=999999", {}) == zeta  # gone: the oldest again
    assert customer_for(admin, "", {"admin_customer": 999999}) == zeta


@pytest.mark.django_db
def test_an_administrator_without_any_customer_gets_a_404():
    with pytest.raises(Http404):
        customer_for(USERS["admin"])


class Session(dict):
    """A session that counts its writes (each one makes Django save the session again)."""

    writes = 0

    def __setitem__(self, key, value):
        self.writes += 1
        super().__setitem__(key, value)


@pytest.mark.django_db
def test_the_session_is_written_only_when_the_choice_changes():
    first = Customer.objects.create(name="First", ocean_customer_id=5, code_exploitant="5")
    second = Customer.objects.create(name="Second", ocean_customer_id=6, code_exploitant="6")
    session = Session()
    admin = USERS["admin"]
    assert customer_for(admin, "", session) == first and session.writes == 1
    assert customer_for(admin, "", session) == first and session.writes == 1
    assert customer_for(admin, f"?customer={first.pk}", session) == first and session.writes == 1
    assert customer_for(admin, f"?customer={second.pk}", session) == second and session.writes == 2
    assert customer_for(admin, "", session) == second and session.writes == 2


# -- several drivers at once (bulk actions) -----------------------------------------------------------
OTHER_ENTITY = DriverRef(customer_id=1, ocean_id=7002, entity_id=121)
FOREIGN = DriverRef(customer_id=2, ocean_id=7003, entity_id=122)


def test_changing_several_drivers_needs_the_right_on_each():
    scoped = USERS["manager of 122"]
    assert access.can_change_drivers(USERS["manager"], [JEAN, OTHER_ENTITY]) is True
    assert access.can_change_drivers(scoped, [JEAN]) is True
    assert access.can_change_drivers(scoped, [JEAN, OTHER_ENTITY]) is False
    assert access.can_change_drivers(scoped, iter([JEAN])) is True
    assert access.can_change_drivers(USERS["Jean"], [JEAN]) is False
    access.require_drivers_change(USERS["manager"], (d for d in [JEAN, OTHER_ENTITY]))  # a generator is read once
    with pytest.raises(Http404):  # a driver the user may not even see: as if it did not exist
        access.require_drivers_change(scoped, [JEAN, OTHER_ENTITY])
    with pytest.raises(Http404):
        access.require_drivers_change(USERS["manager"], [JEAN, FOREIGN])
    with pytest.raises(PermissionDenied):  # seen but not changed
        access.require_drivers_change(USERS["Jean"], [JEAN])
