"""The trips table's texts and rows computed in Python (privacy.steps.views.rows): ``{% step_texts as t %}``,
``{% step_row_view row mode layout as v %}``."""
from __future__ import annotations

from django import template

from privacy.steps.views.rows import row_view, texts

register = template.Library()


@register.simple_tag
def step_row_view(row, mode, layout):
    return row_view(row, mode, layout)


@register.simple_tag
def step_texts():
    return texts()
