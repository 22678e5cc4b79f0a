"""Form widgets the portal needs beyond Django's."""
from __future__ import annotations

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe


class LongSelect(forms.Select):
    """A ``<select>`` of a whole fleet (1,000 drivers or vehicles), the same HTML as Django's ``Select`` built
    in Python: Django renders one template per option, ≈ 0.1 ms each — the declarations page's two lists cost
    more than the rest of the page (issue 16's load profile). Give the field its choices as a callable
    (``field.choices = lambda: [...]``) so Django does not normalise them one by one either. Grouped choices
    fall back to Django's rendering."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(option))}"{" selected" if str(option) in chosen else ""}>'
            f"{escape(str(label))}</option>\n" for option, label in choices)
        final = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final)}>\n{options}</select>')  # noqa: S308 - every part escaped above
