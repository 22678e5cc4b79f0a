"""The CNIL kit, generated from the live configuration so it never disagrees with what the portal does.

- the information notice for a customer's employees (real retention periods, who sees what — read from
  the same row types and report columns as the pages —, the declaration rules, the rights);
- the processing-register entry (GDPR art. 30) for the customer;
- the retention table as applied: the setting, the nightly task that applies it and the oldest record
  still stored (the proof it runs);
- the purge reports (each nightly purge writes an audit line with its counts);
- switch-off statistics, aggregated per month over the whole customer and shown only when at least
  ``K_MIN`` drivers are behind a figure (never per driver, never a small group).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min, Sum
from django.utils.translation import gettext_lazy as _

from privacy.models import AuditEntry, Customer, Role, User
from privacy.reports.models import PeriodKind, ReportRow, ReportSnapshot, RowKind
from privacy.rights.services.employer_view import hr_columns, visible_fields
from privacy.schedules.models import SyncedPeriod
from privacy.steps.models import StepAccessLog, StepDeclaration
from privacy.steps.services.fetch import PAST_DAY_TTL
from privacy.steps.services.trips import MaskedStepRow, StepRow

K_MIN = 5  # no figure is shown for fewer drivers than this (re-identification)


@dataclass(frozen=True)
class RetentionLine:
    what: str
    kept: str
    how: str
    oldest: datetime | None = None


def _beat(name: str) -> str:
    entry = settings.CELERY_BEAT_SCHEDULE.get(name)
    return str(entry["schedule"]) if entry else str(_("not scheduled"))


def retention_table(customer: Customer) -> list[RetentionLine]:
    days = settings.STEP_RETENTION_DAYS
    log_days = settings.STEP_ACCESS_LOG_RETENTION_DAYS
    declarations = StepDeclaration.objects.filter(customer=customer)
    accesses = StepAccessLog.objects.filter(customer=customer)
    return [
        RetentionLine(str(_("Declarations and their history (trip times, distance, duration)")),
                      str(_("%(days)s days after the trip") % {"days": days}),
                      str(_("deleted every night (task steps-purge, %(when)s)") % {"when": _beat("steps-purge")}),
                      declarations.aggregate(v=Min("ended_at"))["v"]),
        RetentionLine(str(_("Access log (who opened whose trips)")),
                      str(_("%(days)s days") % {"days": log_days}),
                      str(_("deleted every night (task steps-purge, %(when)s)") % {"when": _beat("steps-purge")}),
                      accesses.aggregate(v=Min("at"))["v"]),
        RetentionLine(str(_("Trips read from Ocean (times, places during working time)")),
                      str(_("%(hours)s hours at most, in the cache") % {"hours": PAST_DAY_TTL // 3600}),
                      str(_("never stored in the database; the cache expires on its own"))),
        RetentionLine(str(_("Monthly report totals per driver and vehicle")),
                      str(_("as long as the reports are kept (benefit in kind: payroll evidence)")),
                      str(_("replaced by each refresh; the previous snapshot is deleted")),
                      ReportSnapshot.objects.filter(customer=customer).aggregate(v=Min("created_at"))["v"]),
        RetentionLine(str(_("Periods created by calendar syncs")),
                      str(_("as long as the calendar source exists")),
                      str(_("removed with the source")),
                      SyncedPeriod.objects.filter(source__customer=customer).aggregate(v=Min("start"))["v"]),
        RetentionLine(str(_("Audit log of changes (who, when, before and after; no position)")),
                      str(_("kept as proof; append-only")),
                      str(_("never modified or deleted by the portal")),
                      AuditEntry.objects.filter(customer=customer).aggregate(v=Min("at"))["v"]),
    ]


def purge_reports(limit: int = 20) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="retention.purge").order_by("-at", "-id")[:limit])


@dataclass(frozen=True)
class MonthStat:
    month: str  # YYYY-MM
    drivers: int
    private_time_share: float | None  # %, None when fewer than K_MIN drivers
    private_km_share: float | None


def switch_off_stats(customer: Customer, *, months: int = 12) -> list[MonthStat]:
    """Share of driving time and distance with geolocation off (private), per month, whole customer."""
    snapshots = ReportSnapshot.objects.filter(customer=customer, period_kind=PeriodKind.MONTH, is_current=True,
                                              status=ReportSnapshot.Status.COMPLETE).order_by("-period_start")[:months]
    stats = []
    for snapshot in snapshots:
        sums = ReportRow.objects.filter(snapshot=snapshot, kind=RowKind.DRIVER).aggregate(
            n=Count("ocean_id", distinct=True), ps=Sum("private_s"), qs=Sum("pro_s"), pm=Sum("private_m"),
            qm=Sum("pro_m"))
        n = sums["n"] or 0
        shown = n >= K_MIN
        time_total = (sums["ps"] or 0) + (sums["qs"] or 0)
        km_total = (sums["pm"] or 0) + (sums["qm"] or 0)
        stats.append(MonthStat(
            month=snapshot.period_start.strftime("%Y-%m"), drivers=n,
            private_time_share=round(100 * (sums["ps"] or 0) / time_total, 1) if shown and time_total else None,
            private_km_share=round(100 * (sums["pm"] or 0) / km_total, 1) if shown and km_total else None,
        ))
    return stats


def declaration_counts(customer: Customer) -> dict | None:
    """Declarations still stored, private vs pro, for the whole customer (None below ``K_MIN`` drivers)."""
    rows = StepDeclaration.objects.filter(customer=customer)
    drivers = rows.values("driver_id").distinct().count()
    if drivers < K_MIN:
        return None
    return {"drivers": drivers, "private": rows.filter(private=True).count(),
            "pro": rows.filter(private=False).count()}


def recipients(customer: Customer) -> dict[str, int]:
    users = User.objects.filter(customer=customer, is_active=True)
    return {"managers": users.filter(role=Role.MANAGER).count(), "hr": users.filter(role=Role.HR).count(),
            "drivers": users.filter(role=Role.DRIVER).count(),
            "admins": User.objects.filter(is_staff=True, is_active=True).count()}


def kit(customer: Customer) -> dict:
    """Everything the kit page shows, read from the live configuration."""
    return {
        "masked_fields": visible_fields(MaskedStepRow), "open_fields": visible_fields(StepRow),
        "hr_columns": hr_columns(), "retention": retention_table(customer), "purges": purge_reports(),
        "stats": switch_off_stats(customer), "declarations": declaration_counts(customer), "k_min": K_MIN,
        "recipients": recipients(customer), "step_retention_days": settings.STEP_RETENTION_DAYS,
        "access_log_retention_days": settings.STEP_ACCESS_LOG_RETENTION_DAYS, "contact": settings.PRIVACY_CONTACT,
        "to_private": customer.declaration_rule(True), "to_pro": customer.declaration_rule(False),
    }
