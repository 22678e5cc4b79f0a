"""Two people (or two tabs) editing the same thing: the second save never silently erases the first
(issue 14 #7). Each form carries the version it was based on; saving over a newer one shows what changed
in between and the person's change re-applied on top, and saves nothing until they confirm."""
from __future__ import annotations

import re

import pytest

from privacy.schedules.forms import week_to_cells
from privacy.week import WeeklySchedule
from tests.schedules.conftest import DEFAULT_WEEK, grid_post, sim_week, writes

pytestmark = pytest.mark.django_db


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"', html)
    assert found, f"the form carries {name}"
    return found.group(1) or found.group(2)


def test_two_tabs_on_one_grid_the_second_save_shows_the_first_and_keeps_both(sim, login, manager):
    tab1, tab2 = login(manager), login(manager)
    version1 = _hidden(tab1.get("/drivers/7001/").content.decode(), "base_version")
    version2 = _hidden(tab2.get("/drivers/7001/").content.decode(), "base_version")
    assert version1 == version2
    lunch = DEFAULT_WEEK.add_lunch_break()  # tab 1: a lunch break every day
    assert tab1.post("/drivers/7001/", grid_post(lunch, action="save", base_version=version1)).status_code == 302
    assert sim_week(sim, 7001) == lunch

    wednesday_off = DEFAULT_WEEK.with_day("MERCREDI", [(0, 24 * 60)])  # tab 2, from the old week
    sim.reset_stats()
    response = tab2.post("/drivers/7001/", grid_post(wednesday_off, action="save", base_version=version2))
    assert response.status_code == 409
    assert writes(sim) == {}, "nothing written over the newer version"
    assert sim_week(sim, 7001) == lunch
    html = response.content.decode()
    assert "Changed in between" in html or "Modifié entre-temps" in html
    assert "12:00" in html, "the first tab's lunch break is described"
    merged = lunch.with_day("MERCREDI", [(0, 24 * 60)])
    assert f'value="{week_to_cells(merged)}"' in html, "tab 2's change is re-applied on top of tab 1's"

    confirm = tab2.post("/drivers/7001/", grid_post(merged, action="save",
                                                     base_version=_hidden(html, "base_version")))
    assert confirm.status_code == 302
    assert sim_week(sim, 7001) == merged, "both changes are kept"


def test_a_save_based_on_the_current_version_goes_through(sim, login, manager):
    client = login(manager)
    version = _hidden(client.get("/drivers/7001/").content.decode(), "base_version")
    week = WeeklySchedule.preset_evenings_weekends()
    assert client.post("/drivers/7001/", grid_post(week, action="save", base_version=version)).status_code == 302
    assert sim_week(sim, 7001) == week


def test_two_tabs_on_one_template_keep_both_changes(sim, login, manager, customer):
    from privacy.schedules.models import ScheduleTemplate

    template = ScheduleTemplate.objects.create(customer=customer, name="Soirs", week=DEFAULT_WEEK.to_json_days())
    url = f"/templates/{template.pk}/"
    tab1, tab2 = login(manager), login(manager)
    version1 = _hidden(tab1.get(url).content.decode(), "base_version")
    version2 = _hidden(tab2.get(url).content.decode(), "base_version")
    lunch = DEFAULT_WEEK.add_lunch_break()
    assert tab1.post(url, grid_post(lunch, name="Soirs", base_version=version1)).status_code == 302
    response = tab2.post(url, grid_post(DEFAULT_WEEK, name="Soirs et week-end", base_version=version2))
    assert response.status_code == 409
    template.refresh_from_db()
    assert (template.name, template.week) == ("Soirs", lunch.to_json_days()), "nothing saved over tab 1"
    html = response.content.decode()
    assert "12:00" in html and 'value="Soirs et week-end"' in html
    confirm = tab2.post(url, grid_post(lunch, name="Soirs et week-end", base_version=_hidden(html, "base_version")))
    assert confirm.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.week) == ("Soirs et week-end", lunch.to_json_days())


def test_two_tabs_on_one_period_the_second_sees_the_first_and_keeps_its_own_change(sim, login, manager, customer):
    from datetime import timedelta

    from django.utils import timezone

    from privacy.schedules.services.periods import period_save, periods_list

    first = (timezone.now() + timedelta(days=40)).replace(hour=0, minute=0, second=0, microsecond=0)
    period = period_save(actor=manager, customer=customer, driver_id=7001, label="CONGES", start=first,
                         end=first + timedelta(days=3))
    url = f"/drivers/7001/periods/{period.id}/edit/"
    tab1, tab2 = login(manager), login(manager)
    html1, html2 = tab1.get(url).content.decode(), tab2.get(url).content.decode()
    day = first.astimezone(timezone.get_current_timezone()).date()
    fields = {"start_date": day.isoformat(), "start_time": "", "end_time": ""}
    later = (day + timedelta(days=4)).isoformat()
    assert tab1.post(url, {**fields, "label": "CONGES", "end_date": later,
                           "base_version": _hidden(html1, "base_version")}).status_code == 302
    response = tab2.post(url, {**fields, "label": "VACANCES", "end_date": (day + timedelta(days=2)).isoformat(),
                               "base_version": _hidden(html2, "base_version")})
    assert response.status_code == 409
    labels = [p.label for p in periods_list(customer, 7001, fresh=True)]
    assert "VACANCES" not in labels and "CONGES" in labels, "nothing saved over tab 1"
    html = response.content.decode()
    assert 'value="VACANCES"' in html, "tab 2's own change is kept in the form"
    assert later in html, "tab 1's new last day is shown"


def test_two_admins_on_one_customers_settings_the_second_sees_the_first(sim, login, admin_user, customer):
    from django.contrib.auth import get_user_model

    other = get_user_model().objects.create_superuser(username="admin2", password="x", email="a2@example.com")
    url = f"/setup/customers/{customer.pk}/"
    tab1, tab2 = login(admin_user), login(other)
    html1, html2 = tab1.get(url).content.decode(), tab2.get(url).content.decode()
    base = {"name": customer.name, "code_exploitant": customer.code_exploitant, "time_zone": "Europe/Paris",
            "declaration_policy": "direct", "declaration_deadline_days": "7"}
    assert tab1.post(url, {**base, "declaration_deadline_days": "14",
                           "base_version": _hidden(html1, "base_version")}).status_code == 302
    response = tab2.post(url, {**base, "name": "Transports Démo SA", "base_version": _hidden(html2, "base_version")})
    assert response.status_code == 409
    customer.refresh_from_db()
    assert (customer.name, customer.declaration_deadline_days) == ("Transports Démo", 14), "nothing overwritten"
    html = response.content.decode()
    assert 'value="Transports Démo SA"' in html and 'value="14"' in html, "both changes in the form"
