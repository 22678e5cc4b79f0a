"""Invitation links set a password once and expire; password reset for every user; login and lockout pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse

from privacy.models import Role, User
from privacy.onboarding.services.accounts import invitation_link, send_invitations

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Vélo-rouge-2027!"


@pytest.fixture
def invited(customer):
    user = User(
        username="m0009",
        email="paul@example.com",
        role=Role.DRIVER,
        customer=customer,
        ocean_individu_id=7009,
        matricule="M0009",
        first_name="Paul",
    )
    user.set_unusable_password()
    user.save()
    return user


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def choose_password(client: Client, link: str, password: str = NEW_PASSWORD):
    landing = client.get(path_of(link))  # Django moves the token into the session, then redirects
    assert landing.status_code == 302
    return client.post(landing["Location"], {"new_password1": password, "new_password2": password})


def test_the_invitation_email_is_french_and_carries_a_one_time_link(invited, admin_user, settings):
    settings.PORTAL_BASE_URL = "https://portail.example.com"
    results = send_invitations([invited], actor=admin_user)
    assert results[invited.pk].sent
    (message,) = mail.outbox
    assert message.to == ["paul@example.com"]
    link = link_in(message)
    assert link.startswith("https://portail.example.com/accounts/welcome/")
    assert "m0009" in message.body
    assert "3" in message.body  # expires in 3 days
    assert message.alternatives and link in message.alternatives[0][0]


def test_with_make_run_on_port_8210_the_invitation_links_to_port_8210(invited, admin_user, settings, tmp_path):
    from tests.test_settings import bare_env, probe

    # What `make run PORT=8210 SIM_PORT=8211` gives every process: the address derived from the port.
    settings.PORTAL_BASE_URL = probe(bare_env(tmp_path, PORT="8210", SIM_PORT="8211"))["portal"]
    assert send_invitations([invited], actor=admin_user)[invited.pk].sent
    (message,) = mail.outbox
    assert link_in(message).startswith("http://127.0.0.1:8210/accounts/welcome/")
    assert "http://127.0.0.1:8210/accounts/login/" in message.body


def test_the_invitation_link_sets_a_password_once_and_logs_in(invited):
    link = invitation_link(invited)
    client = Client()
    response = choose_password(client, link)
    assert response.status_code == 302 and response["Location"] == reverse("privacy:home")
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    assert client.get(reverse("privacy:home")).wsgi_request.user == invited
    # the same link again: refused, the password stays
    again = Client().get(path_of(link))
    assert again.status_code == 200 and not again.context["validlink"]
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)


def test_the_invitation_link_expires(invited, settings, monkeypatch):
    link = invitation_link(invited)
    later = default_token_generator._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    response = Client().get(path_of(link))
    assert response.status_code == 200 and not response.context["validlink"]
    assert reverse("privacy:password_reset") in response.content.decode()


def test_a_weak_password_is_refused_with_the_rules_shown(invited):
    response = choose_password(Client(), invitation_link(invited), "court")
    assert response.status_code == 200
    assert "10" in response.content.decode()  # minimum length
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_users_who_chose_a_password_or_have_no_email_are_not_invited(invited, driver, admin_user):
    invited.email = ""
    invited.save()
    results = send_invitations([invited, driver], actor=admin_user)
    assert not results[invited.pk].sent and not results[driver.pk].sent
    assert mail.outbox == []


def test_a_mail_server_failure_is_reported_per_user(invited, admin_user, settings):
    settings.EMAIL_BACKEND = "tests.onboarding.failing_mail.Backend"
    results = send_invitations([invited], actor=admin_user)
    assert not results[invited.pk].sent and "SMTP" in results[invited.pk].reason
    assert invited.invitations.get().error


@pytest.mark.parametrize("role", ["manager", "driver", "hr", "admin_user"])
def test_every_user_can_reset_their_password_by_email(request, role):
    user = request.getfixturevalue(role)
    user.email = f"{user.username}@example.com"
    user.save()
    response = Client().post(reverse("privacy:password_reset"), {"email": user.email.upper()})
    assert response["Location"] == reverse("privacy:password_reset_done")
    (message,) = mail.outbox
    assert message.to == [user.email]
    client = Client()
    done = choose_password(client, link_in(message))
    assert done["Location"] == reverse("privacy:password_reset_complete")
    login = Client().post(reverse("login"), {"username": user.username, "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_email(db):
    response = Client().post(reverse("privacy:password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("privacy:password_reset_done")
    assert mail.outbox == []


def test_an_invited_user_who_lost_the_email_can_ask_again_with_forgot_password(invited):
    Client().post(reverse("privacy:password_reset"), {"email": "paul@example.com"})
    assert len(mail.outbox) == 1


def test_a_deactivated_user_gets_no_reset_email(invited):
    invited.is_active = False
    invited.save()
    Client().post(reverse("privacy:password_reset"), {"email": "paul@example.com"})
    assert mail.outbox == []


def test_the_login_page_offers_forgot_password_in_french_and_english(db):
    html = Client().get(reverse("login")).content.decode()
    assert reverse("privacy:password_reset") in html
    assert "Mot de passe oublié" in html
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("login")).content.decode()
    assert "Forgot your password?" in english and 'lang="en"' in english


def test_the_lockout_page_explains_what_to_do_and_a_reset_lifts_the_lock(manager, settings):
    manager.email = "manager@example.com"
    manager.save()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "manager", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "manager", "password": "wrong"})
    html = locked.content.decode()
    assert locked.status_code == 429
    assert "15 minutes" in html and reverse("privacy:password_reset") in html
    Client().post(reverse("privacy:password_reset"), {"email": "manager@example.com"})
    choose_password(Client(), link_in(mail.outbox[0]))
    response = client.post(reverse("login"), {"username": "manager", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_reset_requests_are_throttled_per_address_without_saying_so(manager):
    manager.email = "manager@example.com"
    manager.save()
    for _ in range(5):
        response = Client().post(reverse("privacy:password_reset"), {"email": "manager@example.com"})
        assert response["Location"] == reverse("privacy:password_reset_done")
    assert len(mail.outbox) == 3
