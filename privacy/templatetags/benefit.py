"""Benefit in kind in words: internal keys of the engine never reach a page (rules-fr §B)."""
from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

from privacy.reports.benefit import fr_money, fr_percent
from privacy.reports.benefit_words import abatement_words, method_words, option_words, regime_words

register = template.Library()

register.filter("option_words", option_words)
register.filter("regime_words", regime_words)
register.filter("method_words", method_words)


@register.simple_tag
def abatement(result, forfait: bool):
    """The electric abatement applied to ``result``, in words with its cap and official sources."""
    if result is None:
        return ""
    words = abatement_words(result.inputs, forfait=bool(forfait))
    if words is None:
        return ""
    links = format_html_join(", ", '<a href="{}" rel="noopener">{}</a>',
                             ((s.url, s.title) for s in words["sources"]))
    return format_html('<br><span class="abatement">{} ({} ; {} {}) — {}.</span>', words["text"],
                       fr_percent(words["rate"]), "≤", fr_money(words["cap"]), links)
