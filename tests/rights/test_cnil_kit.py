"""The CNIL kit (issue 19 #7): generated from the live configuration, statistics never per driver."""
from __future__ import annotations

import re
from datetime import date

import pytest

from privacy.reports.services.periods import Period
from privacy.rights.services.cnil_kit import K_MIN, switch_off_stats
from privacy.steps.services.retention import steps_purge
from tests.reports.conftest import make_snapshot, row

pytestmark = pytest.mark.django_db


def page(login, user) -> str:
    response = login(user).get("/cnil/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_notice_says_the_retention_and_rules_actually_configured(login, hr, customer, settings):
    settings.STEP_RETENTION_DAYS, settings.STEP_ACCESS_LOG_RETENTION_DAYS = 45, 200
    customer.to_pro_policy, customer.to_pro_reason, customer.strict_mode = "approval", True, True
    customer.declaration_deadline_days = 5
    customer.save()
    html = page(login, hr)
    assert "45 jours après le trajet" in html and "200 jours" in html
    assert "Délai : 5 jours après le trajet." in html and "Carnet de bord strict" in html
    assert re.search(r"Déclarer un trajet professionnel\s?: un gestionnaire valide, avec un motif\.", html)
    assert re.search(r"Déclarer un trajet privé\s?: immédiat\.", html)
    assert "lieu de départ (adresse, ville, position)" in html, "the open trip's fields, read from the row type"
    assert "Aucun lieu, aucune adresse, aucune position." in html
    assert "Km privés" in html and "Transports Démo" in html


def test_each_purge_writes_a_report_the_kit_lists(login, hr):
    assert "Aucune purge n’a encore eu lieu." in page(login, hr)
    steps_purge()
    assert "0 déclaration(s) et 0 ligne(s) du journal des accès supprimée(s)." in page(login, hr)


def test_switch_off_statistics_are_shown_only_behind_enough_drivers(login, hr, customer):
    few = Period.containing_month(date(2026, 9, 15))
    many = Period.containing_month(date(2026, 10, 15))
    make_snapshot(customer, few, [row(ocean_id=7000 + i) for i in range(K_MIN - 1)])
    make_snapshot(customer, many, [row(ocean_id=7000 + i, private_s=3600, pro_s=3 * 3600) for i in range(K_MIN)]
                  + [row(kind="vehicle", ocean_id=5001)])
    stats = {s.month: s for s in switch_off_stats(customer)}
    assert stats["2026-09"].drivers == K_MIN - 1 and stats["2026-09"].private_time_share is None
    assert stats["2026-10"].private_time_share == 25.0 and stats["2026-10"].drivers == K_MIN
    html = page(login, hr)
    assert "25.0 %" in html or "25,0 %" in html
    assert "non affiché" in html
    assert "DUPONT" not in html, "never a driver's name"


def test_only_hr_and_administrators_open_the_kit(login, driver, manager, admin_user, customer):
    assert login(driver).get("/cnil/").status_code == 403
    assert login(manager).get("/cnil/").status_code == 403
    assert login(admin_user).get(f"/cnil/?customer={customer.pk}").status_code == 200
