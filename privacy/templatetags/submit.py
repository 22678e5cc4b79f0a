"""``{% csrf_token %}`` that also gives the form a fresh idempotency key (``privacy.idempotency``).

Registered as a template builtin after Django's own tags (settings.TEMPLATES), so every POST form that
carries the CSRF token — all of them — also carries its key, with no template to change."""
from __future__ import annotations

import uuid

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

register = template.Library()


class CsrfAndKeyNode(CsrfTokenNode):
    def render(self, context):
        token = super().render(context)
        if not token:
            return token
        return token + format_html('<input type="hidden" name="idempotency_key" value="{}">', uuid.uuid4().hex)


@register.tag
def csrf_token(parser, token):  # noqa: ARG001 - the tag's signature
    return CsrfAndKeyNode()
