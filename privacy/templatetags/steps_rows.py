"""The trips table's texts and rows computed in Python (privacy.steps.views.rows): ``{% step_texts as t %}``,
``{% step_day_view group as g %}``, ``{% step_row_view row mode layout as v %}``."""
from __future__ import annotations

from django import template

from privacy.steps.views.rows import day_view, row_view, texts

register = template.Library()


@register.simple_tag
def step_row_view(row, mode, layout):
    return row_view(row, mode, layout)


@register.simple_tag
def step_texts():
    return texts()


@register.simple_tag
def step_day_view(group):
    return day_view(group)
