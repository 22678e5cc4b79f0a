"""Is a stored report complete? What Ocean sent that the portal could not read, in words (D1).

An analysis with period keys neither private nor pro, another tree shape, malformed values, or entity
totals that are not the sum of their drivers gives figures that may be missing or wrong: the snapshot
says so (``ReportSnapshot.incomplete``), and the HR pages, exports, benefit page and setup check show it.
When the surprise matches a known other reading of the docs, the text names the setting to change.
"""
from __future__ import annotations

from collections import defaultdict

from django.conf import settings

from privacy.reports.models import ReportRow, ReportSnapshot
from privacy.reports.services.parse_rows import AnalysisSurvey

NO_CHILDREN = "under the root has no children"
BELOW_LEAVES = "nodes below the leaf level"


def _keys_setting(unknown: set[str]) -> str:
    known = {k: "private" for k in settings.REPORT_PRIVATE_KEYS} | {k: "pro" for k in settings.REPORT_PRO_KEYS}
    guessed = known | {k: "private" if "PRIV" in k.upper() else "pro" for k in sorted(unknown)}
    return "OCEAN_ANALYSIS_PERIOD_KEYS=" + ",".join(f"{k}:{v}" for k, v in guessed.items())


def survey_text(survey: AnalysisSurvey) -> str:
    """What the answers held beyond what the portal reads ("" when nothing)."""
    parts = []
    unknown = set().union(*survey.unknown_period_keys.values()) if survey.unknown_period_keys else set()
    if unknown:
        parts.append(f"unknown period keys {', '.join(sorted(unknown))} (set {_keys_setting(unknown)})")
    if survey.shapes:
        hint = ""
        if any(NO_CHILDREN in s for s in survey.shapes):
            hint = " (set OCEAN_ANALYSIS_TREE=root-leaf)"
        elif any(BELOW_LEAVES in s for s in survey.shapes):
            hint = " (set OCEAN_ANALYSIS_TREE=root-entity-leaf)"
        parts.append(f"unexpected tree shape: {'; '.join(survey.shapes[:3])}{hint}")
    if survey.malformed:
        parts.append(f"{survey.malformed} value(s) that are not numbers")
    return "; ".join(parts)


def totals_text(snapshot: ReportSnapshot) -> str:
    """Entity totals that are not the sum of their drivers ("" when they add up)."""
    members: dict[int, int] = defaultdict(int)
    for entity_id, private_m, pro_m in ReportRow.objects.filter(snapshot=snapshot, kind="driver").values_list(
            "entity_id", "private_m", "pro_m"):
        members[entity_id] += private_m + pro_m
    entities = ReportRow.objects.filter(snapshot=snapshot, kind="entity")
    wrong = [
        f"{r.name or r.ocean_id}: {r.private_m + r.pro_m} m vs {members.get(r.ocean_id, 0)} m"
        for r in entities
        if r.private_m + r.pro_m != members.get(r.ocean_id, 0)
    ]
    return f"entity totals differ from the sum of their drivers ({'; '.join(wrong[:3])})" if wrong else ""


def incomplete_text(snapshot: ReportSnapshot, survey: AnalysisSurvey) -> str:
    return "; ".join(p for p in (survey_text(survey), totals_text(snapshot)) if p)
