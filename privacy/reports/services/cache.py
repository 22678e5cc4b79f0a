"""Report pages served from a cache keyed on what cannot change, and the per-snapshot summary that
ingestion precomputes once.

A snapshot never changes once current (a refresh writes a new one and flips ``is_current``), so the
rendered body of a report page is a pure function of: the current snapshot of the period, the
customer's *generation* of current snapshots (the trend chart reads the other months too), the viewer's
scope, the language and the query string. ``page_state`` finds the snapshot, the generation and the
refresh state in one small query; ``page_key`` turns them into a cache key; nothing is ever
invalidated: a new snapshot gives new keys, the old entries expire.

Generation = (highest id, count) of the customer's current snapshots: ids only grow, so a refresh of
any period raises the highest id, and deleting one lowers the count.

``snapshot_summary`` holds what every page of a snapshot needs beyond the visible rows — per-kind sums
and counts, the top drivers by distance for the bars — computed at ``swap`` (ingestion) and kept in
the cache by snapshot id (recomputed on a miss, since the rows never change).
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language

from privacy.access import is_admin
from privacy.models import Customer
from privacy.reports.models import ReportRefresh, ReportRow, ReportSnapshot, RowKind, VehicleCost
from privacy.reports.services.periods import Period

PAGE_TTL = 7 * 24 * 3600  # entries are never stale (keys change with the data); this only frees space
SUMMARY_TTL = 40 * 24 * 3600
TOP_BARS = 15
SUMMED = ("private_m", "pro_m", "private_s", "pro_s", "electric_private_m", "electric_pro_m",
          "litres", "litres_private", "kwh", "kwh_private", "cost", "cost_private")


@dataclass
class PageState:
    snapshot: ReportSnapshot | None
    refresh: ReportRefresh | None  # the latest refresh of the period, loaded only when active or failed
    generation: str


_STATE_SQL = """
SELECT s.id, s.as_of, s.period_kind, s.incomplete,
       (SELECT MAX(c.id) FROM {snap} c WHERE c.customer_id = %s AND c.is_current),
       (SELECT COUNT(*) FROM {snap} c WHERE c.customer_id = %s AND c.is_current),
       (SELECT r.id FROM {refresh} r WHERE r.customer_id = %s AND r.period_start = %s AND r.period_end = %s
        ORDER BY r.created_at DESC, r.id DESC LIMIT 1),
       (SELECT r.status FROM {refresh} r WHERE r.customer_id = %s AND r.period_start = %s AND r.period_end = %s
        ORDER BY r.created_at DESC, r.id DESC LIMIT 1)
FROM (SELECT 1 AS one) AS one
LEFT JOIN {snap} s ON s.customer_id = %s AND s.period_start = %s AND s.period_end = %s AND s.is_current
"""


def page_state(customer: Customer, period: Period) -> PageState:
    """The period's current snapshot, the customer's snapshot generation and the latest refresh: one small
    query written out (the ORM's compiler costs more than the query itself), plus one to load the refresh
    row while a refresh runs or after it failed."""
    sql = _STATE_SQL.format(snap=ReportSnapshot._meta.db_table, refresh=ReportRefresh._meta.db_table)
    start, end = (connection.ops.adapt_datefield_value(d) for d in (period.start, period.end))
    with connection.cursor() as cursor:
        cursor.execute(sql, [customer.pk, customer.pk, customer.pk, start, end, customer.pk, start, end,
                             customer.pk, start, end])
        snapshot_id, as_of, kind, incomplete, top_id, count, refresh_id, refresh_status = cursor.fetchone()
    snapshot = None
    if snapshot_id:
        if isinstance(as_of, str):  # SQLite hands back text
            as_of = parse_datetime(as_of)
        if as_of is not None and timezone.is_naive(as_of):
            as_of = timezone.make_aware(as_of, UTC)
        snapshot = ReportSnapshot(
            pk=snapshot_id, customer=customer, period_kind=kind, period_start=period.start,
            period_end=period.end, as_of=as_of, is_current=True, status=ReportSnapshot.Status.COMPLETE,
            incomplete=incomplete or "")
    latest = None
    if refresh_status in (*ReportRefresh.ACTIVE, ReportRefresh.Status.FAILED):
        latest = ReportRefresh.objects.filter(pk=refresh_id).first()
    return PageState(snapshot, latest, f"{top_id or 0}.{count or 0}")


def viewer_scope(user, customer: Customer) -> str:
    """What decides what a viewer may see on a report page (and which links it holds)."""
    entities = ",".join(str(i) for i in sorted(user.entity_ids or [])) if isinstance(user.entity_ids, list) else ""
    return f"{customer.pk}:{'admin' if is_admin(user) else user.role}:{entities}"


def normalised_query(params) -> str:
    """Every parameter with every value, sorted: two URLs share an entry only when they ask the same."""
    return urlencode(sorted((key, value) for key in params for value in params.getlist(key)))


def page_key(page: str, state: PageState, request, customer: Customer, *extra: object,
             any_snapshot: bool = False) -> str | None:
    """Cache key of a page body, or None when there is no snapshot to show (nothing worth caching).
    ``any_snapshot``: the page reads the customer's other snapshots too (the benefit page reads the year's
    months), so the generation alone decides, even without a snapshot of the period itself."""
    if state.snapshot is None and not (any_snapshot and state.generation != "0.0"):
        return None
    snapshot_id = state.snapshot.pk if state.snapshot is not None else 0
    parts = (page, snapshot_id, state.generation, viewer_scope(request.user, customer), get_language(),
             normalised_query(request.GET), *extra)
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:40]
    return f"privacy:v1:report-page:{snapshot_id}:{digest}"


def viewer_key(key: str | None, request, state: PageState) -> str | None:
    """Key of the whole page as this viewer gets it (header, CSRF token, refresh state), or None while
    something on it is live: a refresh running or failed, a message waiting, no CSRF cookie yet (the token
    in a cached page is only valid with the cookie it was made for)."""
    secret = request.META.get("CSRF_COOKIE")
    if key is None or state.refresh is not None or not secret:
        return None
    if request.COOKIES.get("messages") or request.session.get("_messages"):
        return None
    user = request.user
    digest = hashlib.sha256(f"{user.pk}|{user.get_username()}|{user.get_full_name()}|{secret}".encode())
    return f"{key}:viewer:{digest.hexdigest()[:32]}"


class _Recent:
    """The last entries this process read or wrote, in memory: an entry never changes under its key, so
    a hit needs neither the shared cache's I/O nor unpickling. Bounded by count (pages are ~50 KB)."""

    def __init__(self, size: int = 256):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key: str):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


    def clear(self) -> None:
        with self._lock:
            self._items.clear()


