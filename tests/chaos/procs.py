"""The real stack of the kill-chaos run: simulator, gunicorn, Celery worker and beat as separate processes.

Each process is started in its own session (process group), logs under ``<var>/logs``, and can be killed
with SIGKILL the way an OOM killer or a crashed host would: one Celery pool process, the whole worker,
one gunicorn worker, or the simulator. ``ensure_running`` restarts what died (gunicorn's master and
Celery's main process replace their own children); used by tests/chaos/kill.py.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc: no psutil needed)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


def wait_port(port: int, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


class Stack:
    def __init__(self, *, env: dict[str, str], var: Path, web_port: int, sim_port: int) -> None:
        self.env, self.var, self.web_port, self.sim_port = env, var, web_port, sim_port
        self.procs: dict[str, subprocess.Popen] = {}
        (var / "logs").mkdir(parents=True, exist_ok=True)
        self.restarts = dict.fromkeys(("sim", "web", "worker", "beat"), 0)

    def _commands(self) -> dict[str, list[str]]:
        py = str(BIN / "python")
        return {
            "sim": [py, "-m", "ocean_sim", "--host", "127.0.0.1", "--port", str(self.sim_port),
                    "--db", str(self.var / "ocean_sim.sqlite3")],
            "web": [str(BIN / "gunicorn"), "ocean_portal.wsgi", "--bind", f"127.0.0.1:{self.web_port}",
                    "--workers", "2", "--threads", "2", "--timeout", "30", "--graceful-timeout", "2"],
            "worker": [str(BIN / "celery"), "-A", "ocean_portal", "worker", "--concurrency", "2", "--loglevel",
                       "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            "beat": [str(BIN / "celery"), "-A", "ocean_portal", "beat", "--loglevel", "WARNING",
                     "--schedule", str(self.var / "celerybeat-schedule")],
        }

    def start(self, name: str) -> None:
        log = open(self.var / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - kept open by the child
        self.procs[name] = subprocess.Popen(self._commands()[name], cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def start_all(self) -> None:
        self.start("sim")
        if not wait_port(self.sim_port):
            raise RuntimeError("the simulator did not start")
        for name in ("web", "worker", "beat"):
            self.start(name)
        if not wait_port(self.web_port):
            raise RuntimeError("gunicorn did not start")

    def alive(self, name: str) -> bool:
        proc = self.procs.get(name)
        return proc is not None and proc.poll() is None

    def ensure_running(self) -> None:
        for name in ("sim", "web", "worker", "beat"):
            if not self.alive(name):
                self._reap(name)
                self.start(name)
                self.restarts[name] += 1
                if name == "sim":
                    wait_port(self.sim_port, 20)

    def _reap(self, name: str) -> None:
        proc = self.procs.get(name)
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # orphans of a killed main process (pool children)
        except ProcessLookupError:
            pass
        proc.wait()

    def kill(self, target: str, rng) -> str:
        """SIGKILL one process of ``target``: "pool", "worker", "gunicorn" or "sim". Returns what died."""
        if target == "pool" and self.alive("worker"):
            pool = children(self.procs["worker"].pid)
            if pool:
                os.kill(rng.choice(pool), signal.SIGKILL)
                return "pool"
            target = "worker"
        if target == "gunicorn" and self.alive("web"):
            workers = children(self.procs["web"].pid)
            if workers:
                os.kill(rng.choice(workers), signal.SIGKILL)
                return "gunicorn"
        name = {"worker": "worker", "sim": "sim"}.get(target, "worker")
        if self.alive(name):
            os.killpg(self.procs[name].pid, signal.SIGKILL)
            self.procs[name].wait()
        return name

    def stop_all(self) -> None:
        for name in ("beat", "worker", "web", "sim"):
            proc = self.procs.get(name)
            if proc is None:
                continue
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self._reap(name)
