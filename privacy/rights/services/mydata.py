"""« Mes données »: everything the portal holds or reads about one driver, for the driver (GDPR art. 15
right of access, art. 20 portability).

Sections: the driver's trips over a chosen range (their own view: places included, it is their data),
the schedule history (every version of the weekly grid Océan keeps, and the exceptional periods), the
declarations with every event of their history, the audit entries about them and the access log.
Each section is a list of flat dicts with the same keys in the JSON file and the CSV files, so both
formats always hold the same data. Nothing here writes, except the audit line of the download itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from privacy.models import AuditEntry, Customer, User
from privacy.schedules.services.periods import periods_list
from privacy.schedules.services.weekly import schedule_read
from privacy.services.audit import audit_record
from privacy.services.fleet import FleetDriver
from privacy.services.ocean import OceanError
from privacy.steps.models import StepDeclaration
from privacy.steps.services.trips import driver_steps_page

MAX_EXPORT_DAYS = 92  # one call per vehicle and day upstream: a quarter at most per download
SECTIONS = ("trips", "schedule_versions", "periods", "declarations", "declaration_events", "audit",
            "access_log")


@dataclass
class MyData:
    driver_id: int
    first: date
    last: date
    generated_at: str
    sections: dict[str, list[dict]]
    unavailable: list[str]  # sections Océan could not give (named, never silently empty)

    def as_json(self) -> dict:
        return {"driver_id": self.driver_id, "first_day": self.first.isoformat(), "last_day": self.last.isoformat(),
                "generated_at": self.generated_at, "unavailable": self.unavailable, **self.sections}


def _iso(moment) -> str:
    return moment.isoformat() if moment else ""


def _place(place) -> str:
    return ", ".join(p for p in (place.address, place.postal_code, place.town) if p)


def trip_lines(*, viewer: User, customer: Customer, driver: FleetDriver, first: date, last: date) -> list[dict]:
    """The driver's trips as the driver sees them (their own rows: places included)."""
    page = driver_steps_page(viewer=viewer, customer=customer, driver=driver, first=first, last=last)
    lines = []
    for group in page.days:
        for row in group.rows:
            d = row.declaration
            lines.append({
                "day": row.day.isoformat(), "start": _iso(row.start), "end": _iso(row.end),
                "vehicle": row.vehicle_label, "step_id": row.step_id,
                "distance_km": row.distance_km, "duration_min": round(row.duration_s / 60),
                "start_place": "" if row.masked else _place(row.start_place),
                "end_place": "" if row.masked else _place(row.end_place),
                "by_schedule": row.schedule.kind, "private_minutes": row.schedule.private_minutes,
                "pro_minutes": row.schedule.pro_minutes,
                "declared": "" if d is None else ("private" if d.private else "pro"),
                "declaration_status": d.status if d else "",
                "counted_as": {True: "private", False: "pro", None: "mixed"}[row.effective_private],
            })
    return lines


def schedule_lines(customer: Customer, driver_id: int) -> tuple[list[dict], list[dict]]:
    """Every version of the weekly grid (closed ones too) and every exceptional period Océan lists."""
    schedule = schedule_read(customer, driver_id)
    versions = [{
        "valid_from": _iso(v.valid_from), "valid_until": _iso(v.valid_until),
        "private_hours": "; ".join(f"{day} {' '.join(f'{a}-{b}' for a, b in slots)}"
                                   for day, slots in v.week.to_json_days().items() if slots),
    } for v in schedule.versions]
    periods = [{"id": p.id, "label": p.label, "start": _iso(p.start), "end": _iso(p.end)}
               for p in periods_list(customer, driver_id)]
    return versions, periods


def declaration_lines(customer: Customer, driver_id: int) -> tuple[list[dict], list[dict]]:
    declarations = (StepDeclaration.objects.filter(customer=customer, driver_id=driver_id)
                    .prefetch_related("events").order_by("started_at", "id"))
    heads, events = [], []
    for d in declarations:
        heads.append({
            "step_id": d.step_id, "vehicle": d.vehicle_label, "start": _iso(d.started_at), "end": _iso(d.ended_at),
            "distance_km": d.distance_km, "declared": "private" if d.private else "pro", "status": d.status,
            "on_behalf": d.on_behalf, "requested_by": d.requested_by_label, "requested_at": _iso(d.requested_at),
            "reason": d.reason, "decided_by": d.decided_by_label, "decided_at": _iso(d.decided_at),
            "rejection_reason": d.rejection_reason,
            "ocean_holds": "" if d.confirmed_private is None else ("private" if d.confirmed_private else "pro"),
            "ocean_answer": d.upstream_answer,
        })
        events += [{"step_id": d.step_id, "at": _iso(e.at), "kind": e.kind, "value": "private" if e.private else "pro",
                    "by": e.actor_label, "reason": e.reason, "ocean_answer": e.upstream_answer}
                   for e in d.events.all()]
    return heads, events


def audit_lines(customer: Customer, driver_id: int) -> list[dict]:
    entries = AuditEntry.objects.filter(customer=customer, driver_id=driver_id).order_by("at", "id")
    return [{"at": _iso(e.at), "who": e.actor_label, "action": e.action, "object": e.target,
             "before": e.before, "after": e.after, "ocean_answer": e.upstream_result} for e in entries]


def collect(*, viewer: User, customer: Customer, driver: FleetDriver, first: date, last: date,
            access_lines: list[dict]) -> MyData:
    """All sections; a section Océan cannot give now is listed in ``unavailable`` (the rest still comes)."""
    sections: dict[str, list[dict]] = {}
    unavailable = []
    try:
        sections["trips"] = trip_lines(viewer=viewer, customer=customer, driver=driver, first=first, last=last)
    except OceanError:
        sections["trips"], unavailable = [], ["trips"]
    try:
        sections["schedule_versions"], sections["periods"] = schedule_lines(customer, driver.ocean_id)
    except OceanError:
        sections["schedule_versions"], sections["periods"] = [], []
        unavailable += ["schedule_versions", "periods"]
    sections["declarations"], sections["declaration_events"] = declaration_lines(customer, driver.ocean_id)
    sections["audit"] = audit_lines(customer, driver.ocean_id)
    sections["access_log"] = access_lines
    return MyData(driver_id=driver.ocean_id, first=first, last=last, generated_at=timezone.now().isoformat(),
                  sections=sections, unavailable=unavailable)


def record_download(*, viewer: User, customer: Customer, data: MyData, fmt: str) -> None:
    """The download itself is traced (accountability), with what it held — counts only."""
    audit_record(actor=viewer, action="rights.export", customer=customer, driver_id=data.driver_id,
                 target=f"{data.first.isoformat()}/{data.last.isoformat()}",
                 after={"format": fmt, **{name: len(rows) for name, rows in data.sections.items()}})
