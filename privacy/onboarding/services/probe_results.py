"""The last `manage.py ocean probe` run, for the setup page (read from var/probe/<timestamp>/answers.json)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class ProbeSummary:
    folder: str
    run_at: str  # the folder name: UTC timestamp
    total: int
    to_change: list[str]  # settings an answer contradicts
    unknown: list[str]  # questions Ocean's answers could not settle


def latest_probe() -> ProbeSummary | None:
    root = Path(settings.VAR_DIR) / "probe"
    runs = sorted(root.glob("*/answers.json"), key=lambda p: p.stat().st_mtime_ns) if root.is_dir() else []
    if not runs:
        return None
    try:
        questions = json.loads(runs[-1].read_text(encoding="utf-8")).get("questions", {})
    except (OSError, ValueError):
        return None
    return ProbeSummary(
        folder=str(runs[-1].parent), run_at=runs[-1].parent.name, total=len(questions),
        to_change=sorted({q.get("setting") or name for name, q in questions.items()
                          if q.get("matches_config") is False}),
        unknown=sorted(name for name, q in questions.items() if q.get("matches_config") is None),
    )
