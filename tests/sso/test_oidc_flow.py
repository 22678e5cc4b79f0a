"""Single sign-on end to end: the portal against a real OpenID provider process (tests/oidc_idp), through
the whole authorization-code flow over HTTP (login at the IdP, consent, callback, token, userinfo, JWKS)."""
from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client

from privacy.models import AuditEntry, Role, User
from tests.conftest import PASSWORD, make_user
from tests.sso.conftest import sso_login


def _home_ok(client) -> None:
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_a_manager_of_an_entity_signs_in_and_gets_the_mapped_role_and_scope(sso, customer):
    sso.set_person("amelie", email="Amelie.Martin@Example.com", groups=["fleet-paris", "canteen"],
                   given_name="Amélie", family_name="Martin")
    client = Client()
    response = sso_login(client, sso, "amelie")
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(email__iexact="amelie.martin@example.com")
    assert (user.role, user.entity_ids, user.customer, user.is_staff, user.is_superuser) == (
        Role.MANAGER, [122], customer, False, False)
    assert (user.first_name, user.last_name) == ("Amélie", "Martin")
    assert not user.has_usable_password()
    _home_ok(client)
    actions = list(AuditEntry.objects.filter(target=user.username).values_list("action", flat=True))
    assert sorted(actions) == ["user.sso_create", "user.sso_login"]
    login = AuditEntry.objects.get(action="user.sso_login")
    assert login.after == {"groups": ["fleet-paris"]} and login.actor == user


@pytest.mark.django_db
def test_a_group_change_at_the_idp_is_applied_at_the_next_login(sso, admin_user):
    sso.set_person("bruno", email="bruno@example.com", groups=["fleet"])
    sso_login(Client(), sso, "bruno")
    user = User.objects.get(email="bruno@example.com")
    assert (user.role, user.entity_ids, user.is_staff) == (Role.MANAGER, [], False)

    sso.set_person("bruno", email="bruno@example.com", groups=["payroll", "it-admins"])
    assert sso_login(Client(), sso, "bruno").status_code == 302
    user.refresh_from_db()
    assert (user.role, user.entity_ids, user.is_staff, user.is_superuser) == (Role.HR, [], True, False)
    change = AuditEntry.objects.get(action="user.sso_role")
    assert change.before["role"] == "manager" and change.after == {**change.before, "role": "hr", "is_staff": True}

    # The administration group removed at the IdP: removed here at the next login.
    sso.set_person("bruno", email="bruno@example.com", groups=["payroll"])
    sso_login(Client(), sso, "bruno")
    user.refresh_from_db()
    assert (user.role, user.is_staff) == (Role.HR, False)
    assert AuditEntry.objects.filter(action="user.sso_role").count() == 2

    # The administrator reads it in the history, in words.
    history = Client()
    history.force_login(admin_user)
    page = history.get("/history/", {"kind": "account"}).content.decode()
    assert "a reçu un nouvel accès selon ses groupes du fournisseur d’identité" in page
    assert "s’est connecté par authentification unique" in page


@pytest.mark.django_db
def test_someone_in_no_mapped_group_is_refused_with_a_french_page(sso):
    sso.set_person("chloe", email="chloe@example.com", groups=["canteen"])
    client = Client()
    response = sso_login(client, sso, "chloe")
    assert response.status_code == 302 and response["Location"] == "/oidc/error/?reason=no_group"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "aucun groupe" in text and 'href="/accounts/login/"' in text
    assert not User.objects.filter(email="chloe@example.com").exists()
    assert not client.get("/").wsgi_request.user.is_authenticated
    refusal = AuditEntry.objects.get(action="user.sso_refused")
    assert refusal.after == {"reason": "no_group", "groups": ["canteen"]} and refusal.target == "chloe@example.com"
    # A refused sign-in is no password guess: nothing for axes to count against the office's address.
    assert not AccessAttempt.objects.exists() and not AccessFailureLog.objects.exists()


@pytest.mark.django_db
def test_an_existing_account_is_matched_by_email_whatever_the_case_and_keeps_its_password(sso, customer):
    local = make_user("dmitri", email="Dmitri@Example.com", role=Role.HR, customer=customer)
    sso.set_person("dmitri-idp", email="dmitri@EXAMPLE.com", groups=["fleet"])
    sso_login(Client(), sso, "dmitri-idp")
    assert User.objects.filter(email__iexact="dmitri@example.com").count() == 1
    local.refresh_from_db()
    assert local.role == Role.MANAGER
    # The local password still works (OIDC_LOCAL_LOGIN=all, the default).
    response = Client().post("/accounts/login/", {"username": "dmitri", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_drivers_need_an_ocean_individu_from_their_account_or_the_idp(sso, settings, customer):
    sso.set_person("emile", email="emile@example.com", groups=["drivers"])
    assert sso_login(Client(), sso, "emile")["Location"] == "/oidc/error/?reason=driver_unlinked"
    settings.OIDC_DRIVER_ID_CLAIM = "ocean_individu_id"
    sso.set_person("emile", email="emile@example.com", groups=["drivers"], extra={"ocean_individu_id": 7001})
    assert sso_login(Client(), sso, "emile")["Location"] == "/"
    user = User.objects.get(email="emile@example.com")
    assert (user.role, user.ocean_individu_id) == (Role.DRIVER, 7001)


@pytest.mark.django_db
def test_superusers_and_deactivated_accounts_are_refused(sso, customer):
    User.objects.create_superuser("root", "root@example.com", PASSWORD)
    sso.set_person("root-idp", email="root@example.com", groups=["it-admins"])
    assert sso_login(Client(), sso, "root-idp")["Location"] == "/oidc/error/?reason=superuser"
    make_user("gone", email="gone@example.com", role=Role.HR, customer=customer, is_active=False)
    sso.set_person("gone-idp", email="gone@example.com", groups=["payroll"])
    assert sso_login(Client(), sso, "gone-idp")["Location"] == "/oidc/error/?reason=inactive"
    assert User.objects.get(email="root@example.com").is_superuser


@pytest.mark.django_db
def test_the_page_asked_before_logging_in_is_the_one_shown_after(sso):
    sso.set_person("gilles", email="gilles@example.com", groups=["fleet"])
    assert sso_login(Client(), sso, "gilles", next_url="/history/")["Location"] == "/history/"
    # Another site is never a destination.
    assert sso_login(Client(), sso, "gilles", next_url="https://evil.example/")["Location"] == "/"


@pytest.mark.django_db
def test_declining_at_the_idp_ends_on_the_error_page(sso):
    sso.set_person("fanny", email="fanny@example.com", groups=["fleet"])
    response = sso_login(Client(), sso, "fanny", allow=False)
    assert response["Location"] == "/oidc/error/?reason=cancelled"
    assert not User.objects.filter(email="fanny@example.com").exists()


@pytest.mark.django_db
def test_an_email_the_idp_has_not_verified_matches_no_account(sso, customer):
    make_user("olga", email="olga@example.com", role=Role.HR, customer=customer)
    sso.set_person("olga-idp", email="olga@example.com", groups=["fleet"], email_verified=False)
    assert sso_login(Client(), sso, "olga-idp")["Location"] == "/oidc/error/?reason=email"
    assert User.objects.get(username="olga").role == Role.HR
