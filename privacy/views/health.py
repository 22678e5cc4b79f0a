"""/healthz: JSON status of database, cache, broker and Ocean; 200 when all is well, else 503."""
from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from privacy.services.health import health_checks


@never_cache
@require_GET
def healthz(request):  # noqa: ARG001 - a Django view receives the request
    checks = health_checks()
    ok = all(c.ok for c in checks)
    body = {
        "status": "ok" if ok else "fail",
        "checks": {c.name: {"ok": c.ok, "detail": c.detail, "ms": c.ms} for c in checks},
    }
    return JsonResponse(body, status=200 if ok else 503)
