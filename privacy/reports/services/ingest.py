"""Refreshing a stored report: one refresh per customer and period at a time, the analysis streamed to
a temporary file and parsed from it (memory-mapped, decoded in C), the new snapshot made visible in one
short transaction.

Flow: ``request_refresh`` (web page or nightly beat) takes the lock and queues the Celery task; the
task calls ``run_refresh``, which downloads the driver and vehicle analyses, writes their rows under a
snapshot that is not current yet, then ``_swap`` flips ``is_current`` and deletes the old snapshot.
A failure leaves the old snapshot in place and records its reason on the refresh row.
"""
from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.models import Customer, User
from privacy.ocean.errors import OceanAuthError, OceanError, OceanRejected, OceanUnavailable
from privacy.reports.models import ReportRefresh, ReportRow, ReportSnapshot
from privacy.reports.services.cache import precompute
from privacy.reports.services.incomplete import incomplete_text
from privacy.reports.services.parse import AnalysisSurvey, MalformedAnalysis, ParsedRow, parse_analysis
from privacy.reports.services.periods import Period, period_of
from privacy.services.audit import audit_record
from privacy.services.jobs import job_queue_on_commit
from privacy.services.leases import lease_is_live, lease_of, lease_wait, lease_waiting, leased
from privacy.services.ocean import ocean_client, ocean_error_reason

logger = logging.getLogger(__name__)

LOCK_TTL = 45 * 60  # longer than a refresh with all its retries
STALE_AFTER = timedelta(hours=1)  # an active refresh older than this died with its worker
BATCH = 1000
LEASE = "report-refresh"
MAX_ATTEMPTS = 3  # worker deaths during one refresh before it is failed (the old figures are kept)
MODES = (("BY_DRIVER_WITH_HORAIRE_SYNTHESIS", 5, 45), ("BY_VEHICLE_WITH_HORAIRE_SYNTHESIS", 50, 90))


def _lock_key(customer_id: int, period: Period) -> str:
    return f"privacy:v1:report-lock:{customer_id}:{period.start}:{period.end}"


def _active(customer: Customer, period: Period):
    return ReportRefresh.objects.filter(
        customer=customer, period_start=period.start, period_end=period.end, status__in=ReportRefresh.ACTIVE
    )


def request_refresh(customer: Customer, period: Period, *, user: User | None = None,
                    trigger: str = "page") -> tuple[ReportRefresh | None, bool]:
    """Queue a refresh unless one runs for this customer and period: ``(refresh, created)``."""
    stale = _active(customer, period).filter(created_at__lt=timezone.now() - STALE_AFTER)
    stale.update(status=ReportRefresh.Status.FAILED, finished_at=timezone.now(),
                 message=_("Stopped: the worker did not finish within an hour."))
    if not cache.add(_lock_key(customer.pk, period), "1", LOCK_TTL):
        return _active(customer, period).first(), False
    running = _active(customer, period).first()
    if running is not None:  # the cache was emptied while a refresh ran: the row still says so
        return running, False
    refresh = ReportRefresh.objects.create(
        customer=customer, period_kind=period.kind, period_start=period.start, period_end=period.end,
        trigger=trigger, requested_by=user, message=_("Waiting for a worker…"),
    )
    if user is not None:
        audit_record(actor=user, action="report.refresh", customer=customer,
                     target=f"{period.start}/{period.end}")
    job_queue_on_commit("privacy.reports.tasks.refresh_report", refresh.pk)
    return refresh, True


def _progress(refresh: ReportRefresh, progress: int, message: str, **fields) -> None:
    refresh.progress, refresh.message = progress, message
    for name, value in fields.items():
        setattr(refresh, name, value)
    refresh.save(update_fields=["progress", "message", *fields])


def release(refresh: ReportRefresh) -> None:
    cache.delete(_lock_key(refresh.customer_id, period_of(refresh)))


def fail_refresh(refresh: ReportRefresh, message: str) -> None:
    _progress(refresh, refresh.progress, message[:500], status=ReportRefresh.Status.FAILED,
              finished_at=timezone.now())
    release(refresh)


