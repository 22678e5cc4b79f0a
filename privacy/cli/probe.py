"""`ocean probe [--write-driver ID]`: ask Ocean the questions its documentation leaves open.

Exit 0 when every answer matches the configuration, 3 when some contradict it (the settings to change
on stderr), 1 when the probe cannot run (Ocean unreachable, login refused). Ocean's raw answers, tokens
and personal data removed, are saved under var/probe/<timestamp>/ for support.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from privacy.ocean.probe import Probe, ProbeConfig
from privacy.ocean.probe_record import ProbeReport

from .common import Cli

EXIT_CONTRADICTED = 3


def probe_config(cli: Cli) -> ProbeConfig:
    keys = {k: "private" for k in settings.REPORT_PRIVATE_KEYS} | {k: "pro" for k in settings.REPORT_PRO_KEYS}
    return ProbeConfig(
        period_keys=keys,
        tree=settings.OCEAN_ANALYSIS_TREE,
        privacy_false_means=settings.OCEAN_PRIVACY_FALSE_MEANS,
        fiche_jour_tz=settings.OCEAN_FICHEJOUR_TZ,
        period_day_cut=settings.OCEAN_PERIOD_DAY_CUT,
        zone_token=settings.OCEAN_ZONE_TOKEN,
        tz=cli.tz_name,
        code_exploitant=cli.code_exploitant,
    )


def save(cli: Cli, report) -> Path:
    base = Path(settings.VAR_DIR) / "probe" / cli.now.strftime("%Y%m%dT%H%M%SZ")
    folder, n = base, 1
    while folder.exists():  # two runs in the same second keep both
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    folder.mkdir(parents=True)
    for n, exchange in enumerate(report.exchanges, start=1):
        name = f"{n:03d}-{exchange.question}.json"
        (folder / name).write_text(json.dumps(exchange.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    (folder / "answers.json").write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


def _run(cli: Cli, write_driver: int | None) -> tuple[ProbeReport, str | None]:
    """Read-only questions as they are; with a test driver the whole run is one audited write: its intent
    is recorded before the first change, its outcome says whether the driver was restored. Returns the
    report and a warning when the audit log could not be completed."""
    ask = Probe(cli.client, probe_config(cli), now=lambda: cli.now, write_driver=write_driver)
    if write_driver is None:
        return ask.run(), None
    with cli.audited("probe.write", driver_id=write_driver,
                     after={"questions": "write questions, then the driver's schedule restored"}):
        report = ask.run()
        restored = report.questions.get("write_driver_restored")
        warning = cli.audit("probe.write", driver_id=write_driver,
                            upstream_result=str(restored.answer) if restored else "no write question reached",
                            applied=restored is not None)
    return report, warning


def probe(cli: Cli, *, write_driver: int | None = None) -> dict:
    """The answers (JSON); ``exit_code`` and ``warning`` are popped by the command."""
    report, audit_warning = _run(cli, write_driver)
    folder = save(cli, report)
    result = report.as_dict() | {"raw_answers": str(folder)}
    unsettled = sorted(name for name, a in report.questions.items() if a.matches_config is None)
    if unsettled:
        result["warning"] = _("Not settled by Ocean's answers (see the evidence): %(names)s") % {
            "names": ", ".join(unsettled)}
    if report.contradicted:
        lines = report.to_change or [_("(no setting covers it: see the evidence)")]
        result["warning"] = "\n".join(filter(None, [
            _("Ocean answers differently from the configuration. Settings to change:"),
            *(f"  {line}" for line in lines), result.get("warning")]))
        result["exit_code"] = EXIT_CONTRADICTED
    if audit_warning:
        result["warning"] = "\n".join(filter(None, [result.get("warning"), audit_warning]))
    return result
