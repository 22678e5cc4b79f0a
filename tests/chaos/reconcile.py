"""Reconciliation: the simulator's state against what the portal told its users.

Read straight from ``sim.state.store`` (recurring versions, exceptional periods, declarations), never
through the portal. The rules, per kind of change:

- **Weekly grid** (grid saves and template items, in the order they happened, per driver). The set of
  weeks Ocean may hold starts as {the week before the run}; ``confirmed``/``unchanged`` makes it
  {that week}; ``failed`` leaves it as is (the portal said nothing changed, so nothing may have);
  ``unknown`` adds the week (either outcome is honest). The week Ocean holds at the end must be in
  the set: anything else is a change the portal did not report (a lie) or lost.
- **Exceptional periods** (labels ``chaos-<n>`` are unique per add). Allowed presence per label:
  add confirmed → present, add failed → absent, add unknown → either; delete confirmed → absent,
  delete failed → unchanged, delete unknown → adds "absent". A label present twice = applied twice;
  a present period must have the dates the user asked for; a label never added must not exist.
- **Declarations** (Ocean has no read-back, the portal's row is the record the user sees). After the
  faults clear and the resend task ran: no row is still "sending"; every row's ``confirmed_private``
  equals Ocean's value (absent ↔ never confirmed); a "confirmed" row holds the value Ocean has; Ocean
  holds no declaration the portal does not know; and each row's value is the last choice a user made
  successfully (``queued``), so a failed tap changed nothing.
- **Visibility**: every action showed something (no ``silent``), and no page answered 5xx.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from privacy.ocean.dates import to_utc_from_local
from privacy.steps.models import DeclarationStatus, StepDeclaration
from privacy.week import WeeklySchedule
from privacy.week_text import summary as week_summary

PRESENT, ABSENT = "present", "absent"


def sim_week(sim, driver_id: int) -> WeeklySchedule:
    """The week Ocean applies to ``driver_id`` once a week saved now is in force (it starts at the next
    whole minute plus one, ocean-api D5), from the simulator's own tables."""
    now_ms = int((sim.state.now() + timedelta(minutes=3)).timestamp() * 1000)
    inner: dict = {}
    for v in sim.state.store.versions(driver_id):
        if v.debut_ms <= now_ms and (v.fin_ms is None or v.fin_ms > now_ms):
            for _sid, _hid, (jour, dh, dm, fh, fm) in v.slots:
                inner.setdefault(jour, {"VIE_PRIVEE": []})["VIE_PRIVEE"].append(
                    {"debutHeure": dh, "debutMinute": dm, "finHeure": fh, "finMinute": fm})
    return WeeklySchedule.from_inner_map(inner)


@dataclass
class Verdict:
    lost: list = field(default_factory=list)  # a confirmed change missing from Ocean
    phantom: list = field(default_factory=list)  # in Ocean although the user was told it failed
    duplicated: list = field(default_factory=list)
    silent: list = field(default_factory=list)
    stuck: list = field(default_factory=list)  # still "sending" after the faults cleared
    shown: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.phantom or self.duplicated or self.silent or self.stuck)


def reconcile(engine) -> Verdict:
    v = Verdict()
    for r in engine.records:
        v.shown[r.shown] += 1
        v.by_kind[(r.kind, r.shown)] += 1
        if r.shown == "silent":
            v.silent.append((r.n, r.kind, r.message))
    _grids(engine, v)
    _periods(engine, v)
    _declarations(engine, v)
    return v


def _grids(engine, v: Verdict) -> None:
    for d, events in engine.grid_events.items():
        allowed = [engine.initial_weeks[d]]
        last_confirmed = None
        for week, shown, what in events:
            if shown in ("confirmed", "unchanged"):
                allowed, last_confirmed = [week], what
            elif shown == "unknown":
                allowed.append(week)
        actual = sim_week(engine.sim, d)
        if actual not in allowed:
            bucket = v.lost if last_confirmed else v.phantom
            bucket.append(("grid", d, last_confirmed, week_summary(actual)))


def _local_bounds(tz: str, first, last) -> tuple[int, int]:
    start = to_utc_from_local(datetime.combine(first, time(0, 0)), tz)
    end = to_utc_from_local(datetime.combine(last + timedelta(days=1), time(0, 0)), tz)
    return int(start.astimezone(UTC).timestamp() * 1000), int(end.astimezone(UTC).timestamp() * 1000)


