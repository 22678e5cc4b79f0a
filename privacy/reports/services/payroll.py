"""A month of the benefit in kind handed to payroll: export, lock, corrections (issue 19, item 1).

HR exports a month (one line per driver: matricule, amount, method, period), then locks it: the
amounts are recorded as ``PayrollLine`` rows of kind *initial* and never change. When the figures of
a locked month change later (a declaration, a cost corrected, a month loaded late), the difference
per driver shows as a *correction* line — never as a silent edit — which is exported and recorded the
same way. See docs/payroll-export.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacy.models import Customer, User
from privacy.reports.models import PayrollLine, PayrollMonth
from privacy.reports.services.benefit_month import DriverMonth, driver_months
from privacy.reports.services.periods import Period
from privacy.services.audit import audit_record

ZERO = Decimal(0)


class PayrollError(ValueError):
    """An action the month's state does not allow (shown to HR as a message)."""


@dataclass
class ExportLine:
    """One line of a payroll file."""

    kind: str  # PayrollLine.Kind
    driver_id: int
    matricule: str
    driver_name: str
    vehicles: str
    method: str
    amount: Decimal
    period: Period
    recorded: bool  # already recorded in the portal (locked)


@dataclass
class PayrollState:
    period: Period
    month: PayrollMonth | None
    drivers: list[DriverMonth]
    recorded: list[PayrollLine] = field(default_factory=list)
    corrections: list[ExportLine] = field(default_factory=list)  # differences not recorded yet
    warning: str | None = None

    @property
    def locked(self) -> bool:
        return bool(self.month and self.month.locked_at)

    @property
    def exported(self) -> bool:
        return bool(self.month and self.month.exported_at)

    @property
    def incomplete(self) -> list[DriverMonth]:
        return [d for d in self.drivers if d.amount is None and not d.pending]

    @property
    def pending(self) -> list[DriverMonth]:
        """Drivers whose assignment history a worker is still reading: no export, no lock until read."""
        return [d for d in self.drivers if d.pending]

    def pending_error(self) -> str | None:
        if not self.pending:
            return None
        return ngettext(
            "The vehicle assignments of %(count)s driver are still being read from Ocean: the month can be "
            "exported and locked in a moment.",
            "The vehicle assignments of %(count)s drivers are still being read from Ocean: the month can be "
            "exported and locked in a moment.", len(self.pending)) % {"count": len(self.pending)}

    def export_lines(self) -> list[ExportLine]:
        """What a payroll file holds: the recorded lines and pending corrections once locked, else the
        current amounts."""
        if not self.locked:
            return [_line(PayrollLine.Kind.INITIAL, d, d.amount, recorded=False)
                    for d in self.drivers if d.amount is not None]
        recorded = [ExportLine(r.kind, r.driver_id, r.matricule, r.driver_name, r.vehicles, r.method,
                               r.amount, self.period, recorded=True) for r in self.recorded]
        return recorded + self.corrections


def _line(kind: str, driver: DriverMonth, amount: Decimal, *, recorded: bool) -> ExportLine:
    return ExportLine(kind, driver.driver_id, driver.matricule, driver.driver_name, driver.vehicle_labels[:300],
                      driver.method, amount, driver.period, recorded)


def payroll_state(customer: Customer, period: Period) -> PayrollState:
    drivers, warning = driver_months(customer, period)
    month = PayrollMonth.objects.filter(customer=customer, month=period.start).first()
    state = PayrollState(period, month, drivers, warning=warning)
    if not state.locked:
        return state
    state.recorded = list(month.lines.all())
    sums: dict[int, Decimal] = {}
    for line in state.recorded:
        sums[line.driver_id] = sums.get(line.driver_id, ZERO) + line.amount
    current = {d.driver_id: d for d in drivers}
    for driver_id in sorted(set(sums) | set(current)):
        driver = current.get(driver_id)
        if driver is not None and driver.amount is None:
            continue  # cannot be computed now: no correction until it can
        now = driver.amount if driver is not None else ZERO
        delta = now - sums.get(driver_id, ZERO)
        if delta == 0:
            continue
        if driver is None:
            last = next(r for r in reversed(state.recorded) if r.driver_id == driver_id)
            state.corrections.append(ExportLine(PayrollLine.Kind.CORRECTION, driver_id, last.matricule,
                                                last.driver_name, last.vehicles, last.method, delta, period,
                                                recorded=False))
        else:
            state.corrections.append(_line(PayrollLine.Kind.CORRECTION, driver, delta, recorded=False))
    return state


def mark_exported(customer: Customer, period: Period, user: User, fmt: str, lines: int) -> PayrollMonth:
    month, _created = PayrollMonth.objects.get_or_create(customer=customer, month=period.start)
    month.exported_at = timezone.now()
    month.save(update_fields=["exported_at"])
    audit_record(actor=user, action="benefit.payroll_export", customer=customer,
                 target=f"{period.start:%Y-%m} {fmt}", after={"lines": lines})
    return month


@transaction.atomic
def lock_month(customer: Customer, period: Period, user: User) -> int:
    """Record the month's amounts as handed to payroll; returns the number of lines."""
    month = PayrollMonth.objects.select_for_update().filter(customer=customer, month=period.start).first()
    if month is None or month.exported_at is None:
        raise PayrollError(_("Export the month before locking it."))
    if month.locked_at is not None:
        raise PayrollError(_("This month is already locked."))
    state = payroll_state(customer, period)
    if state.pending:
        raise PayrollError(state.pending_error())
    lines = state.export_lines()
    PayrollLine.objects.bulk_create([_record(month, line, user) for line in lines])
    month.locked_at, month.locked_by = timezone.now(), user
    month.save(update_fields=["locked_at", "locked_by"])
    audit_record(actor=user, action="benefit.payroll_lock", customer=customer, target=f"{period.start:%Y-%m}",
                 after={"lines": len(lines), "total": str(sum((x.amount for x in lines), ZERO))})
    return len(lines)


@transaction.atomic
def record_corrections(customer: Customer, period: Period, user: User) -> int:
    month = PayrollMonth.objects.select_for_update().filter(customer=customer, month=period.start).first()
    if month is None or month.locked_at is None:
        raise PayrollError(_("Only a locked month has corrections."))
    state = payroll_state(customer, period)
    if state.pending:
        raise PayrollError(state.pending_error())
    if not state.corrections:
        raise PayrollError(_("No correction to record."))
    PayrollLine.objects.bulk_create([_record(month, line, user) for line in state.corrections])
    audit_record(actor=user, action="benefit.payroll_correction", customer=customer,
                 target=f"{period.start:%Y-%m}",
                 after={c.matricule or str(c.driver_id): str(c.amount) for c in state.corrections})
    return len(state.corrections)


def _record(month: PayrollMonth, line: ExportLine, user: User) -> PayrollLine:
    return PayrollLine(payroll_month=month, kind=line.kind, driver_id=line.driver_id, matricule=line.matricule,
                       driver_name=line.driver_name, vehicles=line.vehicles, method=line.method,
                       amount=line.amount, recorded_by=user)
