"""Fault injection and request counters. Faults are decided before a request is handled, so a
request failed by a fault (500/429) never applies its write and a client retry is safe."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field


@dataclass
class FaultConfig:
    latency_ms: int = 0
    error_rate: float = 0.0
    burst_429: int = 0
    timeout_rate: float = 0.0
    timeout_sleep_s: float = 5.0
    seed: int | None = None


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.config = FaultConfig()
        self._rng = random.Random()

    def update(self, data: dict) -> dict:
        """Apply a partial update; unknown keys and out-of-range values raise ValueError."""
        with self._lock:
            cfg = asdict(self.config)
            for key, value in data.items():
                if key == "expire_tokens":
                    continue
                if key not in cfg:
                    raise ValueError(f"unknown fault {key!r}")
                cfg[key] = value
            new = FaultConfig(
                latency_ms=int(cfg["latency_ms"]),
                error_rate=float(cfg["error_rate"]),
                burst_429=int(cfg["burst_429"]),
                timeout_rate=float(cfg["timeout_rate"]),
                timeout_sleep_s=float(cfg["timeout_sleep_s"]),
                seed=None if cfg["seed"] is None else int(cfg["seed"]),
            )
            if (
                not (0 <= new.error_rate <= 1 and 0 <= new.timeout_rate <= 1)
                or new.latency_ms < 0
                or new.burst_429 < 0
            ):
                raise ValueError("rates must be within 0..1, latency and burst >= 0")
            if "seed" in data:
                self._rng = random.Random(new.seed)
            self.config = new
            return asdict(new)

    def snapshot(self) -> dict:
        with self._lock:
            return asdict(self.config)

    def draw(self) -> tuple[float, str | None, float]:
        """-> (latency seconds, "429" | "500" | None, extra timeout sleep seconds)."""
        with self._lock:
            c = self.config
            if c.burst_429 > 0:
                c.burst_429 -= 1
                return c.latency_ms / 1000, "429", 0.0
            if c.error_rate and self._rng.random() < c.error_rate:
                return c.latency_ms / 1000, "500", 0.0
            sleep = c.timeout_sleep_s if c.timeout_rate and self._rng.random() < c.timeout_rate else 0.0
            return c.latency_ms / 1000, None, sleep


@dataclass
class Stats:
    total: int = 0
    logins: int = 0
    by_endpoint: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    in_flight: int = 0
    max_concurrency: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(self, endpoint: str) -> None:
        with self._lock:
            self.total += 1
            self.by_endpoint[endpoint] += 1
            self.in_flight += 1
            self.max_concurrency = max(self.max_concurrency, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def status(self, code: int, login_ok: bool = False) -> None:
        with self._lock:
            self.by_status[str(code)] += 1
            self.logins += login_ok

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "total": self.total,
                "by_endpoint": dict(self.by_endpoint),
                "logins": self.logins,
                "by_status": dict(self.by_status),
                "max_concurrency": self.max_concurrency,
                "in_flight": self.in_flight,
            }

    def reset(self) -> None:
        with self._lock:
            self.total = self.logins = self.max_concurrency = 0
            self.by_endpoint.clear()
            self.by_status.clear()