def note_retry(refresh: ReportRefresh, seconds: int, attempt: int, attempts: int) -> None:
    # The task comes back by itself after ``seconds``: recovery waits that long (plus one TTL) first.
    lease_wait(LEASE, refresh.pk, seconds=seconds + settings.LEASE_TTL_S)
    _progress(refresh, refresh.progress,
              _("Ocean is unavailable; new try in %(s)s s (%(n)s of %(m)s).")
              % {"s": seconds, "n": attempt, "m": attempts})


def run_refresh(refresh_id: int) -> None:
    """Do the refresh under its lease. Raises OceanUnavailable (the task retries); records any other failure."""
    refresh = ReportRefresh.objects.select_related("customer").get(pk=refresh_id)
    if refresh.status in (ReportRefresh.Status.DONE, ReportRefresh.Status.FAILED):
        return  # a redelivered task: the work is over
    with leased(LEASE, refresh_id) as lease:
        if lease is not None:  # else a live worker is on it (a redelivered or duplicate task)
            _run(refresh)


def refresh_recover() -> dict[str, int]:
    """Beat: an active refresh whose worker died is queued again, or failed after MAX_ATTEMPTS takes; one
    queued but never started is queued again. The page always ends in "done" or "failed"."""
    counts = {"refresh_requeued": 0, "refresh_failed": 0}
    grace = timedelta(seconds=settings.LEASE_TTL_S)
    for refresh in ReportRefresh.objects.filter(status__in=ReportRefresh.ACTIVE).select_related("customer"):
        lease = lease_of(LEASE, refresh.pk)
        just_queued = lease is None and refresh.created_at > timezone.now() - grace
        if lease_is_live(lease) or lease_waiting(lease) or just_queued:
            continue
        if lease is not None and lease.attempts >= MAX_ATTEMPTS:
            fail_refresh(refresh, _("The worker stopped %(n)s times during this refresh; the previous figures "
                                    "are kept.") % {"n": lease.attempts})
            counts["refresh_failed"] += 1
            continue
        _progress(refresh, 0, _("Interrupted; starting again…"), status=ReportRefresh.Status.QUEUED)
        lease_wait(LEASE, refresh.pk, seconds=2 * settings.LEASE_TTL_S)  # one re-queue per beat, not more
        job_queue_on_commit("privacy.reports.tasks.refresh_report", refresh.pk)
        counts["refresh_requeued"] += 1
    return counts


def _run(refresh: ReportRefresh) -> None:
    refresh_id = refresh.pk
    customer, period = refresh.customer, period_of(refresh)
    as_of = timezone.now()
    _progress(refresh, 5, _("Asking Ocean for the driver analysis…"),
              status=ReportRefresh.Status.RUNNING, started_at=refresh.started_at or as_of)
    snapshot = ReportSnapshot.objects.create(
        customer=customer, period_kind=period.kind, period_start=period.start, period_end=period.end,
        as_of=as_of, status=ReportSnapshot.Status.BUILDING,
    )
    survey = AnalysisSurvey()  # unknown keys and shapes of both answers
    try:
        for mode, before, after in MODES:
            _progress(refresh, before, _("Downloading the analysis (%(mode)s)…") % {"mode": _mode_label(mode)})
            snapshot.bytes_read += _ingest_mode(customer, period, mode, snapshot, survey)
            _progress(refresh, after, _("Analysis read (%(mode)s).") % {"mode": _mode_label(mode)})
        snapshot.incomplete = incomplete_text(snapshot, survey)
        if snapshot.incomplete:
            logger.warning("report refresh %s incomplete: %s", refresh_id, snapshot.incomplete)
        snapshot.save(update_fields=["bytes_read", "incomplete"])
        swap(snapshot)
    except OceanUnavailable:
        snapshot.delete()
        raise
    except (OceanRejected, OceanAuthError, OceanError, MalformedAnalysis) as exc:
        snapshot.delete()
        logger.warning("report refresh %s failed: %s", refresh_id, exc)
        fail_refresh(refresh, failure_text(exc))
        return
    except Exception:
        snapshot.delete()
        fail_refresh(refresh, _("Unexpected error while reading the analysis; the previous figures are kept."))
        raise
    _progress(refresh, 100, _("Report updated."), status=ReportRefresh.Status.DONE, finished_at=timezone.now())
    release(refresh)


