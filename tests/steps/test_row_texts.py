"""The trips table's texts are translated once per language in Python (privacy/steps/views/rows.py), not by
``{% translate %}`` in the templates: a msgid mistyped there would show English on the French page."""
from __future__ import annotations

from django.utils import translation
from django.utils.translation import trans_real

from privacy.steps.views.rows import TEXTS, texts


def test_every_text_of_the_trips_table_has_a_french_translation():
    catalog = trans_real.translation("fr")._catalog
    assert [msgid for msgid in TEXTS.values() if msgid not in catalog] == []


def test_the_texts_follow_the_active_language():
    with translation.override("fr"):
        assert texts()["not_declared"] == "Non déclaré"
    with translation.override("en"):
        assert texts()["not_declared"] == "Not declared"
