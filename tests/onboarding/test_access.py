"""Every onboarding page: administrators only (403 for every role, login for anonymous), CSRF on writes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = ["driver", "other_driver", "manager", "scoped_manager", "other_manager", "hr", "other_hr"]


def urls(target_pk: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("privacy:setup")),
        ("get", reverse("privacy:setup_checks")),
        ("get", reverse("privacy:customer_new")),
        ("post", reverse("privacy:customer_new")),
        ("get", reverse("privacy:customer_edit", args=[1])),
        ("get", reverse("privacy:onboarding_drivers")),
        ("post", reverse("privacy:onboarding_drivers")),
        ("get", reverse("privacy:users_import")),
        ("get", reverse("privacy:onboarding_run", args=[1])),
        ("get", reverse("privacy:users")),
        ("get", reverse("privacy:user_create")),
        ("post", reverse("privacy:user_active", args=[target_pk])),
        ("post", reverse("privacy:user_invite", args=[target_pk])),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_but_admin_is_refused_every_onboarding_page(request, login, role, driver):
    user = request.getfixturevalue(role)
    client = login(user)
    for method, url in urls(driver.pk):
        response = getattr(client, method)(url, {"active": "0"} if method == "post" else None)
        assert response.status_code == 403, (role, method, url)
    driver.refresh_from_db()
    assert driver.is_active  # nothing was deactivated on the way


def test_anonymous_is_sent_to_the_login_page(driver):
    client = Client()
    for method, url in urls(driver.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_writes_need_the_csrf_token(admin_user, driver):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(reverse("privacy:user_active", args=[driver.pk]), {"active": "0"})
    assert response.status_code == 403
    driver.refresh_from_db()
    assert driver.is_active


def test_admin_sees_the_setup_and_users_entries_in_the_navigation(login, admin_user, manager, sim):
    html = login(admin_user).get("/", follow=True).content.decode()
    assert reverse("privacy:setup") in html and reverse("privacy:users") in html
    html = login(manager).get("/", follow=True).content.decode()
    assert reverse("privacy:setup") not in html and reverse("privacy:users") not in html


def test_administrators_are_not_managed_from_the_users_page(login, admin_user):
    other_admin = type(admin_user).objects.create_superuser("admin2", "a2@example.com", "x" * 12)
    response = login(admin_user).post(reverse("privacy:user_active", args=[other_admin.pk]), {"active": "0"})
    assert response.status_code == 404
    other_admin.refresh_from_db()
    assert other_admin.is_active