def _mode_label(mode: str) -> str:
    return _("by driver") if mode.startswith("BY_DRIVER") else _("by vehicle")


def failure_text(exc: Exception) -> str:
    if isinstance(exc, MalformedAnalysis):
        return _("Ocean sent an analysis that cannot be read; the previous figures are kept.")
    if isinstance(exc, OceanAuthError):
        return _("Ocean refused the portal's credentials; the previous figures are kept.")
    if isinstance(exc, OceanRejected):
        return _("Ocean refused the request (%(reason)s); the previous figures are kept.") % {
            "reason": ocean_error_reason(exc)}
    return _("Ocean could not be reached; the previous figures are kept.")


def _ingest_mode(customer: Customer, period: Period, mode: str, snapshot: ReportSnapshot,
                 survey: AnalysisSurvey | None = None) -> int:
    """Download one analysis to a temporary file and store its rows; ``survey`` collects what the
    answer held beyond the documented shape (unknown keys, odd tree shapes)."""
    start, end = period.bounds_utc(customer.tz)
    with tempfile.TemporaryFile(prefix="ocean-analysis-") as body:
        size = ocean_client(customer).preformatted_privacy_to_file(
            fileobj=body, start=start, end=end, render_mode=mode, criteria="ALL",
            read_timeout=settings.REPORT_READ_TIMEOUT,
        )
        body.seek(0)
        rows = parse_analysis(body, private_keys=settings.REPORT_PRIVATE_KEYS, pro_keys=settings.REPORT_PRO_KEYS,
                              survey=survey, shape=settings.OCEAN_ANALYSIS_TREE, only=tree_of(mode))
        store_rows(snapshot, rows)
    return size


def tree_of(mode: str) -> str:
    """The tree the mode asks for: only that one is read (D8: an answer may hold both; the other mode's
    run stores the other one, so reading both would count every vehicle twice)."""
    return "synthesisTreeByDriver" if mode.startswith("BY_DRIVER") else "synthesisTreeByVehicle"


def store_rows(snapshot: ReportSnapshot, rows) -> int:
    """Write parsed rows under ``snapshot`` in batches (not visible until ``swap``)."""
    count, iterator = 0, iter(rows)
    while batch := list(islice(iterator, BATCH)):
        ReportRow.objects.bulk_create(_model_row(snapshot, row) for row in batch)
        count += len(batch)
    return count


def _model_row(snapshot: ReportSnapshot, row: ParsedRow) -> ReportRow:
    return ReportRow(snapshot=snapshot, kind=row.kind, ocean_id=row.ocean_id, name=row.name[:200],
                     entity_id=row.entity_id, entity_name=row.entity_name[:200], extra=row.extra, **row.values)


def swap(snapshot: ReportSnapshot) -> None:
    """Make ``snapshot`` the current one for its period in one transaction; drop the old one after."""
    with transaction.atomic():
        old = list(
            ReportSnapshot.objects.select_for_update()
            .filter(customer_id=snapshot.customer_id, period_start=snapshot.period_start,
                    period_end=snapshot.period_end, is_current=True)
            .values_list("pk", flat=True)
        )
        ReportSnapshot.objects.filter(pk__in=old).update(is_current=False)
        snapshot.is_current, snapshot.status = True, ReportSnapshot.Status.COMPLETE
        snapshot.save(update_fields=["is_current", "status"])
    ReportSnapshot.objects.filter(pk__in=old).delete()
    try:  # what every page of this snapshot needs, computed once (recomputed on a cache miss)
        precompute(snapshot)
    except Exception:  # the cache being down must not fail a refresh whose rows are stored
        logger.warning("report summary of snapshot %s not precomputed", snapshot.pk, exc_info=True)
    # Leftovers of refreshes whose worker died mid-way.
    ReportSnapshot.objects.filter(
        customer_id=snapshot.customer_id, status=ReportSnapshot.Status.BUILDING,
        created_at__lt=timezone.now() - STALE_AFTER,
    ).delete()
