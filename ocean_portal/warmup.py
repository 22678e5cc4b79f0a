"""What a new web process would otherwise do on its first requests, done before it takes any.

Django imports the URLconf (so every view module and the services behind them), loads each language's
translation catalogs and compiles each template the first time a request needs them, once per process.
gunicorn starts its processes together and a busy portal sends them dozens of requests at once: in the
load test's first seconds every process paid all of it under its GIL while 8 requests waited, and a
report page that needs 3 ms took 0.5–1.5 s (bench/README.md, "The load test"). ``warm()`` runs in each
gunicorn process before it accepts connections (``post_worker_init`` in ``gunicorn_conf.py``). It opens
no database or Redis connection: those belong to the request threads.
"""
from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

log = logging.getLogger(__name__)


def project_templates() -> list[str]:
    """The names of the portal's own templates (its ``templates/`` and each of its apps'), not the libraries'."""
    base = Path(settings.BASE_DIR).resolve()
    engine = engines["django"].engine
    names = set()
    for folder in engine.template_loaders[0].get_dirs() if engine.template_loaders else ():
        folder = Path(folder).resolve()
        if folder.is_relative_to(base) and not folder.is_relative_to(base / ".venv"):
            names.update(str(p.relative_to(folder)) for p in folder.rglob("*.html"))
    return sorted(names)


def warm() -> dict[str, int]:
    """Import the URLconf, load every language's catalogs, compile the portal's templates; what it did."""
    get_resolver()._populate()  # noqa: SLF001 - the resolver fills its reverse tables on first use otherwise
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Ocean")  # the first gettext of a language reads its catalogs
    compiled = 0
    for name in project_templates():
        try:
            engines["django"].get_template(name)
        except TemplateSyntaxError:
            # A page with a broken template fails on its own request, as before; the others start warm.
            log.exception("warm-up: template %s does not compile", name)
            continue
        compiled += 1
    return {"languages": len(settings.LANGUAGES), "templates": compiled}
