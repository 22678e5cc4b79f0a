"""Report pages served from the cache keyed on what cannot change: never stale, never shared across
scope or language, a new current snapshot (of this period or of another month) shows at once."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from privacy.reports.models import ReportRefresh, ReportRow, ReportSnapshot, VehicleCost
from privacy.reports.services.cache import normalised_query, page_state
from privacy.reports.services.ingest import swap
from privacy.reports.services.periods import Period

from .conftest import make_snapshot, row

JAN, DEC = Period.month(2026, 1), Period.month(2025, 12)
Q_JAN = {"period": "month", "month": "2026-01"}


def rows(private_m=12_345, name="DUPONT Jean"):
    return [row(ocean_id=7001, name=name, private_m=private_m, pro_m=100_000),
            row(kind="entity", ocean_id=121, name="Agence Lyon", entity_id=121, private_m=private_m, pro_m=100_000)]


def new_current(customer, period, rows_):
    """A refresh's outcome: rows written under a building snapshot, then swapped in (ingestion path)."""
    snapshot = make_snapshot(customer, period, rows_, current=False)
    swap(snapshot)
    return snapshot


@pytest.fixture
def january(customer):
    return new_current(customer, JAN, rows())


def trend(html: str) -> str:
    return html.split('id="trend-desc">')[1].split("</desc>")[0]


