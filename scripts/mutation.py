"""`make mutation`: mutation testing of the core modules with mutmut, one module at a time.

Each module is mutated in its own scratch directory (var/mutation/<name>/) against only the tests
related to it (mutmut narrows further to the tests that call the mutated function), with at most
MUTATION_WORKERS (default 2) test processes: it fits on a shared 2-core machine. Then it prints one
table per module and a total, and exits 1 when a module scores under --fail-under (default 90 %).

Score = killed / (mutants - equivalent). Killed includes timeouts; "no tests" (no selected test
calls the function) counts as a survivor. Survivors judged equivalent are listed in
tests/MUTATION.md (a table row starting with the mutant's name in backticks, then the reason); a
listed mutant that no longer survives or no longer exists is reported as stale, so the list stays
honest.

    make mutation                        # every module (see MODULES), fresh run
    make mutation MODULES="week dates"   # some modules
    python scripts/mutation.py --report  # tables from the last run, no re-run

To see a survivor: cd var/mutation/<module> && ../../../.venv/bin/mutmut show <mutant name>
(var/mutation/<module>/survivors.txt holds the diff of every non-equivalent survivor).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "mutation"
LEDGER = ROOT / "tests" / "MUTATION.md"
# What the copied project needs to import and run the tests (mutmut copies `privacy/` itself).
ALSO_COPY = ["ocean_portal", "ocean_sim", "templates", "locale", "static", "manage.py", "tests"]
KILLED = {"killed", "timeout"}


@dataclass(frozen=True)
class Module:
    files: tuple[str, ...]
    tests: tuple[str, ...]


# name -> the files mutated and the tests that exercise them.
OCEAN = "tests/ocean/"
MODULES: dict[str, Module] = {
    "week": Module(("privacy/week.py",), ("tests/unit/test_week.py", "tests/unit/test_week_validation.py")),
    "dates": Module(("privacy/ocean/dates.py",),
                    (OCEAN + "test_dates.py", OCEAN + "test_parse.py", OCEAN + "test_open_points.py")),
    "parse": Module(("privacy/ocean/parse.py",),
                    (OCEAN + "test_parse.py", OCEAN + "test_parse_fields.py", OCEAN + "test_client.py",
                     OCEAN + "test_open_points.py")),
    "http": Module(("privacy/ocean/http.py",),
                   (OCEAN + "test_transport.py", OCEAN + "test_retries_auth.py", OCEAN + "test_client.py",
                    OCEAN + "test_open_points.py")),
    "tokens": Module(("privacy/ocean/tokens.py",),
                     (OCEAN + "test_tokens.py", OCEAN + "test_retries_auth.py", OCEAN + "test_transport.py")),
    "access": Module(("privacy/access.py",), ("tests/unit/test_access_rules.py", "tests/test_access.py")),
    "uncertain": Module(("privacy/services/uncertain.py",), ("tests/unit/test_uncertain.py",)),
    "classify": Module(("privacy/steps/services/classify.py",), ("tests/steps/test_classify.py",)),
    "trips": Module(("privacy/steps/services/trips.py",), ("tests/steps/test_rows.py", "tests/steps/test_pages.py")),
    "masking": Module(("privacy/steps/services/masking.py",),
                      ("tests/steps/test_rows.py", "tests/steps/test_masking_history.py")),
    "send": Module(("privacy/steps/services/send.py",),
                   ("tests/steps/test_send_protocol.py", "tests/steps/test_send_recovery.py",
                    "tests/test_crash_safe.py")),
    "benefit": Module(("privacy/reports/benefit.py",),
                      ("tests/reports/test_benefit_rules.py", "tests/reports/test_benefit_edges.py")),
}


@dataclass
class Result:
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    equivalent: list[str] = field(default_factory=list)
    survivors: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def killed(self) -> int:
        return sum(n for status, n in self.counts.items() if status in KILLED)

    @property
    def scored(self) -> int:
        return self.total - len(self.equivalent)

    @property
    def score(self) -> float:
        return 100.0 * self.killed / self.scored if self.scored else 0.0


def equivalents() -> dict[str, str]:
    """Mutant name -> reason, from the rows of tests/MUTATION.md that start with a backticked name."""
    found = {}
    if LEDGER.exists():
        for line in LEDGER.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^\|\s*`([\w.ǁ]+__mutmut_\d+)`\s*\|\s*(.*?)\s*\|\s*$", line)
            if m:
                found[m[1]] = m[2]
    return found


def mutmut_bin() -> str:
    local = Path(sys.executable).with_name("mutmut")
    return str(local) if local.exists() else "mutmut"


def prepare(name: str, module: Module) -> Path:
    work = WORK / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for entry in ["privacy", *ALSO_COPY]:
        (work / entry).symlink_to(ROOT / entry)
    toml = "\n".join([
        "[tool.pytest.ini_options]",
        'DJANGO_SETTINGS_MODULE = "ocean_portal.settings"',
        'addopts = "-p no:cacheprovider"',
        'filterwarnings = ["ignore::DeprecationWarning:kombu.*"]',
        "",
        "[tool.mutmut]",
        'source_paths = ["privacy"]',
        f"only_mutate = {json.dumps(list(module.files))}",
        f"pytest_add_cli_args_test_selection = {json.dumps(list(module.tests))}",
        f"also_copy = {json.dumps(ALSO_COPY)}",
        "",
    ])
    (work / "pyproject.toml").write_text(toml, encoding="utf-8")
    return work


def run(name: str, module: Module, workers: int) -> float:
    work = prepare(name, module)
    env = {**os.environ, "VAR_DIR": str(work / "var"), "MUTATION_RUN": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.monotonic()
    with open(work / "mutmut.log", "w") as log:
        subprocess.run([mutmut_bin(), "run", "--max-children", str(workers)], cwd=work, env=env,
                       stdout=log, stderr=subprocess.STDOUT, check=False)
    return time.monotonic() - started


def collect(name: str, module: Module, ledger: dict[str, str]) -> Result:
    from mutmut.stats import status_by_exit_code

    result = Result(name)
    work = WORK / name
    exit_codes: dict[str, int | None] = {}
    for path in module.files:
        meta = work / "mutants" / (path + ".meta")
        if not meta.exists():
            result.error = f"no results (see {(work / 'mutmut.log').relative_to(ROOT)})"
            return result
        exit_codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    prefixes = tuple(p[:-3].replace("/", ".") + "." for p in module.files)
    for mutant, code in sorted(exit_codes.items()):
        status = status_by_exit_code[code]
        result.counts[status] = result.counts.get(status, 0) + 1
        if status in KILLED:
            continue
        if mutant in ledger:
            result.equivalent.append(mutant)
        else:
            result.survivors.append(mutant)
    result.stale = sorted(m for m in ledger if m.startswith(prefixes) and m not in result.equivalent)
    if (work / "timing").exists():
        result.seconds = float((work / "timing").read_text())
    return result


SHOW = """
import sys
from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant
for name in sys.argv[1:]:
    print("# " + name)
    print(get_diff_for_mutant(name, path=find_mutant(name).path))
