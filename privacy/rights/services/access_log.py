"""Who opened a driver's trips, when — from the steps access log (StepAccessLog), said in words.

Two ways someone sees a driver's trips: the driver's own trips page opened by a manager or an
administrator, and a vehicle's trips page over days the driver drove that vehicle (assignment
history, ocean-api §4.2). The driver's own visits are left out: the list answers "who else".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from privacy.models import Customer, Role, User
from privacy.services.fleet import fleet_get
from privacy.services.ocean import OceanError
from privacy.steps.models import StepAccessLog
from privacy.steps.services.fetch import driver_periods

LIMIT = 500


@dataclass(frozen=True)
class AccessLine:
    at: datetime
    who: str
    role: str
    sentence: str

    def as_dict(self) -> dict:
        return {"at": self.at.isoformat(), "who": self.who, "role": self.role, "what": self.sentence}


def _role(entry: StepAccessLog) -> str:
    user = entry.user
    if user is None:
        return _("former account")
    if user.is_staff:
        return _("administrator")
    return str(Role(user.role).label) if user.role in Role.values else _("account without a role")


def _who(entry: StepAccessLog) -> str:
    user = entry.user
    return (user.get_full_name() or user.get_username()) if user is not None else entry.user_label


def _days(entry: StepAccessLog) -> str:
    first, last = formats.date_format(entry.first_day, "SHORT_DATE_FORMAT"), formats.date_format(
        entry.last_day, "SHORT_DATE_FORMAT")
    return first if first == last else _("%(first)s to %(last)s") % {"first": first, "last": last}


def _overlaps(period, entry: StepAccessLog, tz) -> bool:
    """The assignment period touches one of the days the page showed."""
    lo = datetime.combine(entry.first_day, time.min, tzinfo=tz)
    hi = datetime.combine(entry.last_day, time.min, tzinfo=tz) + timedelta(days=1)
    return (period.start is None or period.start < hi) and (period.end is None or period.end > lo)


def _plates(customer: Customer) -> dict[int, str]:
    try:
        return {v.id: v.plate for v in fleet_get(customer).vehicles.values()}
    except OceanError:
        return {}


def access_lines(customer: Customer, driver: User) -> tuple[list[AccessLine], bool]:
    """(lines newest first, complete) — ``complete`` is False when the vehicle history could not be
    read from Océan, so views of a vehicle's page are missing from the list."""
    tz = customer.tz
    driver_id = driver.ocean_individu_id
    try:
        periods = driver_periods(customer, driver_id)
        complete = True
    except OceanError:
        periods, complete = [], False
    vehicles = {p.vehicle_id for p in periods}
    entries = (StepAccessLog.objects.filter(customer=customer)
               .filter(Q(view=StepAccessLog.View.DRIVER, driver_id=driver_id)
                       | Q(view=StepAccessLog.View.VEHICLE, vehicle_id__in=vehicles))
               .exclude(user=driver).select_related("user").order_by("-at", "-id")[:LIMIT])
    plates = _plates(customer) if vehicles else {}
    lines = []
    for entry in entries:
        when = formats.date_format(timezone.localtime(entry.at, tz), "DATETIME_FORMAT")
        if entry.view == StepAccessLog.View.VEHICLE:
            mine = [p for p in periods if p.vehicle_id == entry.vehicle_id and _overlaps(p, entry, tz)]
            if not mine:
                continue  # the vehicle's page over days someone else drove it: not about this driver
            text = _("%(who)s (%(role)s) opened the trips of vehicle %(plate)s, which you drove, for %(days)s"
                     " — on %(when)s.")
            params = {"plate": plates.get(entry.vehicle_id, str(entry.vehicle_id))}
        else:
            text = _("%(who)s (%(role)s) opened your trips for %(days)s — on %(when)s.")
            params = {}
        who, role = _who(entry), _role(entry)
        lines.append(AccessLine(at=entry.at, who=who, role=role, sentence=text % {
            "who": who, "role": role, "days": _days(entry), "when": when, **params}))
    return lines, complete
