"""Fixtures of the chaos run: driver accounts, two templates, and settings that keep faults fast."""

from __future__ import annotations

import pytest

from privacy.models import Role, User
from privacy.schedules.models import ScheduleTemplate
from privacy.week import WeeklySchedule
from tests.chaos.engine import DECLARING_DRIVERS

# Real timeouts, but short: the client gives up after READ_TIMEOUT, the simulator answers (and applies
# the write) TIMEOUT_SLEEP later, and the services wait RECHECK before re-reading an unknown outcome.
READ_TIMEOUT, TIMEOUT_SLEEP, RECHECK = 0.4, 0.6, 0.4


def chaos_settings(settings) -> None:
    settings.OCEAN_READ_TIMEOUT = READ_TIMEOUT
    settings.OCEAN_UNCERTAIN_RECHECK_S = RECHECK
    settings.OCEAN_MAX_RPS = 1000  # the rate limiter is not under test here, the faults are
    settings.OCEAN_MAX_RETRIES = 2


def fast_backoff(monkeypatch) -> None:
    """Retries still happen (and are counted); only the pause between them is shortened."""
    from privacy.ocean.http import Transport

    monkeypatch.setattr(Transport, "_backoff", lambda self, attempt: 0.01 * (attempt + 1))


def make_templates(customer, manager) -> list[ScheduleTemplate]:
    lunch = WeeklySchedule.preset_evenings_weekends().add_lunch_break()
    return [
        ScheduleTemplate.objects.create(customer=customer, name="Soirs et week-ends",
                                        week=WeeklySchedule.preset_evenings_weekends().to_json_days(),
                                        created_by=manager),
        ScheduleTemplate.objects.create(customer=customer, name="Avec pause déjeuner",
                                        week=lunch.to_json_days(), created_by=manager),
    ]


@pytest.fixture
def chaos_drivers(customer) -> dict[int, User]:
    return {
        d: User.objects.create_user(username=f"chaos{d}", password="x", role=Role.DRIVER, customer=customer,
                                    ocean_individu_id=d, matricule=f"M{d - 7000:04d}")
        for d in DECLARING_DRIVERS
    }
