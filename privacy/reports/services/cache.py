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
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, F, Max, OuterRef, Subquery, Sum
from django.utils.safestring import SafeString, mark_safe
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


def page_state(customer: Customer, period: Period) -> PageState:
    """The period's current snapshot, the customer's snapshot generation and the latest refresh: one query
    (plus one to load the refresh row while a refresh runs or after it failed)."""
    snap = ReportSnapshot.objects.filter(customer=OuterRef("pk"), period_start=period.start,
                                         period_end=period.end, is_current=True)
    current = (ReportSnapshot.objects.filter(customer=OuterRef("pk"), is_current=True).order_by()
               .values("customer"))
    refresh = (ReportRefresh.objects.filter(customer=OuterRef("pk"), period_start=period.start,
                                            period_end=period.end).order_by("-created_at", "-id"))
    row = (Customer.objects.filter(pk=customer.pk).annotate(
        snapshot_id=Subquery(snap.values("pk")[:1]),
        snapshot_as_of=Subquery(snap.values("as_of")[:1]),
        snapshot_kind=Subquery(snap.values("period_kind")[:1]),
        top_id=Subquery(current.annotate(m=Max("pk")).values("m")[:1]),
        current_count=Subquery(current.annotate(n=Count("pk")).values("n")[:1]),
        refresh_id=Subquery(refresh.values("pk")[:1]),
        refresh_status=Subquery(refresh.values("status")[:1]),
    ).values("snapshot_id", "snapshot_as_of", "snapshot_kind", "top_id", "current_count", "refresh_id",
             "refresh_status").first()) or {}
    snapshot = None
    if row.get("snapshot_id"):
        snapshot = ReportSnapshot(
            pk=row["snapshot_id"], customer=customer, period_kind=row["snapshot_kind"],
            period_start=period.start, period_end=period.end, as_of=row["snapshot_as_of"], is_current=True,
            status=ReportSnapshot.Status.COMPLETE)
    latest = None
    if row.get("refresh_status") in (*ReportRefresh.ACTIVE, ReportRefresh.Status.FAILED):
        latest = ReportRefresh.objects.filter(pk=row["refresh_id"]).first()
    return PageState(snapshot, latest, f"{row.get('top_id') or 0}.{row.get('current_count') or 0}")


def viewer_scope(user, customer: Customer) -> str:
    """What decides what a viewer may see on a report page (and which links it holds)."""
    entities = ",".join(str(i) for i in sorted(user.entity_ids or [])) if isinstance(user.entity_ids, list) else ""
    return f"{customer.pk}:{'admin' if is_admin(user) else user.role}:{entities}"


def normalised_query(params) -> str:
    """Every parameter with every value, sorted: two URLs share an entry only when they ask the same."""
    return urlencode(sorted((key, value) for key in params for value in params.getlist(key)))


def page_key(page: str, state: PageState, request, customer: Customer, *extra: object) -> str | None:
    """Cache key of a page body, or None when there is no snapshot to show (nothing worth caching)."""
    if state.snapshot is None:
        return None
    parts = (page, state.snapshot.pk, state.generation, viewer_scope(request.user, customer), get_language(),
             normalised_query(request.GET), *extra)
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:40]
    return f"privacy:v1:report-page:{state.snapshot.pk}:{digest}"


def cached_html(key: str | None, render) -> SafeString:
    """``render()`` (the portal's own escaped template output) cached under ``key``."""
    if key is not None and (html := cache.get(key)) is not None:
        return mark_safe(html)  # noqa: S308 - HTML rendered by our templates, stored as is
    html = str(render())
    if key is not None:
        cache.set(key, html, PAGE_TTL)
    return mark_safe(html)  # noqa: S308


def costs_version(customer: Customer) -> str:
    """Changes whenever HR edits a vehicle cost (an input of the benefit page)."""
    found = VehicleCost.objects.filter(customer=customer).aggregate(n=Count("pk"), at=Max("updated_at"))
    return f"{found['n']}:{found['at'].isoformat() if found['at'] else ''}"


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
