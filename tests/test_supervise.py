"""scripts/supervise.py (what `make run` runs): a process that dies is restarted, the others keep running."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLEEPER = f"{sys.executable} -c 'import time; print(\"up\", flush=True); time.sleep(120)'"


class Run:
    """The supervisor in a subprocess, its output collected line by line."""

    def __init__(self, tmp_path: Path, procfile: str, *args: str):
        (tmp_path / "Procfile").write_text(procfile)
        self.lines: list[str] = []
        self.popen = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "supervise.py"), "Procfile", *args],
                                      cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=lambda: self.lines.extend(self.popen.stdout), daemon=True).start()

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 30) -> list[re.Match]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in map(re.compile(pattern).search, list(self.lines)) if m]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{pattern!r} ×{count} not seen in:\n{''.join(self.lines)}")

    def pid(self, name: str, nth: int = 1) -> int:
        return int(self.wait_for(rf"\| {name} started \(pid (\d+)\)", nth)[nth - 1][1])

    def stop(self) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
        return self.popen.wait(timeout=30)


def alive(pid: int) -> bool:
    """Linux: the process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def test_a_killed_process_is_restarted_and_the_others_keep_running(tmp_path):
    run = Run(tmp_path, f"a: {SLEEPER}\nb: {SLEEPER}\n", "--then", f"hello={sys.executable} -c 'print(42)'")
    try:
        a, b = run.pid("a"), run.pid("b")
        run.wait_for(r"hello\s+\| 42")
        os.kill(b, signal.SIGKILL)
        run.wait_for(r"b exited \(code -9\); restarting it in 1 s")
        b2 = run.pid("b", 2)
        assert b2 != b and alive(b2)
        assert alive(a) and len(run.wait_for(r"\| a started")) == 1  # a was never touched
        assert len(run.wait_for(r"\| hello started")) == 1  # a one-shot command is not restarted
    finally:
        code = run.stop()
    assert code == 0
    run.wait_for(r"SIGINT: stopping every process")
    run.wait_for(r"every process stopped")
    assert gone(a) and gone(b2)


def test_a_process_that_keeps_failing_is_left_stopped_and_said_so(tmp_path):
    failing = f"{sys.executable} -c 'raise SystemExit(3)'"
    run = Run(tmp_path, f"steady: {SLEEPER}\nbroken: {failing}\n", "--max-exits", "3", "--first-delay", "0.1")
    try:
        steady = run.pid("steady")
        run.wait_for(r"broken exited 3 times within 120 s \(last exit code 3\): left stopped, the others keep running")
        time.sleep(0.5)
        assert len(run.wait_for(r"\| broken started")) == 3
        assert alive(steady) and run.popen.poll() is None
    finally:
        assert run.stop() == 0


def test_when_every_process_has_failed_the_supervisor_exits_1(tmp_path):
    run = Run(tmp_path, f"broken: {sys.executable} -c 'raise SystemExit(3)'\n", "--max-exits", "2",
              "--first-delay", "0.1")
    assert run.popen.wait(timeout=30) == 1
    run.wait_for(r"every process has stopped")


def test_it_refuses_to_start_on_a_port_already_taken(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = Run(tmp_path, f"a: {SLEEPER}\n", "--free-port", str(port))
        assert run.popen.wait(timeout=30) == 1
    run.wait_for(rf"port {port} already in use on 127.0.0.1: stop what listens there or choose other ports")
    assert not any("a started" in line for line in run.lines)


def test_the_processes_stop_when_the_supervisor_itself_is_killed(tmp_path):
    run = Run(tmp_path, f"a: {SLEEPER}\n")
    a = run.pid("a")
    run.popen.kill()  # SIGKILL: no chance to clean up; the kernel sends SIGTERM to its children (Linux)
    run.popen.wait(timeout=10)
    assert gone(a)
