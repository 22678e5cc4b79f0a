"""`manage.py ocean doctor`: the setup page's checks as JSON (exit code 1 when something is wrong)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from privacy.cli.common import Cli
from privacy.onboarding.services.setup_check import ERROR, run_setup_checks


def doctor(cli: Cli, *, worker_timeout: float | None = None) -> dict:  # noqa: ARG001 - same signature as the others
    """Every check, whatever fails on the way; ``failure`` (popped by the command) makes it exit 1."""
    result = run_setup_checks(worker_timeout=worker_timeout).as_dict()
    failed = [c["key"] for c in result["checks"] if c["status"] == ERROR]
    if failed:
        result["failure"] = _("Something is wrong: %(checks)s.") % {"checks": ", ".join(failed)}
    return result
