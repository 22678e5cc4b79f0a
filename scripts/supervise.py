"""Run the Procfile's processes for `make run`: one that dies is restarted, the others keep running.

    python scripts/supervise.py Procfile [--then NAME=COMMAND …] [--free-port PORT …]

Each line ``name: command`` is run by ``sh -c`` (so ``${SIM_PORT:-8001}`` works) in its own process
group, its output prefixed with its name. A process that exits is started again after 1, 2, 4 … 30
seconds; one that exits 5 times within 2 minutes is left stopped, and the supervisor says so (the
others keep running). ``--then`` commands run once, after the processes are started (the demo
accounts), and are never restarted; ``--free-port`` refuses to start when a port is already taken.
Ctrl-C (SIGINT) or SIGTERM stops every process: SIGTERM, then SIGKILL after 10 seconds; on Linux the
processes also get SIGTERM if the supervisor itself is killed. Standard library only.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

WINDOW_S, MAX_DELAY_S, STOP_TIMEOUT_S = 120.0, 30.0, 10.0
_print_lock = threading.Lock()


def say(name: str, line: str) -> None:
    with _print_lock:
        sys.stdout.write(f"{time.strftime('%H:%M:%S')} {name:<10}| {line.rstrip()}\n")
        sys.stdout.flush()


def _die_with_parent() -> None:
    """Linux: SIGTERM to the child when the supervisor dies, even by SIGKILL (PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


@dataclass
class Proc:
    name: str
    command: str
    once: bool = False
    popen: subprocess.Popen | None = None
    exits: list[float] = field(default_factory=list)
    restart_at: float | None = None
    given_up: bool = False

    def start(self) -> None:
        shell = shutil.which("sh") or "/bin/sh"
        self.popen = subprocess.Popen(
            # Unbuffered: a console e-mail or a print shows up at once, not when a buffer fills.
            [shell, "-c", f"exec {self.command}"], env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent, text=True,
            errors="replace", bufsize=1)
        self.restart_at = None
        say("supervise", f"{self.name} started (pid {self.popen.pid})")
        threading.Thread(target=self._pump, args=(self.popen,), daemon=True).start()

    def _pump(self, popen: subprocess.Popen) -> None:
        for line in popen.stdout:
            say(self.name, line)

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def terminate(self) -> None:
        """SIGTERM to the process itself: gunicorn's master and Celery's main process stop their children."""
        if self.running():
            self.popen.terminate()


def kill_group(pgid: int) -> None:
    """SIGKILL whatever is left in a process group (a killed master's workers, a pool's children)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def read_procfile(path: str) -> list[Proc]:
    procs = []
    with open(path) as f:
        for line in f:
            if line.strip() and not line.lstrip().startswith("#"):
                name, _sep, command = line.partition(":")
                procs.append(Proc(name.strip(), command.strip()))
    return procs


def port_taken(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Supervisor:
    def __init__(self, procs: list[Proc], then: list[Proc], *, max_exits: int = 5, first_delay: float = 1.0) -> None:
        self.procs, self.then = procs, then
        self.max_exits, self.first_delay = max_exits, first_delay
        self.stopping: bool | str = False

    def handle_signal(self, signum, _frame) -> None:
        # No printing here: the main thread may hold the print lock when the signal arrives.
        self.stopping = self.stopping or signal.Signals(signum).name

    def check(self, proc: Proc, now: float) -> None:
        """A process found dead: restart it later, or give up after too many exits."""
        code = proc.popen.returncode
        kill_group(proc.popen.pid)  # its children must not outlive it (ports, queues)
        proc.popen = None
        if proc.once:
            if code:
                say("supervise", f"{proc.name} failed (exit code {code})")
            proc.given_up = True
            return
        proc.exits = [t for t in proc.exits if now - t < WINDOW_S] + [now]
        if len(proc.exits) >= self.max_exits:
            proc.given_up = True
            say("supervise", f"{proc.name} exited {len(proc.exits)} times within {WINDOW_S:.0f} s (last exit code "
                f"{code}): left stopped, the others keep running; Ctrl-C and `make run` again once it is fixed")
            return
        delay = min(self.first_delay * 2 ** (len(proc.exits) - 1), MAX_DELAY_S)
        proc.restart_at = now + delay
        say("supervise", f"{proc.name} exited (code {code}); restarting it in {delay:g} s")

    def run(self) -> int:
        for proc in self.procs:
            proc.start()
        for proc in self.then:
            proc.start()
        while not self.stopping:
            now = time.monotonic()
            for proc in self.procs + self.then:
                if proc.popen is not None and proc.popen.poll() is not None:
                    self.check(proc, now)
                elif proc.restart_at is not None and now >= proc.restart_at:
                    proc.start()
            if all(p.given_up for p in self.procs):
                say("supervise", "every process has stopped")
                return self.stop(1)
            time.sleep(0.2)
        say("supervise", f"{self.stopping}: stopping every process")
        return self.stop(0)

    def stop(self, code: int) -> int:
        alive = [p for p in self.procs + self.then if p.running()]
        for proc in alive:
            proc.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while time.monotonic() < deadline and any(p.running() for p in alive):
            time.sleep(0.1)
        for proc in alive:
            if proc.running():
                say("supervise", f"{proc.name} did not stop in {STOP_TIMEOUT_S:.0f} s: killed")
            kill_group(proc.popen.pid)
            proc.popen.wait()
        say("supervise", "every process stopped")
        return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("procfile")
    parser.add_argument("--then", action="append", default=[], metavar="NAME=COMMAND",
                        help="run once after the processes are started")
    parser.add_argument("--free-port", action="append", type=int, default=[], metavar="PORT",
                        help="refuse to start when something already listens on this port")
    parser.add_argument("--max-exits", type=int, default=5, help=f"exits within {WINDOW_S:.0f} s before giving up")
    parser.add_argument("--first-delay", type=float, default=1.0, help="seconds before the first restart (doubles)")
    args = parser.parse_args(argv)
    taken = [port for port in args.free_port if port_taken(port)]
    if taken:
        ports = f"port{'s' * (len(taken) > 1)} {', '.join(map(str, taken))}"
        say("supervise", f"{ports} already in use on 127.0.0.1: stop what listens there or choose other ports "
            "(make run PORT=… SIM_PORT=…)")
        return 1
    then = [Proc(name, command, once=True) for name, _sep, command in (t.partition("=") for t in args.then)]
    supervisor = Supervisor(read_procfile(args.procfile), then, max_exits=args.max_exits,
                            first_delay=args.first_delay)
    signal.signal(signal.SIGINT, supervisor.handle_signal)
    signal.signal(signal.SIGTERM, supervisor.handle_signal)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
