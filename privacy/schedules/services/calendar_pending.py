"""A calendar sync waiting for the manager's confirmation: read once, previewed, then applied.

The events read from a file, a URL or a CSV are kept in the session (not the file itself) with where they
go; the preview and the confirmation both compute the plan afresh from them, so what is applied is
what Ocean and the sources hold at the moment of the click.
"""
from __future__ import annotations

from privacy.models import Customer, User
from privacy.schedules.models import CalendarKind, CalendarSource
from privacy.schedules.services.calendar_read import CalEvent
from privacy.schedules.services.calendar_sync import Outcome, Plan, file_source, sync_apply, sync_plan

SESSION_KEY = "privacy_calendar_pending"


def pending_store(session, *, kind: str, label: str, events_by_driver: dict[int, list[CalEvent]], url: str = "",
                  driver_id: int | None = None, entity_id: int | None = None, source_id: int | None = None) -> None:
    session[SESSION_KEY] = {
        "kind": kind, "label": label, "url": url, "driver_id": driver_id, "entity_id": entity_id,
        "source_id": source_id,
        "events": {str(d): [e.to_json() for e in events] for d, events in events_by_driver.items()},
    }


def pending_load(session) -> dict | None:
    data = session.get(SESSION_KEY)
    return data if isinstance(data, dict) and "events" in data else None


def pending_clear(session) -> None:
    session.pop(SESSION_KEY, None)


def _source(customer: Customer, pending: dict, driver_id: int, *, actor: User | None, save: bool) -> CalendarSource:
    kind = pending["kind"]
    if pending.get("source_id"):
        return CalendarSource.objects.get(pk=pending["source_id"], customer=customer)
    if kind in (CalendarKind.ICS, CalendarKind.CSV):
        existing = CalendarSource.objects.filter(customer=customer, kind=kind, driver_id=driver_id, url="").first()
        if existing or not save:
            return existing or CalendarSource(customer=customer, kind=kind, driver_id=driver_id)
        return file_source(customer, kind, driver_id, actor=actor)
    source = CalendarSource(customer=customer, kind=CalendarKind.URL, label=pending["label"], url=pending["url"],
                            driver_id=pending.get("driver_id"), entity_id=pending.get("entity_id"), created_by=actor)
    if save:
        source.save()
        pending["source_id"] = source.pk
    return source


def _events(pending: dict) -> dict[int, list[CalEvent]]:
    return {int(d): [CalEvent.from_json(e) for e in events] for d, events in pending["events"].items()}


def pending_plans(customer: Customer, pending: dict) -> list[tuple[int, Plan]]:
    return [(driver_id, sync_plan(_source(customer, pending, driver_id, actor=None, save=False), driver_id, events))
            for driver_id, events in sorted(_events(pending).items())]


def pending_apply(customer: Customer, pending: dict, *, actor: User) -> Outcome:
    total = Outcome()
    for driver_id, events in sorted(_events(pending).items()):
        source = _source(customer, pending, driver_id, actor=actor, save=True)
        outcome = sync_apply(actor=actor, customer=customer, source=source,
                             plan=sync_plan(source, driver_id, events))
        total.done += outcome.done
        total.errors += outcome.errors
    return total