def page(client, **params) -> str:
    response = client.get(reverse("privacy:reports"), {**Q_JAN, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_view_is_served_from_the_cache_without_reading_the_rows(login, hr, january):
    client = login(hr)
    assert "12,3\u00a0km" in page(client)
    ReportRow.objects.filter(snapshot=january, kind="driver").update(private_m=99_999)  # cannot happen
    with CaptureQueriesContext(connection) as queries:
        assert "12,3\u00a0km" in page(client)
    assert not any("privacy_reportrow" in q["sql"] for q in queries.captured_queries)


def test_a_new_current_snapshot_shows_at_once(login, hr, customer, january):
    client = login(hr)
    assert "12,3\u00a0km" in page(client)
    new_current(customer, JAN, rows(private_m=45_600))
    html = page(client)
    assert "45,6\u00a0km" in html and "12,3\u00a0km" not in html


def test_a_refresh_of_another_month_changes_the_trend_of_this_page(login, hr, customer, january):
    client = login(hr)
    new_current(customer, DEC, rows(private_m=0))
    before = page(client)
    assert "Décembre 2025 : 0,0\u00a0%" in trend(before)
    new_current(customer, DEC, rows(private_m=50_000))
    after = page(client)
    assert "Décembre 2025 : 33,3\u00a0%" in trend(after)  # 50 000 / 150 000 in December


def test_deleting_the_newest_snapshot_of_another_month_is_not_served_stale(login, hr, customer, january):
    client = login(hr)
    december = new_current(customer, DEC, rows(private_m=50_000))
    assert "Décembre 2025" in trend(page(client))
    december.delete()
    assert "Décembre 2025" not in trend(page(client))


def test_language_and_scope_are_part_of_the_key(login, hr, admin_user, customer, january):
    french = login(hr)
    assert "12,3\u00a0km" in page(french)
    english = login(hr)
    english.cookies["django_language"] = "en"
    assert "12.3\u00a0km" in page(english)
    admin = page(login(admin_user), customer=customer.pk)
    assert f"customer={customer.pk}" in admin.split("report-views")[1][:400]  # the admin's links keep it
    assert f"customer={customer.pk}" not in page(french).split("report-views")[1][:400]


def test_the_query_string_is_normalised_but_every_parameter_counts(rf):
    a = rf.get("/", {"month": "2026-01", "period": "month", "sort": "-name"})
    b = rf.get("/?sort=-name&period=month&month=2026-01")
    c = rf.get("/?sort=-name&period=month&month=2026-01&page=2")
    assert normalised_query(a.GET) == normalised_query(b.GET) != normalised_query(c.GET)


def test_the_refresh_state_is_never_cached(login, hr, customer, january):
    client = login(hr)
    assert "aria-live" not in page(client) or "Waiting" not in page(client)
    ReportRefresh.objects.create(customer=customer, period_kind=JAN.kind, period_start=JAN.start,
                                 period_end=JAN.end, status=ReportRefresh.Status.FAILED,
                                 message="Ocean says no")
    assert "Ocean says no" in page(client)


def test_page_state_is_one_query_and_names_the_current_snapshot(customer, january, django_assert_num_queries):
    with django_assert_num_queries(1):
        state = page_state(customer, JAN)
    assert state.snapshot.pk == january.pk and state.refresh is None
    assert state.generation == f"{january.pk}.1"
    assert page_state(customer, DEC).snapshot is None


def test_exports_read_the_same_rows_and_totals_as_the_page(login, hr, january):
    csv = login(hr).get(reverse("privacy:report_export"), {**Q_JAN, "format": "csv"}).content.decode()
    # French Excel CSV by default ("," decimals); the totals come from the precomputed summary.
    assert "DUPONT Jean;Agence Lyon;12,3" in csv and "Total;;12,3;100,0" in csv


def test_the_benefit_page_shows_an_edited_vehicle_cost_at_once(login, hr, customer, sim, monkeypatch):
    from privacy.reports.services import benefit_history

    # one vehicle the whole year (the simulator's history changes 7001's car 40 days before today)
    monkeypatch.setattr(benefit_history, "_history",
                        lambda c, driver_id, background=False: [(5001, "2024-01-01", None, True)])
    year = Period.year(2026)
    snapshot = make_snapshot(customer, year, [row(ocean_id=7001, name="DUPONT Jean", private_m=1_000_000,
                                                  pro_m=9_000_000)], current=False)
    swap(snapshot)
    client = login(hr)
    url = reverse("privacy:benefit") + "?year=2026"
    first = client.get(url).content.decode()
    assert "DUPONT Jean" in first and "Saisissez les coûts" in first
    assert client.get(url).content.decode().count("Saisissez les coûts") == first.count("Saisissez les coûts")
    VehicleCost.objects.create(customer=customer, vehicle_id=5001, acquisition="purchase",
                               purchase_price_ttc=30_000, made_available=datetime(2024, 1, 1, tzinfo=UTC).date())
    second = client.get(url).content.decode()
    assert "Saisissez les coûts" not in second and "<details>" in second
    assert ReportSnapshot.objects.filter(pk=snapshot.pk, is_current=True).exists()


def test_the_benefit_page_shows_fifty_drivers_a_page(login, hr, customer, sim):
    many = [row(ocean_id=8000 + i, name=f"DRIVER {i:03d}", private_m=1000, pro_m=9000) for i in range(60)]
    swap(make_snapshot(customer, Period.year(2026), many, current=False))
    client = login(hr)
    first = client.get(reverse("privacy:benefit"), {"year": "2026"}).content.decode()
    second = client.get(reverse("privacy:benefit"), {"year": "2026", "page": "2"}).content.decode()
    assert "DRIVER 049" in first and "DRIVER 050" not in first and "Page 1 sur 2" in first
    assert "DRIVER 050" in second and "DRIVER 059" in second and "DRIVER 000" not in second


def test_a_whole_page_is_kept_per_viewer_and_its_csrf_token_still_works(hr, customer, january):
    import re

    from django.test import Client

    from privacy.models import Role, User

    other = User.objects.create_user("hr2", role=Role.HR, customer=customer, first_name="Zoé", last_name="Autre")
    client = Client(enforce_csrf_checks=True)
    client.force_login(hr)
    page(client)  # sets the CSRF cookie
    cached = page(client)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', cached).group(1)
    refresh = client.post(reverse("privacy:report_refresh"), {**Q_JAN, "csrfmiddlewaretoken": token})
    assert refresh.status_code == 302  # the token of the cached page is valid with the viewer's cookie
    second = Client()
    second.force_login(other)
    second.cookies["csrftoken"] = client.cookies["csrftoken"].value  # even the same CSRF cookie
    theirs = page(second)
    assert "Zoé Autre" in theirs and "Zoé Autre" not in cached


def test_a_waiting_message_is_never_served_from_or_into_the_cache(login, hr, customer, january):
    client = login(hr)
    page(client)
    page(client)
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    client.cookies["messages"] = CookieStorage(RequestFactory().get("/"))._encode(
        [Message(25, "Rapport envoyé par courriel")])
    assert "Rapport envoyé par courriel" in page(client)


def test_a_drill_down_page_is_kept_for_its_viewer_until_a_new_snapshot(hr, customer, january):
    from django.test import Client

    client = Client()
    client.force_login(hr)
    url = reverse("privacy:report_detail", args=["driver", 7001])
    client.get(url, Q_JAN)  # sets the CSRF cookie
    assert "12,3\u00a0km" in client.get(url, Q_JAN).content.decode()
    ReportRow.objects.filter(snapshot=january, kind="driver").update(private_m=99_999)  # cannot happen
    assert "12,3\u00a0km" in client.get(url, Q_JAN).content.decode()  # the kept page
    new_current(customer, JAN, rows(private_m=45_600))
    html = client.get(url, Q_JAN).content.decode()
    assert "45,6\u00a0km" in html and "12,3\u00a0km" not in html
    assert client.get(reverse("privacy:report_detail", args=["driver", 9999]), Q_JAN).status_code == 404


def test_an_export_is_built_once_per_snapshot_and_query_and_each_download_is_audited(login, hr, january,
                                                                                     monkeypatch):
    from privacy.models import AuditEntry
    from privacy.reports.views import pages

    built = []
    real = pages.build_table
    monkeypatch.setattr(pages, "build_table", lambda *a, **kw: built.append(1) or real(*a, **kw))
    client = login(hr)
    first = client.get(reverse("privacy:report_export"), {**Q_JAN, "format": "csv"}).content
    second = client.get(reverse("privacy:report_export"), {**Q_JAN, "format": "csv"}).content
    assert first == second and len(built) == 1
    client.get(reverse("privacy:report_export"), {**Q_JAN, "format": "xlsx"})
    assert len(built) == 2  # another file, another key
    assert AuditEntry.objects.filter(action="report.export").count() == 3


# ----- a page filling in by batches: one render per version --------------------------------------------
@pytest.fixture
def local_cache(settings):
    # An in-process cache: what is tested is the portal's locking, not Redis.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from privacy.reports.services.cache import forget_recent

    forget_recent()


def renders(html, log):
    def render():
        log.append(html)
        return html
    return render


def test_while_one_request_renders_a_new_version_the_others_show_the_latest_one(local_cache):
    from django.core.cache import cache

    from privacy.reports.services.fragments import Filling, cached_html

    log = []
    first = cached_html("page:v1", renders(Filling("<p>10 of 60 drivers read</p>"), log), latest="page:latest")
    assert first == "<p>10 of 60 drivers read</p>" and log == ["<p>10 of 60 drivers read</p>"]
    cache.add("page:v2:rendering", 1, 20)  # another request is rendering the next batch's version
    shown = cached_html("page:v2", renders(Filling("<p>20 of 60</p>"), log), latest="page:latest")
    assert shown == "<p>10 of 60 drivers read</p>" and len(log) == 1  # not rendered a second time
    assert cache.get("page:v2:html:filling") is None and cache.get("page:v2:html") is None  # not kept as v2
    cache.delete("page:v2:rendering")  # that request is done (it would have stored its render)
    again = cached_html("page:v2", renders(Filling("<p>20 of 60</p>"), log), latest="page:latest")
    assert again == "<p>20 of 60</p>" and cache.get("page:latest") == "<p>20 of 60</p>"
    assert cache.get("page:v2:html:filling") == "<p>20 of 60</p>"  # shared a few seconds, as before
    assert cache.get("page:v2:rendering") is None  # released after rendering


def test_with_nothing_rendered_yet_a_request_renders_even_while_another_does(local_cache):
    from django.core.cache import cache

    from privacy.reports.services.fragments import cached_html

    log = []
    cache.add("page:v1:rendering", 1, 20)
    html = cached_html("page:v1", renders("<p>complete</p>", log), latest="page:latest")
    assert html == "<p>complete</p>" and log == ["<p>complete</p>"]
    assert cache.get("page:v1:html") == "<p>complete</p>"
    assert cache.get("page:latest") is None  # a complete page is kept under its own key only
