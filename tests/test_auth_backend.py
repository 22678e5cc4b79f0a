"""The session's user comes back with their customer in one query; a login records this backend."""
from __future__ import annotations

from django.urls import reverse

from privacy.auth_backends import CustomerModelBackend


def test_the_user_and_their_customer_are_one_query(hr, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = CustomerModelBackend().get_user(hr.pk)
        assert user.customer.pk == hr.customer_id
    hr.is_active = False
    hr.save()
    assert CustomerModelBackend().get_user(hr.pk) is None


def test_a_login_through_the_form_records_the_customer_backend(client, hr):
    hr.set_password("a-long-password-42")
    hr.save()
    response = client.post(reverse("login"), {"username": hr.username, "password": "a-long-password-42"})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "privacy.auth_backends.CustomerModelBackend"
