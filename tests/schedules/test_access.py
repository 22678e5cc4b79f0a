"""Every private-hours page against every role: wrong role 403, someone else's data 404, anonymous to login."""
from __future__ import annotations

import pytest

from privacy.schedules.models import BulkApplication, ScheduleTemplate
from tests.schedules.conftest import DEFAULT_WEEK, grid_post, sim_week, writes

pytestmark = pytest.mark.usefixtures("early_2027")  # fixed 2027 dates stay in the future

MANAGER_PAGES = ["/drivers/", "/drivers/7001/", "/drivers/7001/periods/", "/drivers/7001/row/", "/templates/",
                 "/templates/new/", "/templates/apply/", "/holidays/"]


@pytest.mark.parametrize("url", MANAGER_PAGES + ["/me/private-hours/"])
def test_anonymous_users_are_sent_to_the_login_page(sim, login, url):
    response = login(None).get(url)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_a_driver_cannot_open_manager_pages(sim, login, driver, url):
    assert login(driver).get(url).status_code == 403


def test_a_driver_cannot_see_another_drivers_grid(sim, login, driver):
    assert login(driver).get("/drivers/7002/").status_code == 403
    page = login(driver).get("/me/private-hours/")
    assert page.status_code == 200
    assert b"/drivers/7002" not in page.content


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_an_hr_user_cannot_edit_or_see_schedules(sim, login, hr, url):
    assert login(hr).get(url).status_code == 403


def test_an_hr_user_cannot_save_a_grid(sim, login, hr):
    response = login(hr).post("/drivers/7001/", grid_post(DEFAULT_WEEK.add_lunch_break(), action="save"))
    assert response.status_code == 403
    assert writes(sim) == {}
    assert sim_week(sim, 7001) == DEFAULT_WEEK


@pytest.mark.parametrize("url", ["/drivers/7001/", "/drivers/7001/periods/", "/drivers/7001/row/"])
def test_a_manager_of_another_customer_gets_404(sim, login, other_manager, other_fleet, url):
    assert login(other_manager).get(url).status_code == 404


def test_a_manager_of_another_customer_cannot_save_a_grid(sim, login, other_manager, other_fleet):
    response = login(other_manager).post("/drivers/7001/", grid_post(DEFAULT_WEEK.add_lunch_break(), action="save"))
    assert response.status_code == 404
    assert writes(sim) == {}


def test_a_manager_outside_the_entity_scope_gets_404(sim, login, scoped_manager):
    client = login(scoped_manager)
    assert client.get("/drivers/7001/").status_code == 404  # 7001 is in Agence Lyon (121)
    assert client.get("/drivers/7002/").status_code == 200  # 7002 is in Agence Paris (122)
    listing = client.get("/drivers/").content.decode()
    assert "/drivers/7002/" in listing and "/drivers/7001/" not in listing


def test_bulk_selection_with_a_driver_out_of_scope_is_404(sim, login, scoped_manager):
    assert login(scoped_manager).get("/templates/apply/?drivers=7002&drivers=7001").status_code == 404
    assert login(scoped_manager).get("/holidays/?drivers=7001").status_code == 404


def test_a_manager_sees_the_driver_page(sim, login, manager):
    page = login(manager).get("/drivers/7001/")
    assert page.status_code == 200
    assert b'role="grid"' in page.content


def test_an_admin_sees_the_driver_page(sim, login, admin_user, customer):
    assert login(admin_user).get(f"/drivers/7001/?customer={customer.pk}").status_code == 200


def test_templates_and_applications_of_another_customer_are_404(sim, login, manager, other_customer, other_manager):
    template = ScheduleTemplate.objects.create(customer=other_customer, name="Autre", week=DEFAULT_WEEK.to_json_days())
    job = BulkApplication.objects.create(customer=other_customer, kind="template", title="x", created_by=other_manager)
    client = login(manager)
    assert client.get(f"/templates/{template.pk}/").status_code == 404
    assert client.post(f"/templates/{template.pk}/delete/").status_code == 404
    assert client.get(f"/applications/{job.pk}/").status_code == 404
    assert client.get(f"/applications/{job.pk}/progress/").status_code == 404
    assert client.post(f"/applications/{job.pk}/retry/").status_code == 404
    assert ScheduleTemplate.objects.filter(pk=template.pk).exists()


