"""Translations are compiled by polib in the venv (no GNU gettext), with msgfmt's result."""
from __future__ import annotations

import gettext as stdlib_gettext
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from privacy.management.commands.compilemessages import compile_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PROBE = polib.POEntry(msgid="bare machine probe", msgstr="sonde de machine nue")


@pytest.fixture
def tmp_locale(tmp_path, settings):
    """The project's French catalogue copied to tmp_path (plus a probe entry), as the only LOCALE_PATHS."""
    po = polib.pofile(str(PO))
    po.append(PROBE)
    target = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    po.save(str(target / "django.po"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]  # resets Django's translation caches (setting_changed)
    settings.BASE_DIR = tmp_path
    return target


def test_the_command_compiles_the_catalogue_and_django_speaks_french(tmp_locale):
    call_command("compilemessages", verbosity=0)
    assert (tmp_locale / "django.mo").is_file()
    with translation.override("fr"):
        assert translation.gettext(PROBE.msgid) == PROBE.msgstr  # read from the .mo just compiled
        assert translation.gettext("Drivers") == "Conducteurs"
        assert translation.gettext("Log in") == "Connexion"
        assert translation.gettext("French") == "Français"
        assert translation.pgettext("abbreviated weekday", "%(abbr)s.") == "%(abbr)s."
        # French plural rule (n > 1) comes from the header: 0 and 1 are singular.
        singular, plural = "The Ocean password expires in %(days)s day.", "The Ocean password expires in %(days)s days."
        assert translation.ngettext(singular, plural, 0) % {"days": 0} == "Le mot de passe Océan expire dans 0 jour."
        assert translation.ngettext(singular, plural, 1) % {"days": 1} == "Le mot de passe Océan expire dans 1 jour."
        assert translation.ngettext(singular, plural, 2) % {"days": 2} == "Le mot de passe Océan expire dans 2 jours."
    with translation.override("en"):
        assert translation.gettext("Drivers") == "Drivers"


def test_every_translated_entry_reads_back_as_in_the_po(tmp_path):
    """What msgfmt guarantees: each translated, non-fuzzy entry (context, plurals) is in the .mo as written."""
    assert compile_po(PO, tmp_path / "django.mo") == []
    mo = stdlib_gettext.GNUTranslations((tmp_path / "django.mo").open("rb"))
    entries = polib.pofile(str(PO)).translated_entries()
    assert len(entries) > 500
    for e in entries:
        if e.msgid_plural:
            got = [mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n) if e.msgctxt else
                   mo.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2)]
            assert got == [e.msgstr_plural[0], e.msgstr_plural[1]], e.msgid
        else:
            got = mo.pgettext(e.msgctxt, e.msgid) if e.msgctxt else mo.gettext(e.msgid)
            assert got == e.msgstr, e.msgid
    info = mo.info()
    assert info["plural-forms"] == "nplurals=2; plural=(n > 1);"
    assert "pot-creation-date" not in info  # msgfmt drops it too


def test_fuzzy_entries_are_left_out_unless_asked(tmp_path):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Sure", msgstr="Sûr"))
    po.append(polib.POEntry(msgid="Guess", msgstr="Deviné", flags=["fuzzy"]))
    po.save(str(tmp_path / "x.po"))
    compile_po(tmp_path / "x.po", tmp_path / "x.mo")
    mo = stdlib_gettext.GNUTranslations((tmp_path / "x.mo").open("rb"))
    assert (mo.gettext("Sure"), mo.gettext("Guess")) == ("Sûr", "Guess")
    compile_po(tmp_path / "x.po", tmp_path / "x.mo", use_fuzzy=True)
    assert stdlib_gettext.GNUTranslations((tmp_path / "x.mo").open("rb")).gettext("Guess") == "Deviné"


def test_a_translation_with_other_placeholders_is_refused_like_msgfmt_check_format(tmp_locale):
    po = polib.pofile(str(tmp_locale / "django.po"))
    po.append(polib.POEntry(msgid="Hello %(name)s", msgstr="Bonjour %(nom)s", flags=["python-format"]))
    po.save(str(tmp_locale / "django.po"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("compilemessages", verbosity=0, stderr=err)
    assert "placeholders differ" in err.getvalue() and "Bonjour %(nom)s" in err.getvalue()
    assert not (tmp_locale / "django.mo").exists()


def test_manage_py_compilemessages_runs_without_gettext_on_the_path(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "VAR_DIR": str(tmp_path / "var"),
           "READ_DOT_ENV_FILE": "False", "DJANGO_SETTINGS_MODULE": "ocean_portal.settings"}
    assert shutil.which("msgfmt", path=env["PATH"]) is None
    done = subprocess.run([sys.executable, "manage.py", "compilemessages", "--ignore", ".venv/*"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "processing file django.po" in done.stdout
    assert (ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.mo").is_file()
