"""services.uncertain: after a write Ocean left unanswered, wait, re-read, and tell the truth."""
from __future__ import annotations

import pytest

from privacy.ocean import OceanAuthError, OceanUnavailable
from privacy.services import uncertain
from privacy.services.uncertain import APPLIED, NOT_APPLIED, UNKNOWN, recheck


@pytest.fixture
def sleeps(monkeypatch, settings):
    settings.OCEAN_UNCERTAIN_RECHECK_S = 1.5
    slept: list[float] = []
    monkeypatch.setattr(uncertain.time, "sleep", slept.append)
    return slept


class Reads:
    """``is_applied``: answers (or raises) the given outcomes in turn and counts the reads."""

    def __init__(self, *outcomes):
        self.outcomes, self.count = list(outcomes), 0

    def __call__(self) -> bool:
        self.count += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def test_applied_after_one_wait_and_one_read(sleeps):
    reads = Reads(True)
    assert recheck(reads) == APPLIED == "applied"
    assert (reads.count, sleeps) == (1, [1.5])


def test_not_applied_is_said_as_soon_as_a_read_shows_it(sleeps):
    reads = Reads(False)
    assert recheck(reads) == NOT_APPLIED == "not_applied"
    assert (reads.count, sleeps) == (1, [1.5])


def test_a_failed_read_is_retried_once_after_another_wait(sleeps):
    reads = Reads(OceanUnavailable("timeout"), True)
    assert recheck(reads) == APPLIED
    assert (reads.count, sleeps) == (2, [1.5, 1.5])
    assert recheck(Reads(OceanAuthError("login"), False)) == NOT_APPLIED


def test_unknown_only_when_every_read_failed(sleeps):
    reads = Reads(OceanUnavailable("down"), OceanUnavailable("still down"), True)
    assert recheck(reads) == UNKNOWN == "unknown"
    assert (reads.count, sleeps) == (2, [1.5, 1.5])  # two reads at most, never a third


def test_a_bug_in_the_reader_is_not_taken_for_an_unknown_outcome(sleeps):
    with pytest.raises(KeyError):
        recheck(Reads(KeyError("state")))
