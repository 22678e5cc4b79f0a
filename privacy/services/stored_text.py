"""Texts kept for later display — bulk-run details, import errors — are stored as a message id and its
parameters, and translated when shown, in the reader's language (never frozen in the language of the
moment they were written). Plain texts stored before this (or from elsewhere) are shown as they are.

    item.message = coded(gettext_noop("Confirmed by Ocean."))      # stored
    {{ item.message|stored_text }}                                  # shown, translated
"""
from __future__ import annotations

import json

from django.utils.translation import gettext, ngettext

PREFIX = "i18n:"


def coded(msgid: str, /, **params) -> str:
    """``msgid`` (marked with gettext_noop) and its parameters; a parameter may itself be coded."""
    return PREFIX + json.dumps({"m": msgid, "p": params}, ensure_ascii=False, default=str)


def coded_plural(singular: str, plural: str, count: int, /, **params) -> str:
    return PREFIX + json.dumps({"m": singular, "pl": plural, "n": count, "p": params}, ensure_ascii=False,
                               default=str)


def coded_join(*parts: str, separator: str = ", ") -> str:
    """Several coded texts shown side by side."""
    return PREFIX + json.dumps({"j": list(parts), "s": separator}, ensure_ascii=False)


def shown(value) -> str:
    """The stored text in the active language."""
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return "" if value is None else str(value)
    try:
        data = json.loads(value[len(PREFIX):])
        return _render(data)
    except (ValueError, TypeError, KeyError):
        return value


def _render(data: dict) -> str:
    if "j" in data:
        return data.get("s", ", ").join(shown(part) for part in data["j"])
    params = {k: shown(v) if isinstance(v, str) else v for k, v in (data.get("p") or {}).items()}
    text = ngettext(data["m"], data["pl"], data["n"]) if "pl" in data else gettext(data["m"])
    return text % params if params else text
