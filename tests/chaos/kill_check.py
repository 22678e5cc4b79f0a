"""Counting what a kill-chaos run broke (see tests/chaos/kill.py for the definitions)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from tests.chaos.kill import GRID, GROUPS, LABEL, PERIOD_DRIVERS, Counts

SAME = timedelta(seconds=2)  # Ocean keeps whole seconds


def _intents(action_in: tuple[str, ...]):
    from privacy.models import AuditEntry

    return list(AuditEntry.objects.filter(phase="intent", action__in=action_in))


def _schedule_intent_matches(intent, driver: int, version) -> bool:
    from privacy.week import WeeklySchedule

    after = intent.after or {}
    if intent.driver_id != driver or "week" not in after or version.valid_from is None:
        return False
    start = datetime.fromisoformat(after["valid_from"])
    return abs(version.valid_from - start) <= SAME and WeeklySchedule.from_json_days(after["week"]) == version.week


def _superseded(intent, intents) -> bool:
    """A later write of the same driver starting no later than this one replaced its version (Océan drops
    versions starting at or after a new start, ocean-api §6.3): "from now" is the next whole minute, so two
    changes within a minute share a start and the first never comes into force. Not a loss."""
    start = datetime.fromisoformat(intent.after["valid_from"])
    return any(other.pk > intent.pk and other.driver_id == intent.driver_id and (other.after or {}).get("valid_from")
               and datetime.fromisoformat(other.after["valid_from"]) <= start + SAME
               and other.outcomes.filter(outcome__in=("applied", "unknown")).exists()  # it may have been written
               for other in intents)


def _schedules(run, counts: Counts) -> None:
    from privacy.models import AuditEntry
    from privacy.schedules.models import BulkApplication, ItemStatus
    from privacy.schedules.services.weekly import schedule_read
    from privacy.week import WeeklySchedule

    intents = _intents(("schedule.set", "template.apply", "schedule.delete"))
    drivers = GRID + [d for g in GROUPS for d in g]
    read = {d: schedule_read(run.customer, d, fresh=True) for d in drivers}
    for d, schedule in read.items():
        for version in schedule.versions:
            if version.valid_from is None or version.valid_from < run.started_at - SAME:
                continue  # the simulator's seeded week
            if not any(_schedule_intent_matches(i, d, version) for i in intents):
                counts.unaudited.append(f"driver {d}: version from {version.valid_from:%H:%M:%S} has no intent")
    for outcome in AuditEntry.objects.filter(phase="outcome", outcome="applied",
                                             action__in=("schedule.set", "template.apply")).select_related("intent"):
        d = outcome.driver_id
        if d in read and not any(_schedule_intent_matches(outcome.intent, d, v) for v in read[d].versions) \
                and not _superseded(outcome.intent, intents):
            counts.lost.append(f"driver {d}: audit says applied (entry {outcome.pk}), Ocean has no such version")
    for d, events in run.grid_events.items():
        confirmed = [i for i, (_w, shown) in enumerate(events) if shown == "confirmed"]
        if confirmed:
            allowed = [events[confirmed[-1]][0]] + [w for w, shown in events[confirmed[-1] + 1:] if shown != "failed"]
            if read[d].current not in allowed:
                counts.lost.append(f"driver {d}: the last confirmed grid is not what Ocean holds")
    for group in GROUPS:
        last = BulkApplication.objects.filter(items__driver_id=group[0]).order_by("-pk").first()
        if last is None:
            continue
        week = WeeklySchedule.from_json_days(last.payload["week"])
        for item in last.items.filter(status__in=[ItemStatus.CONFIRMED, ItemStatus.SKIPPED]):
            if read[item.driver_id].current != week:
                counts.lost.append(f"bulk {last.pk} driver {item.driver_id}: {item.status} but not in Ocean")


def _periods(run, counts: Counts) -> None:
    from privacy.models import AuditEntry
    from privacy.schedules.services.periods import periods_list

    present: dict[str, int] = Counter()
    for d in PERIOD_DRIVERS:
        for p in periods_list(run.customer, d, fresh=True):
            if p.label.startswith(LABEL):
                present[p.label] += 1
    counts.doubled += [f"period {label} x{n}" for label, n in present.items() if n > 1]
    announced = {i.target for i in _intents(("period.add",))}
    counts.unaudited += [f"period {label} has no intent" for label in present if label not in announced]
    counts.lost += [f"period {label} shown confirmed, not in Ocean" for _d, label, shown in run.periods_shown
                    if shown == "confirmed" and label not in present]
    for outcome in AuditEntry.objects.filter(phase="outcome", outcome="applied", action="period.add",
                                             target__startswith=LABEL):
        if outcome.target not in present:
            counts.lost.append(f"period {outcome.target}: audit says applied, not in Ocean")


def _declarations(run, counts: Counts) -> None:
    from ocean_sim.store import Store
    from privacy.steps.models import DeclarationStatus, StepDeclaration

    store = Store(str(run.stack.var / "ocean_sim.sqlite3"))
    try:
        in_ocean = store.declarations()
    finally:
        store.close()
    rows = {d.pk: d for d in StepDeclaration.objects.all()}
    announced = set()
    for intent in _intents(("declaration.send",)):
        d = rows.get((intent.after or {}).get("declaration"))
        if d is not None:
            announced.add((d.numero_embarque, d.step_id, intent.after.get("private")))
    for (ne, step), private in in_ocean.items():
        if (ne, step, private) not in announced:
            counts.unaudited.append(f"declaration {ne}/{step}={private} has no intent")
    for d in rows.values():
        held = in_ocean.get((d.numero_embarque, d.step_id))
        if d.status == DeclarationStatus.CONFIRMED and held != d.confirmed_private:
            counts.lost.append(f"declaration {d.pk} confirmed {d.confirmed_private}, Ocean has {held}")


def reconcile(run) -> Counts:
    counts = Counts()
    counts.not_final = run.not_final()
    _schedules(run, counts)
    _periods(run, counts)
    _declarations(run, counts)
    return counts
