"""The import contracts hold, and breaking one fails `make lint` (import-linter, pyproject.toml)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env={"PYTHONPATH": str(tree)},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def tree_copy(tmp_path) -> Path:
    for name in ("privacy", "ocean_sim", "ocean_portal"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold_on_the_tree(tree_copy):
    result = lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("privacy/steps/views/trips.py", "from privacy.ocean import OceanClient", "reach Ocean only through services"),
        ("privacy/ocean/client.py", "import django", "imports neither Django"),
        ("privacy/schedules/services/bulk.py", "from privacy.schedules import tasks", "services never import tasks"),
        ("privacy/reports/services/queries.py", "from privacy.steps.models import StepDeclaration",
         "Areas are independent"),
        ("ocean_sim/app.py", "import privacy.week", "The simulator stands alone"),
        ("privacy/week.py", "from privacy.steps import models", "imports no area"),
    ],
)
def test_breaking_a_contract_fails(tree_copy, module, line, contract):
    path = tree_copy / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(tree_copy)
    assert result.returncode == 1
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken.replace("\n", " ")
