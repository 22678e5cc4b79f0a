"""Proof under fire: 200 random user actions through the web layer with ~20 % of Ocean requests
failing (500, 429 bursts, timeouts processed late, token expiries). Afterwards Ocean holds exactly
what the portal told its users (rules in tests/chaos/reconcile.py). The full run: bench/chaos.py."""

from __future__ import annotations

from tests.chaos.conftest import TIMEOUT_SLEEP, chaos_settings, fast_backoff, make_templates
from tests.chaos.engine import ChaosEngine
from tests.chaos.reconcile import reconcile

ACTIONS = 200


def run_chaos(sim, customer, manager, drivers, settings, monkeypatch, *, seed: int, actions: int):
    chaos_settings(settings)
    fast_backoff(monkeypatch)
    engine = ChaosEngine(sim=sim, customer=customer, manager=manager, drivers=drivers, seed=seed)
    engine.setup(make_templates(customer, manager))
    sim.reset_stats()
    engine.run(actions, timeout_sleep_s=TIMEOUT_SLEEP)
    return engine, reconcile(engine)


def test_two_hundred_actions_under_faults_lose_nothing_and_apply_nothing_twice(
    sim, customer, manager, chaos_drivers, settings, monkeypatch
):
    engine, verdict = run_chaos(sim, customer, manager, chaos_drivers, settings, monkeypatch, seed=7,
                                actions=ACTIONS)
    report = f"shown={dict(verdict.shown)} faults={engine.counters.faults}"
    assert not verdict.silent, f"actions with no visible outcome: {verdict.silent[:5]} {report}"
    assert not verdict.lost, f"confirmed but missing in Ocean: {verdict.lost[:5]} {report}"
    assert not verdict.phantom, f"in Ocean although reported failed: {verdict.phantom[:5]} {report}"
    assert not verdict.duplicated, f"applied twice: {verdict.duplicated[:5]} {report}"
    assert not verdict.stuck, f"declarations still waiting after the faults cleared: {verdict.stuck[:5]}"
    # The run really was under fire, and every kind of action both succeeded and failed visibly.
    assert engine.counters.faults["500"] >= 20 and engine.counters.faults["timeout"] >= 3, report
    assert verdict.shown["confirmed"] >= 30 and verdict.shown["failed"] >= 10, report
    kinds = {kind for kind, shown in verdict.by_kind if shown in ("confirmed", "queued")}
    assert kinds >= {"grid_save", "period_add", "period_delete", "declare_own", "template_apply"}, report
