"""The access log and declarations are readable, never editable, in the admin."""
from __future__ import annotations

import pytest

import privacy.steps.admin  # noqa: F401 - privacy/admin.py imports it too (autodiscovery)
from privacy.steps.models import StepAccessLog

pytestmark = pytest.mark.django_db


def test_an_administrator_reads_the_access_log_but_cannot_change_it(admin_user, login, customer):
    entry = StepAccessLog.objects.create(user_label="manager", customer=customer, view="driver", driver_id=7001,
                                         first_day="2026-01-05", last_day="2026-01-11")
    client = login(admin_user)
    listing = client.get("/admin/privacy/stepaccesslog/")
    assert listing.status_code == 200 and "manager" in listing.content.decode()
    assert client.post(f"/admin/privacy/stepaccesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert StepAccessLog.objects.filter(pk=entry.pk).exists()
