"""HR pages: roles, period picker, views, sort/filter/pagination, drill-down, refresh and progress."""
from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from privacy.reports.models import ReportRefresh
from privacy.reports.services.periods import Period

from .conftest import make_snapshot, row

JAN = Period.month(2026, 1)
Q_JAN = {"period": "month", "month": "2026-01"}


@pytest.fixture
def january(customer):
    return make_snapshot(customer, JAN, [
        row(ocean_id=7001, name="DUPONT Jean", private_m=12_345, pro_m=100_000),
        row(ocean_id=7002, name="MARTIN Zoé", entity_id=122, entity_name="Agence Paris",
            private_m=50_000, pro_m=50_000),
        row(kind="vehicle", ocean_id=5001, name="AB-123-CD", private_m=62_345, pro_m=150_000),
        row(kind="entity", ocean_id=121, name="Agence Lyon", entity_id=121, private_m=12_345, pro_m=100_000),
        row(kind="entity", ocean_id=122, name="Agence Paris", entity_id=122, private_m=50_000, pro_m=50_000),
    ])


URLS = [
    ("privacy:reports", {}), ("privacy:report_export", {}), ("privacy:benefit", {}),
    ("privacy:vehicle_costs", {}),
]


@pytest.mark.parametrize("name,kwargs", URLS)
def test_drivers_and_managers_get_403_and_anonymous_the_login_page(name, kwargs, login, driver, manager):
    url = reverse(name, kwargs=kwargs) + "?format=csv"
    assert login(driver).get(url).status_code == 403
    assert login(manager).get(url).status_code == 403
    anonymous = login(None).get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_hr_sees_the_report_with_french_numbers_totals_and_as_of(login, hr, january):
    page = login(hr).get(reverse("privacy:reports"), Q_JAN)
    assert page.status_code == 200
    html = page.content.decode()
    assert "DUPONT Jean" in html and "MARTIN Zoé" in html
    assert "12,3\u00a0km" in html and "100,0\u00a0km" in html  # private km, French decimal comma
    assert "11,0\u00a0%" in html  # 12 345 / 112 345
    assert "212,3\u00a0km" in html  # total distance of both drivers (212 345 m)
    assert "5 janvier 2026 04:30" in html  # as of, in the customer's time zone (03:30 UTC)
    assert "<svg" in html and 'role="img"' in html and "style=" not in html


def test_no_address_or_html_table_is_ever_rendered(login, hr, january):
    html = login(hr).get(reverse("privacy:reports"), Q_JAN).content.decode()
    assert "preformattedPrivacy" not in html and "rue" not in html.lower().replace("true", "")


def test_views_by_vehicle_and_entity(login, hr, january):
    client = login(hr)
    vehicles = client.get(reverse("privacy:reports"), {**Q_JAN, "view": "vehicle"}).content.decode()
    assert "AB-123-CD" in vehicles and "DUPONT" not in vehicles.split("<table")[1].split("</table>")[0]
    entities = client.get(reverse("privacy:reports"), {**Q_JAN, "view": "entity"}).content.decode()
    table = entities.split("<table")[1].split("</table>")[0]
    assert "Agence Lyon" in table and "Agence Paris" in table and "DUPONT" not in table


def test_sort_and_filter(login, hr, january):
    client = login(hr)
    by_share = client.get(reverse("privacy:reports"), {**Q_JAN, "sort": "-private_share"}).content.decode()
    assert by_share.index("MARTIN Zoé") < by_share.index("DUPONT Jean")
    by_name = client.get(reverse("privacy:reports"), {**Q_JAN, "sort": "name"}).content.decode()
    assert by_name.index("DUPONT Jean") < by_name.index("MARTIN Zoé")
    filtered = client.get(reverse("privacy:reports"), {**Q_JAN, "q": "zoé"}).content.decode()
    table = filtered.split("<table")[1].split("</table>")[0]
    assert "MARTIN Zoé" in table and "DUPONT Jean" not in table
    bogus = client.get(reverse("privacy:reports"), {**Q_JAN, "sort": "password"})
    assert bogus.status_code == 200


def test_pagination_splits_long_tables(login, hr, customer):
    make_snapshot(customer, JAN, [row(ocean_id=7000 + i, name=f"D{i:03d}") for i in range(30)])
    client = login(hr)
    first = client.get(reverse("privacy:reports"), Q_JAN).content.decode()
    second = client.get(reverse("privacy:reports"), {**Q_JAN, "page": "2"}).content.decode()
    assert "D000" in first and "D029" not in first and "D029" in second
    assert re.search(r"Page 1 (sur|of) 2", first)


