"""/healthz: 200 when database, cache, broker and Océan answer, else 503.

``/healthz?scope=local`` judges this installation only (database, cache, broker): Océan's state is still
reported but an Océan outage does not fail it. Container healthchecks use it, so an Océan outage never gets
the portal restarted or marked unhealthy while it is serving its pages and keeping users' input.

Anyone gets the status and Océan's state (``"ocean": "up" | "down"``); which database, cache and broker
run, and the timings, only a staff user or a caller presenting ``HEALTHZ_TOKEN``
(``Authorization: Bearer <token>``) sees. Océan's state comes from a real call, cached briefly
(``privacy.services.health.probe_ocean``).
"""
from __future__ import annotations

import hmac

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from privacy.services.health import health_checks


def may_see_details(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active and user.is_staff:
        return True
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


@never_cache
@require_GET
def healthz(request):
    checks = health_checks()
    local = request.GET.get("scope") == "local"
    ok = all(c.ok for c in checks if not (local and c.name == "ocean"))
    ocean = next(c for c in checks if c.name == "ocean")
    body = {"status": "ok" if ok else "fail", "ocean": "up" if ocean.ok else "down"}
    if may_see_details(request):
        body["checks"] = {c.name: {"ok": c.ok, "detail": c.detail, "ms": c.ms} for c in checks}
    return JsonResponse(body, status=200 if ok else 503)
