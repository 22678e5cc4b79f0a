"""``python -m ocean_sim --port 8001 [--host 127.0.0.1] [--db PATH] [--seed N] [--drivers N --vehicles M]``.

Environment: OCEAN_SIM_LOGIN / OCEAN_SIM_PASSWORD (credentials, default demo/demo),
OCEAN_SIM_FAULTS (JSON object, same keys as ``POST /__sim__/faults``), OCEAN_SIM_VARIANTS (comma-separated
behaviour variants, e.g. ``d3,d9``: the other reading of the vendor docs, see ocean_sim/variants.py)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

import orjson
from werkzeug.serving import make_server

from .app import create_app
from .fleet import N_DRIVERS, N_VEHICLES

DEFAULT_DB = "var/ocean_sim.sqlite3"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ocean_sim", description="Océan REST API simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--db", default=DEFAULT_DB, help=f"SQLite file (default {DEFAULT_DB}); ':memory:' for none"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--drivers", type=int, default=N_DRIVERS,
                        help=f"fleet size (default {N_DRIVERS}, the demo fleet; more are appended, deterministic)")
    parser.add_argument("--vehicles", type=int, default=None,
                        help=f"vehicles (default: the demo's {N_VEHICLES}, or drivers + 4 for a bigger fleet)")
    args = parser.parse_args(argv)
    vehicles = args.vehicles if args.vehicles is not None else max(N_VEHICLES, args.drivers + 4)
    if args.drivers < N_DRIVERS or vehicles < N_VEHICLES:
        parser.error(f"--drivers must be at least {N_DRIVERS} and --vehicles at least {N_VEHICLES}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    db_path = None if args.db == ":memory:" else args.db
    if db_path:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    app = create_app(
        db_path=db_path,
        seed=args.seed,
        login=os.environ.get("OCEAN_SIM_LOGIN", "demo"),
        password=os.environ.get("OCEAN_SIM_PASSWORD", "demo"),
        drivers=args.drivers,
        vehicles=vehicles,
        variants=os.environ.get("OCEAN_SIM_VARIANTS", ""),
    )
    faults = os.environ.get("OCEAN_SIM_FAULTS")
    if faults:
        state = app.extensions["ocean_sim"]
        state.faults.update(orjson.loads(faults))
    server = make_server(args.host, args.port, app, threaded=True)
    logging.getLogger("ocean_sim").info(
        "Océan simulator on http://%s:%d/ocean/restapi (db=%s, seed=%d, %d drivers, %d vehicles)",
        args.host,
        server.server_port,
        db_path or "memory",
        args.seed,
        args.drivers,
        vehicles,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
