"""`manage.py compilemessages` without GNU gettext: the catalogues are compiled by polib, in the venv.

Replaces Django's command of the same name (an app's command wins over Django's), which shells out to
``msgfmt``: a fresh machine needs nothing but Python. Same result as ``msgfmt --check-format``: fuzzy
and untranslated entries are left out, the header keeps its Plural-Forms and drops POT-Creation-Date
(like msgfmt), and a translation whose %-placeholders differ from its msgid is an error.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# %(name)s, %s, %d … but not a literal %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGco]")


def placeholders(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The named placeholders (a set: order and repeats are free) and the positional ones (in order)."""
    found = PLACEHOLDER.findall(text.replace("%%", ""))
    return frozenset(p for p in found if p.startswith("%(")), tuple(p for p in found if not p.startswith("%("))


def format_errors(po: polib.POFile) -> list[str]:
    """What ``msgfmt --check-format`` refuses: a python-format translation with other placeholders."""
    errors = []
    for entry in po.translated_entries():
        if "python-format" not in entry.flags:
            continue
        named, positional = placeholders(entry.msgid)
        if entry.msgid_plural:
            # A plural form may leave out the count (“une demande”) but never invent a placeholder.
            named |= placeholders(entry.msgid_plural)[0]
            texts = list(entry.msgstr_plural.values())
        else:
            texts = [entry.msgstr]
        for text in texts:
            got_named, got_positional = placeholders(text)
            if entry.msgid_plural:
                bad = not got_named <= named or len(got_positional) > len(positional)
            else:
                bad = got_named != named or got_positional != positional
            if bad:
                errors.append(f"line {entry.linenum}: {entry.msgid!r}: placeholders differ in {text!r}")
    return errors


def compile_po(po_path: Path, mo_path: Path, *, use_fuzzy: bool = False) -> list[str]:
    """Write ``mo_path`` from ``po_path`` (atomically); returns the format errors (nothing written then)."""
    po = polib.pofile(str(po_path))
    errors = format_errors(po)
    if errors:
        return errors
    if use_fuzzy:
        for entry in po.fuzzy_entries():
            entry.flags.remove("fuzzy")
    po.metadata.pop("POT-Creation-Date", None)
    tmp = mo_path.with_suffix(".mo.tmp")
    po.save_as_mofile(str(tmp))
    os.replace(tmp, mo_path)
    return []


def catalogues(ignore: list[str]) -> list[Path]:
    """Every .po under LOCALE_PATHS and the apps' locale/ directories, minus the ignored directories."""
    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(p) for p in settings.LOCALE_PATHS]
    # The project's own apps only (Django and the libraries ship their catalogues compiled).
    roots += [Path(c.path) / "locale" for c in apps.get_app_configs() if Path(c.path).resolve().is_relative_to(base)]
    found: set[Path] = set()
    for root in filter(Path.is_dir, roots):
        for po in root.glob("*/LC_MESSAGES/*.po"):
            rel = os.path.relpath(po, settings.BASE_DIR)
            if not any(fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern + "/*") for pattern in ignore):
                found.add(po.resolve())
    return sorted(found)


class Command(BaseCommand):
    help = "Compiles .po files to .mo files with polib (no GNU gettext needed)."
    requires_system_checks = []

    def add_arguments(self, parser):
        # Django's options, so the usual command lines keep working.
        parser.add_argument("--locale", "-l", action="append", default=[], help="locale(s) to compile (default all)")
        parser.add_argument("--exclude", "-x", action="append", default=[], help="locales to leave out")
        parser.add_argument("--use-fuzzy", "-f", dest="fuzzy", action="store_true", help="use fuzzy translations")
        parser.add_argument("--ignore", "-i", action="append", dest="ignore_patterns", default=[], metavar="PATTERN",
                            help="ignore directories matching this glob-style pattern")

    def handle(self, **options):
        failed = False
        for po_path in catalogues(options["ignore_patterns"]):
            locale = po_path.parent.parent.name
            if (options["locale"] and locale not in options["locale"]) or locale in options["exclude"]:
                continue
            if options["verbosity"] > 0:
                self.stdout.write(f"processing file {po_path.name} in {po_path.parent}")
            for error in compile_po(po_path, po_path.with_suffix(".mo"), use_fuzzy=options["fuzzy"]):
                self.stderr.write(f"{po_path}: {error}")
                failed = True
        if failed:
            raise CommandError("compilemessages generated one or more errors.")
