"""French public holidays (package ``holidays``) as exceptional private periods.

Alsace-Moselle (Bas-Rhin 67, Haut-Rhin 68, Moselle 57) has two more days: Good Friday and
26 December; the package models them under subdivision "57". Each holiday becomes a whole local
day (local midnight to the next local midnight, DST-safe) labelled with its French name. Adding
them is idempotent: a holiday already present for the driver (same label and start) is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

import holidays
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from privacy.models import Customer, User
from privacy.ocean import OceanError
from privacy.ocean.dates import to_utc_from_local
from privacy.schedules.services.periods import periods_forget, periods_list
from privacy.schedules.services.weekly import ScheduleError, failure_error, verdict_after
from privacy.services.audit import APPLIED, REFUSED, UNKNOWN, Write, audit_write
from privacy.services.ocean import ocean_client, ocean_error_message
from privacy.services.stored_text import coded, coded_join, shown

REGIONS = {
    "metropole": (None, gettext_lazy("Metropolitan France")),
    "alsace-moselle": ("57", gettext_lazy("Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle)")),
}
REGION_MSGIDS = {"metropole": gettext_noop("Metropolitan France"),
                 "alsace-moselle": gettext_noop("Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle)")}


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str  # French name, as the label sent to Ocean

    def bounds(self, tz_name: str) -> tuple[datetime, datetime]:
        start = to_utc_from_local(datetime.combine(self.day, time(0, 0)), tz_name)
        return start, to_utc_from_local(datetime.combine(self.day + timedelta(days=1), time(0, 0)), tz_name)


def french_holidays(year: int, region: str) -> list[Holiday]:
    subdiv = REGIONS[region][0]
    calendar = holidays.France(years=year, subdiv=subdiv, language="fr")
    return [Holiday(day, name) for day, name in sorted(calendar.items())]


def holidays_from_payload(items: list) -> list[Holiday]:
    return [Holiday(date.fromisoformat(day), name) for day, name in items]


@dataclass(frozen=True)
class HolidaysResult:
    added: list[str]
    present: list[str]
    past: list[str]

    def summary(self) -> str:
        return shown(self.summary_coded())

    def summary_coded(self) -> str:
        """The summary as a stored text, translated when shown."""
        parts = [coded(gettext_noop("%(n)d added"), n=len(self.added))]
        if self.present:
            parts.append(coded(gettext_noop("%(n)d already present"), n=len(self.present)))
        if self.past:
            parts.append(coded(gettext_noop("%(n)d in the past, skipped"), n=len(self.past)))
        return coded_join(*parts)


def holidays_add(
    *, actor: User | None, customer: Customer, driver_id: int, chosen: list[Holiday]
) -> HolidaysResult:
    """Add each chosen holiday to the driver unless present or past; confirmed by one read-back."""
    now = timezone.now()
    try:
        existing = {(p.label, p.start) for p in periods_list(customer, driver_id, fresh=True)}
    except OceanError as exc:
        raise ScheduleError(ocean_error_message(exc)) from exc
    added, present, past, wanted = [], [], [], []
    for holiday in chosen:
        start, end = holiday.bounds(customer.time_zone)
        if (holiday.name, start) in existing:
            present.append(holiday.name)
        elif start < now:
            past.append(holiday.name)
        else:
            wanted.append((holiday, start, end))
    client = ocean_client(customer)
    sent: list[tuple[Holiday, datetime, Write]] = []  # written, waiting for the read-back
    for holiday, start, end in wanted:
        with audit_write(actor=actor, action="period.add", customer=customer, driver_id=driver_id,
                         target=holiday.name, after=_wanted(holiday, start, end)) as write:
            try:
                client.exceptional_add(driver_id=driver_id, start=start, end=end, label=holiday.name)
            except OceanError as exc:
                # Not idempotent: it may have been applied anyway; re-read before saying either way.
                periods_forget(customer, driver_id)
                verdict = verdict_after(exc, partial(_is_listed, customer, driver_id, holiday.name, start))
                if verdict != APPLIED:
                    write.done(UNKNOWN if verdict == UNKNOWN else REFUSED,
                               f"{'outcome unknown' if verdict == UNKNOWN else 'failed'}: {exc.message}")
                    _confirm(customer, driver_id, sent)
                    raise failure_error(exc, verdict) from exc
        sent.append((holiday, start, write))
        added.append(holiday.name)
    missing = _confirm(customer, driver_id, sent)
    if missing:
        raise ScheduleError(_("Ocean accepted but does not list: %(names)s") % {"names": ", ".join(missing)})
    return HolidaysResult(added=added, present=present, past=past)


def _wanted(holiday: Holiday, start: datetime, end: datetime) -> dict:
    return {"label": holiday.name, "start": start.isoformat(), "end": end.isoformat()}


def _is_listed(customer: Customer, driver_id: int, label: str, start: datetime) -> bool:
    return (label, start) in _listed(customer, driver_id)


def _listed(customer: Customer, driver_id: int) -> set[tuple[str, datetime]]:
    return {(p.label, p.start) for p in periods_list(customer, driver_id, fresh=True)}


def _confirm(customer: Customer, driver_id: int, sent: list[tuple[Holiday, datetime, Write]]) -> list[str]:
    """One read-back completes the intents of the holidays sent; returns the names Ocean does not list.

    When even the read-back fails the intents stay open: the recovery task re-reads them later."""
    if not sent:
        return []
    periods_forget(customer, driver_id)
    try:
        listed = _listed(customer, driver_id)
    except OceanError as exc:
        raise ScheduleError(ocean_error_message(exc)) from exc
    missing = []
    for holiday, start, write in sent:
        if (holiday.name, start) in listed:
            write.done(APPLIED, "confirmed")
        else:
            missing.append(holiday.name)
            write.done(REFUSED, "not confirmed: not in Ocean's list")
    return missing
