"""Run the simulator in a background thread for tests and benchmarks.

with SimServer(clock=lambda: FIXED_NOW) as sim:
    requests.post(sim.base_url + "/auth/authenticate2", json={"login": "demo", "password": "demo"})
    sim.set_faults(latency_ms=50)
    assert sim.stats()["by_endpoint"]["POST auth/authenticate2"] == 1
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from werkzeug.serving import make_server

from .app import SimState, create_app


class SimServer:
    def __init__(
        self,
        *,
        db_path: str | None = None,
        seed: int = 42,
        login: str = "demo",
        password: str = "demo",
        customer_id: int = 1110000000,
        code_exploitant: str = "1110000001",
        clock: Callable[[], datetime] | None = None,
        variants: str | tuple[str, ...] = (),
        host: str = "127.0.0.1",
        port: int = 0,
        drivers: int = 21,
        vehicles: int = 25,
    ):
        self.app = create_app(
            db_path=db_path,
            seed=seed,
            login=login,
            password=password,
            customer_id=customer_id,
            code_exploitant=code_exploitant,
            clock=clock,
            drivers=drivers,
            vehicles=vehicles,
            variants=variants,
        )
        self.state: SimState = self.app.extensions["ocean_sim"]
        self._host, self._port = host, port
        self._server = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle ------------------------------------------------------------------------
    def start(self) -> SimServer:
        self._server = make_server(self._host, self._port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="ocean-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None
        self.state.store.close()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----- addresses ------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_port

    @property
    def root_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """e.g. ``http://127.0.0.1:PORT/ocean/restapi`` (no trailing slash)."""
        return f"{self.root_url}/ocean/restapi"

    # ----- control (same effect as the /__sim__/ endpoints) ---------------------------------
    def stats(self) -> dict:
        return self.state.stats.snapshot()

    def reset_stats(self) -> None:
        self.state.stats.reset()

    def set_faults(self, **faults: object) -> dict:
        """latency_ms, error_rate, burst_429, timeout_rate, timeout_sleep_s, seed, expire_tokens=True."""
        cfg = self.state.faults.update(faults)
        if faults.get("expire_tokens"):
            self.state.expire_tokens()
        return cfg

    def clear_faults(self) -> dict:
        return self.set_faults(latency_ms=0, error_rate=0.0, burst_429=0, timeout_rate=0.0)

    def set_variants(self, *names: str) -> dict:
        """Exactly these behaviour variants on (ocean_sim/variants.py); none = the default reading."""
        self.state.variants.clear()
        return self.state.variants.update(dict.fromkeys(names, True))

    def reset(self) -> None:
        """Wipe every write back to the seeded state."""
        self.state.reset()
