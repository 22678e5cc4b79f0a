"""Ingestion of a generated ~100 MB `preformattedPrivacy` answer (DETAIL mode: per-day maps) with the
portal's streaming parser, against a bare ``orjson.loads`` of the same bytes.

Each variant runs in a fresh subprocess so peak RSS (ru_maxrss) is its own; tracemalloc peaks are
measured in a second run (tracemalloc slows parsing down, so times come from the first).

    .venv/bin/python bench/report_ingest.py [--mb 100]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
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


def run_variant(variant: str, path: str, trace: bool) -> dict:
    if trace:
        import tracemalloc

        tracemalloc.start()
    started = time.perf_counter()
    if variant == "orjson":
        import orjson

        data = orjson.loads(Path(path).read_bytes())
        count = sum(len(e["nodes"]) for e in data[0]["synthesisTreeByDriver"]["nodes"].values())
    else:
        from privacy.reports.services.parse import parse_analysis

        with open(path, "rb") as body:
            count = sum(1 for r in parse_analysis(body, private_keys=["VIE_PRIVEE"], pro_keys=["VIE_PRO"])
                        if r.kind == "driver")
    elapsed = time.perf_counter() - started
    result = {"variant": variant, "seconds": round(elapsed, 2), "leaves": count,
              "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if trace:
        import tracemalloc

        result["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--child", nargs=3, metavar=("VARIANT", "PATH", "TRACE"))
    args = parser.parse_args()
    if args.child:
        variant, path, trace = args.child
        print(json.dumps(run_variant(variant, path, trace == "1")))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "analysis.json"
        size = generate(path, args.mb)
        print(f"generated {size / 2**20:.1f} MiB at {path}")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ocean_portal.settings"}
        for variant in ("orjson", "stream"):
            for trace in ("0", "1"):
                out = subprocess.run([sys.executable, __file__, "--child", variant, str(path), trace], env=env,
                                     capture_output=True, text=True, check=True).stdout
                print(out.strip())


if __name__ == "__main__":
    main()
