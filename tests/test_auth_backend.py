"""The session's user comes back with their customer in one query compiled once per process, the same
objects the ORM builds; a login records this backend."""
from __future__ import annotations

import gc
import threading
import weakref

import pytest
from django.db import connections
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse
from django.utils import timezone

from privacy import auth_backends
from privacy.auth_backends import CustomerModelBackend
from privacy.models import User


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


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


def test_the_user_and_customer_are_the_objects_the_orm_builds(driver, admin_user, django_assert_num_queries):
    driver.last_login = timezone.now()  # an aware date read back through the database's converters
    driver.save()
    for person in (driver, admin_user):  # with a customer, and an administrator without one
        orm = User.objects.select_related("customer").get(pk=person.pk)
        with django_assert_num_queries(1):
            user = CustomerModelBackend().get_user(person.pk)
            assert fields(user) == fields(orm) and user._state.db == orm._state.db and not user._state.adding
            if orm.customer is None:
                assert user.customer is None
            else:
                assert fields(user.customer) == fields(orm.customer)  # read with it, no second query
    assert CustomerModelBackend().get_user(driver.pk).last_login == driver.last_login


@pytest.mark.parametrize("pk", ["not-a-number", None, "999999"])
def test_an_unknown_or_malformed_user_id_is_nobody(db, pk):
    assert CustomerModelBackend().get_user(pk) is None


def test_the_users_query_is_compiled_once_per_process(hr, manager, monkeypatch):
    auth_backends._queries.clear()  # a new process
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **kw: compiled.append(1) or original(self, *a, **kw))
    for person in (hr, manager, hr):
        assert CustomerModelBackend().get_user(person.pk).pk == person.pk
    assert len(compiled) == 1


def test_the_compiled_query_keeps_no_threads_connection(hr):
    """A thread that compiled it (a server's first request) leaves no database session behind: kept, its
    connection would stay open after the thread ended (the test database could not even be dropped)."""
    auth_backends._queries.clear()
    wrappers = []

    def first_request():
        CustomerModelBackend().get_user(hr.pk)
        wrappers.append(weakref.ref(connections["default"]))
        connections["default"].close()

    thread = threading.Thread(target=first_request)
    thread.start()
    thread.join(10)
    del thread
    gc.collect()
    assert auth_backends._queries and wrappers and wrappers[0]() is None
    assert CustomerModelBackend().get_user(hr.pk).pk == hr.pk  # and it serves the other threads
