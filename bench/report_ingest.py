"""Ingestion of a generated ~100 MB `preformattedPrivacy` answer (DETAIL mode: per-day maps) with the
portal's parser, against a bare ``orjson.loads`` of the same bytes, with the garbage collector on and off.

Every run is a fresh subprocess (peak RSS = its own VmHWM, interpreter included); the variants
are interleaved round by round, and the figures are the median with min–max over the rounds. The last
line prints the ratios against the goals of issue 16.

    .venv/bin/python bench/report_ingest.py [--mb 100] [--rounds 5]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FLAGS = ("VIE_PRIVEE", "VIE_PRO")
MAPS = ("durationInSecByPeriodMap", "distanceInMeterByPeriodMap", "distanceElectriqueInMeterByPeriodMap",
        "utilisationBatterieByPeriodMap")


def totals(seed: int, day: str | None, entity: dict) -> dict:
    return {"consoL": seed % 97 / 10, "consoKWh": 0.0, "cost": seed % 89 / 10, "dayDate": day, "entity": entity,
            "total": {m: {f: seed * (i + 1) % 100_000 for i, f in enumerate(FLAGS)} for m in MAPS},
            "driver": None, "vehicle": None}


def node(ident: int, name: str, entity: dict, children: dict, days: int) -> dict:
    by_flag = {f: totals(ident + i, None, entity) for i, f in enumerate(FLAGS)}
    day_map = {f"2025-{1 + d // 28:02d}-{1 + d % 28:02d}": totals(ident + d, f"2025-{1 + d // 28:02d}-{1 + d % 28:02d}",
                                                                   entity) for d in range(days)}
    return {"entity": {"id": ident, "nom": name, "suppressionLogique": False}, "nodes": children,
            "entityTotalCumul": totals(ident, None, entity), "entityTotalByFlagCumul": by_flag,
            "content": {"entity": {"id": ident, "nom": name}, "entityTotal": totals(0, None, entity),
                        "entityTotalByFlag": by_flag, "refItems": {}, "typeMotorisationEnergyeMap": {},
                        "chauffeursByIdDriverAndPeriodeBean": {"map": day_map}}}


def generate(path: Path, megabytes: int) -> int:
    """Write the answer leaf by leaf (the generator itself stays small) until it passes ``megabytes``."""
    import orjson

    days, per_entity = 365, 150
    target = megabytes * 1024 * 1024
    with path.open("wb") as out:
        out.write(b'[{"mode":"BY_DRIVER_WITH_HORAIRE_DETAIL","synthesisTreeByVehicle":null,'
                  b'"htmlTable":"<table></table>","bean":{},"synthesisTreeByDriver":{"entity":{"id":1,"nom":"Root"},'
                  b'"nodes":{')
        leaf_id, entity_index = 100_000, 0
        while out.tell() < target:
            entity_id = 1000 + entity_index
            ent = {"id": entity_id, "nom": f"Agence {entity_index}", "suppressionLogique": False}
            out.write(b"," if entity_index else b"")
            out.write(f'"{entity_id}":{{"entity":'.encode() + orjson.dumps(ent) + b',"nodes":{')
            for k in range(per_entity):
                leaf_id += 1
                leaf = node(leaf_id, f"DRIVER {leaf_id}", ent, {}, days)
                out.write(b"," if k else b"")
                out.write(f'"{leaf_id}":'.encode() + orjson.dumps(leaf))
                if out.tell() >= target:
                    break
            rest = node(entity_id, ent["nom"], ent, {}, 0)
            del rest["nodes"], rest["entity"]
            out.write(b"}," + orjson.dumps(rest)[1:])
            entity_index += 1
        out.write(b'},"entityTotalCumul":' + orjson.dumps(totals(1, None, {"id": 1})) + b"}}]")
        return out.tell()


VARIANTS = {  # name -> (what, GC enabled)
    "orjson": ("bare orjson.loads of the bytes read whole (+ counting leaves)", True),
    "orjson-nogc": ("bare orjson.loads, garbage collector disabled", False),
    "portal": ("portal: parse_analysis (file memory-mapped, msgspec structs of the fields used)", True),
    "portal-nogc": ("portal: parse_analysis, garbage collector disabled", False),
    "portal-tolerant": ("portal, answer with an undocumented field (tolerant walk + survey)", True),
}


def run_variant(variant: str, path: str) -> dict:
    import gc

    if not VARIANTS[variant][1]:
        gc.disable()
    if variant == "portal-tolerant":
        path = path + ".extra"
    started = time.perf_counter()
    if variant.startswith("orjson"):
        import orjson

        data = orjson.loads(Path(path).read_bytes())
        count = sum(len(e["nodes"]) for e in data[0]["synthesisTreeByDriver"]["nodes"].values())
    else:
        from privacy.reports.services.parse import AnalysisSurvey, parse_analysis

        survey = AnalysisSurvey()
        with open(path, "rb") as body:
            count = sum(1 for r in parse_analysis(body, private_keys=["VIE_PRIVEE"], pro_keys=["VIE_PRO"],
                                                  survey=survey) if r.kind == "driver")
        assert bool(survey.fallback) == (variant == "portal-tolerant")
    elapsed = time.perf_counter() - started
    return {"variant": variant, "seconds": elapsed, "leaves": count, "peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (ru_maxrss would carry the parent's peak across fork + exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "PATH"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_variant(*args.child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "analysis.json"
        size = generate(path, args.mb)
        data = path.read_bytes()
        Path(str(path) + ".extra").write_bytes(data[:-2] + b',"undocumentedField":{"x":1}}]')
        del data
        print(f"generated {size / 2**20:.1f} MiB at {path}; {args.rounds} interleaved rounds, one fresh process each")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ocean_portal.settings"}
        results: dict[str, list[dict]] = {v: [] for v in VARIANTS}
        for _ in range(args.rounds):
            for variant in VARIANTS:
                out = subprocess.run([sys.executable, __file__, "--child", variant, str(path)], env=env,
                                     capture_output=True, text=True, check=True).stdout
                results[variant].append(json.loads(out))
    mib = size / 2**20
    print("\n| variant | seconds, median (min–max) | peak RSS MiB (max) | RSS / input |")
    print("|---|---|---|---|")
    for variant, runs in results.items():
        rss = max(r["peak_rss_mb"] for r in runs)
        print(f"| {VARIANTS[variant][0]} | {spread([r['seconds'] for r in runs])} | {rss:.0f} | {rss / mib:.2f}x |")

    def ratios(a: str, b: str) -> list[float]:  # per round: the runs of one round sat side by side
        return [x["seconds"] / y["seconds"] for x, y in zip(results[a], results[b], strict=True)]

    gc_on, gc_off = ratios("portal", "orjson"), ratios("portal", "orjson-nogc")
    rss = max(r["peak_rss_mb"] for r in results["portal"] + results["portal-tolerant"]) / mib
    print(f"\nportal / orjson (GC on): {spread(gc_on)}; portal / orjson (GC off): {spread(gc_off)}; "
          f"tolerant path / orjson (GC off): {spread(ratios('portal-tolerant', 'orjson-nogc'))}")
    print(f"analysis ingest / orjson.loads: {statistics.median(gc_on):.2f}x (goal <= 1x, GC on), "
          f"{statistics.median(gc_off):.2f}x (goal <= 2x, GC off); peak RSS {rss:.2f}x input (goal <= 2.5x)")


if __name__ == "__main__":
    main()
