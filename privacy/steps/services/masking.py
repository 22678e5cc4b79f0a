"""The masking rule (docs/rules-fr.md "Masking rule (CNIL)"): may someone other than the driver see
where a trip started and ended?

Decided by the trip's whole *history*, never by its current value alone:

- the schedule made any minute of it private (or the schedule is unknown) → hidden, for ever;
- anyone ever had it private — a driver's request (pending, refused, approved, confirmed or later
  undone), a manager's declaration on the driver's behalf, or Océan confirming it private → hidden;
- the only way back is the driver's *own* later "pro" that is in force (sent to or confirmed by Océan,
  not waiting for approval, not refused) while Océan no longer holds it private. A manager's override
  never reveals anything.
"""
from __future__ import annotations

from privacy.steps.models import DeclarationEvent, DeclarationStatus, StepDeclaration
from privacy.steps.services.classify import ScheduleClass

Kind = DeclarationEvent.Kind
CHOICES = (Kind.REQUEST, Kind.ON_BEHALF)


def ever_private(declaration: StepDeclaration) -> bool:
    """Someone, at some point, had this trip private (the events keep every value it ever had)."""
    if declaration.private or declaration.confirmed_private:
        return True
    return any(event.private for event in declaration.events.all())


def released_by_driver(declaration: StepDeclaration) -> bool:
    """The last choice is the driver's own "pro", and it is in force: not pending, refused or failed,
    and Océan does not still hold the trip private."""
    choices = [event for event in declaration.events.all() if event.kind in CHOICES]
    last = choices[-1] if choices else None
    return (
        last is not None
        and last.kind == Kind.REQUEST
        and not last.private
        and not declaration.private
        and not declaration.on_behalf
        and declaration.status in (DeclarationStatus.SENT, DeclarationStatus.CONFIRMED)
        and declaration.confirmed_private is not True
    )


def places_hidden(schedule: ScheduleClass, declaration: StepDeclaration | None) -> bool:
    """True when a manager, HR or an administrator must not see the trip's places."""
    if schedule.touches_private:
        return True
    if declaration is None or not ever_private(declaration):
        return False
    return not released_by_driver(declaration)
