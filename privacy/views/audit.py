"""The audit log as a CSV download for administrators (streamed: the log only grows); every cell goes
through ``privacy.spreadsheet.csv_lines`` (French Excel, formula injection)."""
from __future__ import annotations

import json
from datetime import date

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from privacy import access
from privacy.models import AuditEntry, Customer
from privacy.services.audit import audit_record
from privacy.spreadsheet import csv_lines

# id / phase / intent / outcome: a change sent to Ocean is an "intent" row (written before it left) and an
# "outcome" row naming its intent's id (applied / refused / unknown), see privacy/models/audit.py.
HEADER = ["at", "actor", "action", "customer", "driver_id", "target", "before", "after", "upstream_result",
          "id", "phase", "intent", "outcome"]


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _lines(entries):
    return csv_lines(HEADER, (
        (entry.at.isoformat(), entry.actor_label, entry.action, entry.customer.name if entry.customer else "",
         entry.driver_id or "", entry.target, _json(entry.before), _json(entry.after), entry.upstream_result,
         entry.pk, entry.phase, entry.intent_id or "", entry.outcome)
        for entry in entries.iterator(chunk_size=2000)))


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@require_GET
@access.role_required()  # no role: administrators only
def audit_export(request):
    """``?customer=<pk>`` and ``?start=`` / ``?end=`` (YYYY-MM-DD, inclusive) narrow the export."""
    try:
        start, end = _day(request.GET.get("start", "")), _day(request.GET.get("end", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Dates must be given as YYYY-MM-DD."))
    wanted = request.GET.get("customer", "")
    if wanted and not wanted.isdigit():
        return HttpResponseBadRequest(_("Unknown customer."))
    customer = Customer.objects.filter(pk=int(wanted)).first() if wanted else None
    if wanted and customer is None:
        return HttpResponseBadRequest(_("Unknown customer."))
    entries = AuditEntry.objects.select_related("customer").order_by("at", "id")
    if customer is not None:
        entries = entries.filter(customer=customer)
    if start:
        entries = entries.filter(at__date__gte=start)
    if end:
        entries = entries.filter(at__date__lte=end)
    # Recorded first, so the export that is being read is in the log it exports.
    audit_record(actor=request.user, action="audit.export", customer=customer,
                 target=f"{start or ''}/{end or ''}", after={"rows": entries.count()})
    response = StreamingHttpResponse(_lines(entries), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
