"""`manage.py ocean` on a fresh checkout: no database yet, the first change is still audited."""

from __future__ import annotations

import json
import sqlite3

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.cli.conftest import write_week
from tests.cli.test_process_and_secrets import manage

WEEK = {"LUNDI": [["00:00", "08:00"], ["18:00", "23:59"]]}


@pytest.mark.real_clock
def test_a_write_in_a_fresh_var_dir_creates_the_database_and_its_audit_entry(sim, tmp_path):
    db = tmp_path / "var" / "portal.sqlite3"
    assert not db.exists()
    done = manage(tmp_path, sim.base_url, "schedule", "set", "--driver", "7001", "--file", write_week(tmp_path, WEEK))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["driver"] == 7001
    assert done.stderr == ""  # no "audit entry not written", no migration chatter
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT action, driver_id, target, phase, outcome FROM privacy_auditentry "
                           "ORDER BY id").fetchall()
    # The intent (written before the request left), then its outcome.
    assert rows == [("schedule.set", 7001, "manage.py ocean", "intent", ""),
                    ("schedule.set", 7001, "manage.py ocean", "outcome", "applied")]
    again = manage(tmp_path, sim.base_url, "ping")  # already migrated: nothing to do, nothing said
    assert again.returncode == 0 and again.stderr == ""


def test_another_database_not_migrated_gets_one_line_and_nothing_is_sent(ocean, sim, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("privacy", "0006")])
    with pytest.raises(CommandError) as refused:
        ocean("schedule", "set", "--driver", 7001, "--file", "unused.json")
    assert str(refused.value) == (
        "The database is not set up yet: run `python manage.py migrate` first. Nothing was sent."
    )
    assert sim.stats()["total"] == 0