recent_bodies = _Recent()


def forget_recent() -> None:
    """Drop this process's in-memory copies (tests: their databases reuse snapshot ids)."""
    recent_bodies.clear()


def cached_page(key: str | None):
    """The whole page stored under ``viewer_key``, or None."""
    if key is None:
        return None
    html = recent_bodies.get(key)
    if html is None and (html := cache.get(key)) is not None:
        recent_bodies.put(key, html)
    return html


def store_page(key: str | None, response) -> None:
    if key is not None and response.status_code == 200:
        cache.set(key, response.content, PAGE_TTL)
        recent_bodies.put(key, response.content)


def cached_value(key: str | None, build):
    """``build()`` (e.g. an export file and its row count) kept under ``key``, like a page body."""
    if key is None:
        return build()
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, PAGE_TTL)
    return found


def costs_version(customer: Customer) -> str:
    """Changes whenever HR edits a vehicle cost (an input of the benefit page)."""
    with connection.cursor() as cursor:  # written out: the ORM's compiler costs more than the query
        cursor.execute(f"SELECT COUNT(*), MAX(updated_at) FROM {VehicleCost._meta.db_table} "  # noqa: S608
                       "WHERE customer_id = %s", [customer.pk])
        count, last = cursor.fetchone()
    return f"{count}:{last}"


# ----- per-snapshot summary (precomputed at ingestion) -------------------------------------------------
def _summary_key(snapshot_id: int) -> str:
    return f"privacy:v1:report-summary:{snapshot_id}"


def compute_summary(snapshot: ReportSnapshot) -> dict:
    """Sums and counts per kind and the top drivers by distance, in two queries."""
    rows = ReportRow.objects.filter(snapshot_id=snapshot.pk)
    sums, counts = {}, {}
    for found in rows.order_by().values("kind").annotate(rows=Count("pk"), **{n: Sum(n) for n in SUMMED}):
        kind = found.pop("kind")
        counts[kind] = found.pop("rows")
        sums[kind] = found
    top = list(rows.filter(kind=RowKind.DRIVER).annotate(total_m=F("private_m") + F("pro_m"))
               .order_by(F("total_m").desc(nulls_last=True), "name", "ocean_id")
               .values_list("name", "private_m", "pro_m")[:TOP_BARS])
    return {"sums": sums, "counts": counts, "top": top}


def precompute(snapshot: ReportSnapshot) -> dict:
    summary = compute_summary(snapshot)
    cache.set(_summary_key(snapshot.pk), summary, SUMMARY_TTL)
    return summary


def snapshot_summary(snapshot: ReportSnapshot) -> dict:
    summary = cache.get(_summary_key(snapshot.pk))
    return summary if summary is not None else precompute(snapshot)


def summaries(snapshots: list[ReportSnapshot]) -> dict[int, dict]:
    """Summaries of several snapshots: one cache round trip, the missing ones recomputed."""
    found = cache.get_many([_summary_key(s.pk) for s in snapshots])
    return {s.pk: found.get(_summary_key(s.pk)) or precompute(s) for s in snapshots}