def test_the_period_picker_reports_bad_input_beside_the_field(login, hr, january):
    client = login(hr)
    page = client.get(reverse("privacy:reports"), {"period": "custom", "start": "2026-02-10", "end": "2026-01-01"})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    assert client.get(reverse("privacy:reports"), {"period": "month", "month": "2026-13"}).status_code == 200
    quarter = client.get(reverse("privacy:reports"), {"period": "quarter", "quarter": "2026-Q1"})
    assert quarter.context["period"] == Period.quarter(2026, 1)


def test_drill_down_from_entity_to_its_drivers_and_vehicles(login, hr, january):
    client = login(hr)
    page = client.get(reverse("privacy:report_detail", args=["entity", 121]), Q_JAN)
    assert page.status_code == 200
    html = page.content.decode()
    assert "DUPONT Jean" in html and "MARTIN Zoé" not in html
    driver = client.get(reverse("privacy:report_detail", args=["driver", 7002]), Q_JAN)
    assert driver.status_code == 200 and "50,0\u00a0%" in driver.content.decode()
    assert client.get(reverse("privacy:report_detail", args=["driver", 9999]), Q_JAN).status_code == 404
    assert client.get(reverse("privacy:report_detail", args=["bogus", 7001]), Q_JAN).status_code == 404


def test_hr_of_another_customer_gets_404_on_this_customers_objects(login, other_hr, january, customer):
    client = login(other_hr)
    assert client.get(reverse("privacy:report_detail", args=["driver", 7001]), Q_JAN).status_code == 404
    refresh = ReportRefresh.objects.create(customer=customer, period_kind="month", period_start=JAN.start,
                                           period_end=JAN.end)
    assert client.get(reverse("privacy:report_progress", args=[refresh.pk])).status_code == 404
    page = client.get(reverse("privacy:reports"), Q_JAN).content.decode()
    assert "DUPONT" not in page  # their own (empty) report


def test_an_admin_picks_the_customer(login, admin_user, january, customer, other_customer):
    client = login(admin_user)
    mine = client.get(reverse("privacy:reports"), {**Q_JAN, "customer": customer.pk}).content.decode()
    other = client.get(reverse("privacy:reports"), {**Q_JAN, "customer": other_customer.pk}).content.decode()
    assert "DUPONT Jean" in mine and "DUPONT Jean" not in other


def test_refresh_needs_csrf_and_post(login, hr, customer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(hr)
    assert client.post(reverse("privacy:report_refresh"), Q_JAN).status_code == 403
    assert login(hr).get(reverse("privacy:report_refresh")).status_code == 405
    assert not ReportRefresh.objects.exists()


def test_refresh_from_the_page_queues_once_and_polls_until_done(login, hr, customer, monkeypatch):
    queued = []
    monkeypatch.setattr("privacy.reports.tasks.refresh_report.delay", queued.append)
    client = login(hr)
    with_htmx = {"HTTP_HX_REQUEST": "true"}
    first = client.post(reverse("privacy:report_refresh"), Q_JAN, **with_htmx)
    assert first.status_code == 200 and 'hx-trigger="every 2s"' in first.content.decode()
    second = client.post(reverse("privacy:report_refresh"), Q_JAN, **with_htmx)
    assert "already running" in second.content.decode() or "déjà" in second.content.decode()
    refresh = ReportRefresh.objects.get()
    progress = reverse("privacy:report_progress", args=[refresh.pk])
    assert client.get(progress, **with_htmx).status_code == 200
    refresh.status, refresh.progress = ReportRefresh.Status.DONE, 100
    refresh.save()
    done = client.get(progress, **with_htmx)
    assert done.status_code == 286 and done["HX-Refresh"] == "true"
    refresh.status, refresh.message = ReportRefresh.Status.FAILED, "Ocean a refusé"
    refresh.save()
    failed = client.get(progress, **with_htmx)
    assert failed.status_code == 286 and "Ocean a refusé" in failed.content.decode()
    assert not failed.has_header("HX-Refresh")
    page = client.get(reverse("privacy:reports"), Q_JAN).content.decode()
    assert "Ocean a refusé" in page  # the failure and its reason stay visible on the page


def test_without_htmx_a_refresh_redirects_back_to_the_period(login, hr, customer, monkeypatch):
    monkeypatch.setattr("privacy.reports.tasks.refresh_report.delay", lambda pk: None)
    response = login(hr).post(reverse("privacy:report_refresh"), Q_JAN)
    assert response.status_code == 302 and "month=2026-01" in response["Location"]
    assert ReportRefresh.objects.get().period_start == date(2026, 1, 1)
