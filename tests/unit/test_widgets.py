"""LongSelect renders what Django's Select renders (same options, escaping, selection and attributes)."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms

from privacy.widgets import LongSelect

CHOICES = [("", "—"), (7001, "DUPONT <Jean> & fils"), (7002, "MARTIN Léa"), (7003, '"quoted"')]


def form(widget, **kw):
    class LookupForm(forms.Form):
        driver = forms.TypedChoiceField(label="Driver", required=False, coerce=int, empty_value=None,
                                        choices=CHOICES, widget=widget, help_text="pick one")
        other = forms.ChoiceField(choices=[("a", "A")])

    return LookupForm(**kw)


class _Parts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.parts.append((tag, sorted(attrs, key=lambda kv: kv[0])))  # attribute order means nothing in HTML

    def handle_data(self, data):
        if data.strip():
            self.parts.append(data)


def squashed(html: str) -> list:
    """Tags with their attributes (any order), the text between them (entities decoded)."""
    parser = _Parts()
    parser.feed(str(html))
    return parser.parts


@pytest.mark.parametrize("kw", [{}, {"initial": {"driver": 7002}}, {"data": {"driver": "7003"}},
                                {"data": {"driver": "<x>"}}, {"data": {}}])
def test_the_same_html_as_djangos_select(kw):
    ours, django = form(LongSelect, **kw), form(forms.Select, **kw)
    ours.is_valid(), django.is_valid()
    assert squashed(ours["driver"]) == squashed(django["driver"])
    assert "&lt;Jean&gt; &amp; fils" in str(ours["driver"])


def test_grouped_choices_fall_back_to_djangos_rendering():
    grouped = [("Lyon", [(1, "A"), (2, "B")]), ("Paris", [(3, "C")])]
    widget = LongSelect(choices=grouped)
    assert squashed(widget.render("v", 2)) == squashed(forms.Select(choices=grouped).render("v", 2))


def test_callable_choices_render_and_validate_the_same():
    class LookupForm(forms.Form):
        driver = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=LongSelect,
                                        choices=lambda: CHOICES)

    bound = LookupForm(data={"driver": "7002"})
    assert bound.is_valid() and bound.cleaned_data["driver"] == 7002
    django = form(forms.Select, data={"driver": "7002"})
    assert squashed(bound["driver"])[1:] == squashed(django["driver"])[1:]  # the same options, 7002 selected
    assert not LookupForm(data={"driver": "9999"}).is_valid()
