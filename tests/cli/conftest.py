"""Run `manage.py ocean …` in-process (call_command) against the simulator."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_and_db(db):
    # Messages are asserted in English (the msgids); the command itself speaks LANGUAGE_CODE (French).
    with translation.override("en"):
        yield


class Result:
    def __init__(self, out: str, err: str):
        self.out, self.err = out, err

    @property
    def json(self):
        return json.loads(self.out)


@pytest.fixture
def ocean(sim):
    """``ocean("schedule", "show", "--driver", 7001)`` → Result; errors raise CommandError."""

    def run(*args) -> Result:
        out, err = StringIO(), StringIO()
        call_command("ocean", *map(str, args), stdout=out, stderr=err)
        return Result(out.getvalue(), err.getvalue())

    return run


def write_week(tmp_path, data, name="week.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)
