"""Sessions (ocean_portal/sessions.py): Django's database store with its read written once in SQL — the same
rows, the same expiry, a deleted row ends the session at once."""
from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from ocean_portal.sessions import SessionStore


def _saved(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    return store.session_key


def test_a_saved_session_reads_back_in_one_query(db, django_assert_num_queries):
    key = _saved(color="bleu", n=3)
    with django_assert_num_queries(1):
        store = SessionStore(key)
        assert store.load() == {"color": "bleu", "n": 3}
    assert store.session_key == key


def test_an_expired_or_unknown_session_is_a_new_empty_one(db):
    key = _saved(color="bleu")
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_a_session_still_valid_for_a_second_is_read(db):
    key = _saved(color="bleu")
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=1))
    assert SessionStore(key).load() == {"color": "bleu"}


def test_deleting_the_row_signs_the_person_out_at_once(login, hr):
    client = login(hr)
    assert client.get("/reports/").status_code == 200
    Session.objects.all().delete()
    response = client.get("/reports/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
