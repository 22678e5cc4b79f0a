"""Templates: CRUD, apply to selected drivers or an entity, per-driver result, failure and retry, re-run."""
from __future__ import annotations

import pytest

from privacy.models import AuditEntry
from privacy.schedules.forms import week_to_cells
from privacy.schedules.models import BulkApplication, ScheduleTemplate
from privacy.schedules.services.bulk import bulk_progress, bulk_run
from privacy.week import WeeklySchedule
from tests.schedules.conftest import DEFAULT_WEEK, sim_week

LUNCH = DEFAULT_WEEK.add_lunch_break()


@pytest.fixture
def template(customer, manager):
    return ScheduleTemplate.objects.create(customer=customer, name="Standard 35 h", week=LUNCH.to_json_days(),
                                           created_by=manager)


@pytest.fixture
def queued(monkeypatch):
    """Record enqueued jobs instead of sending them to a broker; the test runs them when it wants."""
    from privacy.schedules.tasks import bulk_application_run

    sent: list[int] = []
    monkeypatch.setattr(bulk_application_run, "delay", sent.append)
    return sent


def test_creating_a_template_from_a_painted_grid(sim, login, manager, customer):
    response = login(manager).post("/templates/new/", {"name": "Temps partiel", "cells": week_to_cells(LUNCH)})
    assert response.status_code == 302
    template = ScheduleTemplate.objects.get(customer=customer)
    assert WeeklySchedule.from_json_days(template.week) == LUNCH
    assert AuditEntry.objects.filter(action="template.save").exists()


def test_a_template_name_is_unique_per_customer(sim, login, manager, template):
    html = login(manager).post("/templates/new/", {"name": "standard 35 H", "cells": week_to_cells(LUNCH)}).content
    assert b'id="id_name_error"' in html
    assert ScheduleTemplate.objects.count() == 1


def test_editing_and_deleting_a_template(sim, login, manager, template):
    client = login(manager)
    client.post(f"/templates/{template.pk}/", {"name": "Renamed", "cells": week_to_cells(DEFAULT_WEEK)})
    template.refresh_from_db()
    assert template.name == "Renamed" and WeeklySchedule.from_json_days(template.week) == DEFAULT_WEEK
    assert client.post(f"/templates/{template.pk}/delete/").status_code == 302
    assert not ScheduleTemplate.objects.exists()


def test_applying_to_selected_drivers_confirms_each_one_and_rerun_is_harmless(
        sim, login, manager, template, queued, django_capture_on_commit_callbacks):
    data = {"template": template.pk, "drivers": ["7001", "7004"], "valid_from": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = login(manager).post("/templates/apply/", data)
    job = BulkApplication.objects.get()
    assert response["Location"].startswith(f"/applications/{job.pk}/")
    assert queued == [job.pk]
    bulk_run(job.pk)
    assert sim_week(sim, 7001) == LUNCH and sim_week(sim, 7004) == LUNCH
    assert sim_week(sim, 7002) == DEFAULT_WEEK
    assert set(job.items.values_list("status", flat=True)) == {"confirmed"}
    assert AuditEntry.objects.filter(action="template.apply", upstream_result="confirmed (post)").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post("/templates/apply/", data)
    rerun = BulkApplication.objects.order_by("-pk").first()
    bulk_run(rerun.pk)
    assert set(rerun.items.values_list("status", flat=True)) == {"skipped"}


def test_applying_to_an_entity_targets_its_visible_drivers(sim, login, manager, template, queued,
                                                           django_capture_on_commit_callbacks):
    client = login(manager)
    confirm = client.post("/templates/apply/", {"template": template.pk, "entity": "122"})
    html = confirm.content.decode()
    assert confirm.status_code == 200 and not BulkApplication.objects.exists()  # shown first, nothing sent
    assert "Ce qui va changer" in html and 'name="confirm" value="yes"' in html and "Agence Paris" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/templates/apply/", {"template": template.pk, "entity": "122", "confirm": "yes"})
    job = BulkApplication.objects.get()
    ids = set(job.items.values_list("driver_id", flat=True))
    assert 7002 in ids and 7001 not in ids and len(ids) >= 6


def test_a_scoped_manager_cannot_reach_another_entity(sim, login, scoped_manager, customer, queued,
                                                      django_capture_on_commit_callbacks):
    template = ScheduleTemplate.objects.create(customer=customer, name="T", week=LUNCH.to_json_days())
    with django_capture_on_commit_callbacks(execute=True):
        html = login(scoped_manager).post("/templates/apply/", {"template": template.pk, "entity": "121"}).content
    assert not BulkApplication.objects.exists()
    assert b'id="id_entity_error"' in html


def test_a_failing_driver_is_reported_and_can_be_retried(sim, login, manager, template, queued,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post("/templates/apply/", {"template": template.pk, "drivers": ["7001", "7002"]})
    job = BulkApplication.objects.get()
    sim.set_faults(error_rate=1.0)
    bulk_run(job.pk)
    sim.clear_faults()
    assert bulk_progress(job)["failed"] == 2
    page = login(manager).get(f"/applications/{job.pk}/").content.decode()
    assert "Océan est injoignable" in page and "Relancer les conducteurs en échec" in page
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post(f"/applications/{job.pk}/retry/")
    assert queued[-1] == job.pk
    bulk_run(job.pk)
    assert set(job.items.values_list("status", flat=True)) == {"confirmed"}
    assert set(job.items.values_list("attempts", flat=True)) == {2}
    assert sim_week(sim, 7002) == LUNCH


def test_progress_polling_stops_with_286_when_done(sim, login, manager, template, queued,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post("/templates/apply/", {"template": template.pk, "drivers": ["7001"]})
    job = BulkApplication.objects.get()
    running = login(manager).get(f"/applications/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert running.status_code == 200 and b'hx-trigger="every 1s"' in running.content
    bulk_run(job.pk)
    done = login(manager).get(f"/applications/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert done.status_code == 286 and b"hx-trigger" not in done.content
    job.refresh_from_db()
    assert job.status == "done"


def test_two_runs_never_process_the_same_driver_twice(sim, login, manager, template, queued,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post("/templates/apply/", {"template": template.pk, "drivers": ["7001", "7002"]})
    job = BulkApplication.objects.get()
    bulk_run(job.pk)
    bulk_run(job.pk)  # a duplicate delivery of the task finds nothing pending
    assert set(job.items.values_list("attempts", flat=True)) == {1}
