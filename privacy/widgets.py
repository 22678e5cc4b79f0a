"""Form widgets the portal needs beyond Django's."""
from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class LongSelect(forms.Select):
    """A ``<select>`` of a whole fleet (1,000 drivers or vehicles), the same HTML as Django's ``Select`` built
    in Python: Django renders one template per option, ≈ 0.1 ms each — the declarations page's two lists cost
    more than the rest of the page (issue 16's load profile). Grouped choices fall back to Django's."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>\n',
            ((option, " selected" if str(option) in chosen else "", label) for option, label in choices))
        final = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>\n{}</select>', name, flatatt(final), options)
