"""``{% week_grid rows readonly %}``: the 7 × 96 quarter-hour grid (``privacy/partials/_grid.html``), rendered
once per week content, editability and language in each process. Its 672 cells were ≈ 10 ms of template work
on every grid page (issue 16's load profile), for HTML that only depends on which cells are on."""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from privacy.schedules.views.common import grid_content

register = template.Library()
_KEEP = 256  # distinct weeks kept per process (a few hundred KB)
_rendered: OrderedDict[tuple, str] = OrderedDict()
_lock = Lock()


def _content(rows: list[dict]) -> str:
    """What the HTML depends on: which cells are on (``GridRows`` knows it; other rows are walked once)."""
    if (key := getattr(rows, "key", None)) is not None:
        return key
    return grid_content(rows)


@register.simple_tag
def week_grid(rows: list[dict], hours: list[str], readonly: bool) -> SafeString:
    key = (_content(rows), tuple(hours), bool(readonly), get_language())
    with _lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return mark_safe(html)  # noqa: S308 - our own template's escaped output
    html = render_to_string("privacy/partials/_grid.html", {"rows": rows, "hours": hours, "readonly": readonly})
    with _lock:
        _rendered[key] = html
        while len(_rendered) > _KEEP:
            _rendered.popitem(last=False)
    return mark_safe(html)  # noqa: S308 - our own template's escaped output