"""


def write_survivors(result: Result) -> None:
    """The diff of every non-equivalent survivor, in one process (`mutmut show` per mutant is slow)."""
    work = WORK / result.name
    with open(work / "survivors.txt", "w") as out:
        subprocess.run([sys.executable, "-c", SHOW, *result.survivors], cwd=work, stdout=out,
                       stderr=subprocess.STDOUT, check=False)


def table(result: Result) -> str:
    c = result.counts
    rows = [
        f"== {result.name}: {', '.join(MODULES[result.name].files)}",
        f"   mutants {result.total:5d}   killed {c.get('killed', 0):5d}   timeout {c.get('timeout', 0):3d}   "
        f"survived {c.get('survived', 0):4d}   no tests {c.get('no tests', 0):3d}   "
        f"other {result.total - result.killed - c.get('survived', 0) - c.get('no tests', 0):3d}",
        f"   equivalent {len(result.equivalent):3d}   score {result.killed}/{result.scored} = {result.score:.1f} %"
        + (f"   ({result.seconds / 60:.1f} min)" if result.seconds else ""),
    ]
    if result.error:
        rows.append(f"   ERROR: {result.error}")
    for mutant in result.survivors:
        rows.append(f"   survived: {mutant}")
    for mutant in result.stale:
        rows.append(f"   STALE in tests/MUTATION.md (killed or gone): {mutant}")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"default: all of {' '.join(MODULES)}")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("MUTATION_WORKERS", "2")))
    parser.add_argument("--report", action="store_true", help="only print the tables of the last run")
    parser.add_argument("--fail-under", type=float, default=90.0)
    args = parser.parse_args()
    names = args.modules or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; known: {' '.join(MODULES)}")

    ledger = equivalents()
    results = []
    for name in names:
        if not args.report:
            print(f"-- {name}: mutating {', '.join(MODULES[name].files)} ...", flush=True)
            seconds = run(name, MODULES[name], args.workers)
            (WORK / name / "timing").write_text(f"{seconds:.0f}")
        result = collect(name, MODULES[name], ledger)
        if not args.report:
            write_survivors(result)
        print(table(result), flush=True)
        results.append(result)

    killed = sum(r.killed for r in results)
    scored = sum(r.scored for r in results)
    print("\n   module        mutants   killed   equivalent   survived   score")
    for r in results:
        print(f"   {r.name:12s} {r.total:8d} {r.killed:8d} {len(r.equivalent):12d} {len(r.survivors):10d}"
              f"   {r.score:5.1f} %")
    print(f"   {'TOTAL':12s} {sum(r.total for r in results):8d} {killed:8d} "
          f"{sum(len(r.equivalent) for r in results):12d} {sum(len(r.survivors) for r in results):10d}"
          f"   {100.0 * killed / scored if scored else 0.0:5.1f} %")
    failing = [r.name for r in results if r.error or r.stale or r.score < args.fail_under]
    if failing:
        print(f"\nmutation: under {args.fail_under:.0f} %, failed or stale: {' '.join(failing)}")
        return 1
    print(f"\nmutation: every module at or above {args.fail_under:.0f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