def _periods(engine, v: Verdict) -> None:
    from tests.chaos.engine import LABEL

    allowed: dict[str, set[str]] = {}
    wanted: dict[str, tuple[int, int]] = {}
    for r in engine.records:
        if r.kind == "period_add" and r.shown in ("confirmed", "failed", "unknown"):
            label, first, last = r.want
            wanted[label] = _local_bounds(engine.customer.time_zone, first, last)
            allowed[label] = {"confirmed": {PRESENT}, "failed": {ABSENT}, "unknown": {PRESENT, ABSENT}}[r.shown]
        elif r.kind == "period_delete" and r.want in allowed:
            if r.shown == "confirmed":
                allowed[r.want] = {ABSENT}
            elif r.shown == "unknown":
                allowed[r.want] = allowed[r.want] | {ABSENT}
    in_sim = [p for p in engine.sim.state.store.exceptionals() if p.description.startswith(LABEL)]
    counts = Counter(p.description for p in in_sim)
    for label, n in counts.items():
        if n > 1:
            v.duplicated.append(("period", label, n))
        if label not in allowed:
            v.phantom.append(("period never added", label))
    for p in in_sim:
        if p.description in wanted and (p.debut_ms, p.fin_ms) != wanted[p.description]:
            v.lost.append(("period dates differ", p.description))
    for label, states in allowed.items():
        actual = PRESENT if counts[label] else ABSENT
        if actual not in states:
            (v.lost if actual == ABSENT else v.phantom).append(("period", label, actual))


def _declarations(engine, v: Verdict) -> None:
    in_sim = engine.sim.state.store.declarations()
    rows = {(d.numero_embarque, d.step_id): d for d in StepDeclaration.objects.all()}
    last_choice: dict[tuple[int, int], bool] = {}
    for r in engine.records:
        if r.kind in ("declare_own", "declare_on_behalf") and r.shown == "queued":
            ne, step, private = r.want
            last_choice[(ne, step)] = private
    for key, d in rows.items():
        if d.status == DeclarationStatus.SENT:
            v.stuck.append(("declaration", key))
        if in_sim.get(key) != d.confirmed_private:
            (v.lost if d.confirmed_private is not None else v.phantom).append(
                ("declaration", key, d.status, d.confirmed_private, in_sim.get(key)))
        if d.status == DeclarationStatus.CONFIRMED and d.private != in_sim.get(key):
            v.lost.append(("declaration confirmed but not in Ocean", key))
        if key in last_choice and d.private != last_choice[key]:
            v.lost.append(("declaration is not the user's last choice", key))
    for key in set(in_sim) - set(rows):
        v.phantom.append(("declaration unknown to the portal", key))
    for key in set(last_choice) - set(rows):
        v.lost.append(("declaration choice not recorded", key))


def summary_rows(engine, verdict: Verdict, stats: dict, seconds: float) -> list[tuple[str, str]]:
    """The figures of a run, as (label, value) rows for the bench table and test failure messages."""
    kinds = sorted({k for k, _s in verdict.by_kind})
    rows = [(f"actions: {k}", ", ".join(f"{s} {n}" for (kk, s), n in sorted(verdict.by_kind.items()) if kk == k))
            for k in kinds]
    statuses = stats.get("by_status", {})
    rows += [
        ("user actions", str(len(engine.records))),
        ("shown to users", ", ".join(f"{s} {n}" for s, n in sorted(verdict.shown.items()))),
        ("lost / applied twice / reported failed but applied / silent / stuck",
         f"{len(verdict.lost)} / {len(verdict.duplicated)} / {len(verdict.phantom)} / {len(verdict.silent)} / "
         f"{len(verdict.stuck)}"),
        ("faults injected", ", ".join(f"{k} {v}" for k, v in engine.counters.faults.items())),
        ("unknown write outcomes re-read", ", ".join(f"{k} {v}" for k, v in sorted(engine.counters.rechecks.items()))
         or "0"),
        ("upstream requests", f"{stats.get('total', 0)} ({stats.get('logins', 0)} logins; "
                              + ", ".join(f"HTTP {k} {v}" for k, v in sorted(statuses.items())) + ")"),
        ("worker ticks / declaration sends", f"{engine.counters.worker_ticks} / {engine.counters.sends}"),
        ("declarations in the portal", str(StepDeclaration.objects.count())),
        ("wall time", f"{seconds:.1f} s"),
    ]
    return rows