def test_a_manager_cannot_open_the_drivers_own_page(sim, login, manager, hr):
    assert login(manager).get("/me/private-hours/").status_code == 403
    assert login(hr).get("/me/private-hours/").status_code == 403


def test_writes_need_the_csrf_token(sim, login, manager):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post("/drivers/7001/", grid_post(DEFAULT_WEEK.add_lunch_break(), action="save"))
    assert response.status_code == 403
    assert writes(sim) == {}


def test_the_drivers_own_view_shows_their_week_and_upcoming_periods_read_only(sim, login, driver, manager):
    login(manager).post("/drivers/7001/periods/", {"label": "Congés", "start_date": "2027-07-05",
                                                   "end_date": "2027-07-09"})
    page = login(driver).get("/me/private-hours/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Congés" in html
    assert 'aria-readonly="true"' in html
    assert "data-n=" not in html  # no editable cell
    assert "<form method=\"post\"" not in html.split("<main")[1]


@pytest.mark.parametrize(
    "url", MANAGER_PAGES + ["/templates/apply/?drivers=7001&drivers=7002", "/holidays/?drivers=7001"])
def test_every_manager_page_renders_for_a_manager(sim, login, manager, url):
    response = login(manager).get(url)
    assert response.status_code == 200
    assert b"<script>" not in response.content and b' style="' not in response.content  # strict CSP


# --- Bulk runs: one scope check for every driver a run touches (issue 14 #2) ----------------------
def _run(customer, creator, driver_id: int, name: str) -> BulkApplication:
    from privacy.schedules.models import BulkApplicationItem

    week = DEFAULT_WEEK.add_lunch_break().to_json_days()  # differs from every seeded week: a real change
    app = BulkApplication.objects.create(customer=customer, kind="template", title=f"Run {name}", created_by=creator,
                                         payload={"week": week, "valid_from": None})
    BulkApplicationItem.objects.create(application=app, driver_id=driver_id, driver_name=name, status="failed",
                                       actor=creator)
    return app


def test_a_scoped_manager_cannot_open_list_or_retry_a_run_over_another_entitys_drivers(
        sim, login, customer, manager, scoped_manager):
    lyon = _run(customer, manager, 7001, "Lyon driver")  # 7001: Agence Lyon (121), outside entity 122
    client = login(scoped_manager)
    assert client.get(f"/applications/{lyon.pk}/").status_code == 404
    assert client.get(f"/applications/{lyon.pk}/progress/").status_code == 404
    assert client.post(f"/applications/{lyon.pk}/retry/").status_code == 404
    assert lyon.items.get().status == "failed", "nothing was queued again"
    assert b"Run Lyon driver" not in client.get("/templates/").content
    assert b"Run Lyon driver" in login(manager).get("/templates/").content


def test_a_retry_is_credited_to_the_manager_who_clicked(sim, login, customer, manager, scoped_manager,
                                                         django_capture_on_commit_callbacks):
    from privacy.models import AuditEntry
    from privacy.schedules.services.bulk import bulk_run

    paris = _run(customer, manager, 7002, "Paris driver")  # 7002: Agence Paris (122), in scope
    client = login(scoped_manager)
    assert client.get(f"/applications/{paris.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(f"/applications/{paris.pk}/retry/").status_code == 302
    assert paris.items.get().actor == scoped_manager
    bulk_run(paris.pk)
    assert paris.items.get().status == "confirmed"
    assert AuditEntry.objects.get(action="bulk.retry").actor_label == scoped_manager.username
    applied = AuditEntry.objects.filter(action="template.apply", driver_id=7002, phase="outcome")
    assert [e.actor_label for e in applied] == [scoped_manager.username]
    assert applied.get().intent.actor_label == scoped_manager.username
