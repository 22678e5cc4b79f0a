"""One submission = one write: a POST carrying an idempotency key is run once; a repeat gets the first answer.

Every POST form carries a fresh key (the ``{% csrf_token %}`` tag of ``privacy.templatetags.submit`` adds a
hidden ``idempotency_key``; htmx requests send ``Idempotency-Key``, static/js/submit.js). The first request
with a key claims it with a row whose key is unique (atomic across processes and databases); a repeat that
arrives while it runs waits for its answer, one that arrives later gets the stored answer replayed — a
double click or a POST resent after a timeout never writes twice. A failed run (5xx, exception) releases
its key so the person can try again. Keys are per user (or session) and path, kept a day.
"""
from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.models import IdempotentRequest

FIELD, HEADER = "idempotency_key", "Idempotency-Key"
KEEP = timedelta(days=1)
REPLAYED_HEADERS = ("Content-Type", "Location", "HX-Redirect", "HX-Trigger", "HX-Refresh", "Content-Disposition")


def _key(request) -> str | None:
    given = request.headers.get(HEADER) or request.POST.get(FIELD, "")
    if not given or len(given) > 100 or not given.isprintable():
        return None
    user = request.user.pk if getattr(request, "user", None) and request.user.is_authenticated else None
    session = getattr(request, "session", None)
    if user is None and not (session and session.session_key):
        return None  # nobody to tie the answer to: never replay one visitor's answer to another
    who = f"u{user}" if user else f"s{session.session_key}"
    return f"{who}:{request.path}:{given}"[:200]


def _replay(row: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status)
    for name, value in row.headers:
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _wait_for(key: str) -> HttpResponse:
    deadline = time.monotonic() + settings.IDEMPOTENCY_WAIT_S
    while time.monotonic() < deadline:
        row = IdempotentRequest.objects.filter(key=key).first()
        if row is None:  # the first run failed and let go: this one may not run blind either
            break
        if row.status is not None:
            return _replay(row)
        time.sleep(0.1)
    return HttpResponse(_("This request is already being processed. Reload the page in a moment to see "
                          "its result."), status=409, content_type="text/plain; charset=utf-8")


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or (key := _key(request)) is None:
            return self.get_response(request)
        try:
            with transaction.atomic():
                IdempotentRequest.objects.create(key=key)
        except IntegrityError:
            return _wait_for(key)
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotentRequest.objects.filter(key=key).delete()
            raise
        if response.status_code >= 500 or isinstance(response, StreamingHttpResponse):
            IdempotentRequest.objects.filter(key=key).delete()
            return response
        headers = [[name, response[name]] for name in REPLAYED_HEADERS if response.has_header(name)]
        IdempotentRequest.objects.filter(key=key).update(status=response.status_code, headers=headers,
                                                         body=response.content)
        if hash(key) % 50 == 0:  # now and then, forget answers older than a day
            IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
        return response
