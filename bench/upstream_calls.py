"""Upstream requests per `manage.py ocean …` action, counted by the simulator.

Every action runs as its own process (like a cron script would), all sharing one VAR_DIR (file cache:
the token) or one Redis (REDIS_URL: cache + rate limit). The target: one login for all processes
(the token is shared for ~11 h 30) and one request per read.

    .venv/bin/python bench/upstream_calls.py [--redis-url redis://127.0.0.1:6379/0 | --no-redis]

Prints one Markdown table per backend (file cache, then Redis when reachable).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ocean_sim.dates import local_date  # noqa: E402
from ocean_sim.testing import SimServer  # noqa: E402

READ_POSTS = {"POST individus/list", "POST analyse/preformattedPrivacy"}
LOGIN = "POST auth/authenticate2"


def kind(endpoint: str) -> str:
    if endpoint == LOGIN:
        return "login"
    if endpoint.startswith("GET ") or endpoint in READ_POSTS:
        return "read"
    return "write"


def recent_weekday() -> date:
    day = local_date(datetime.now(UTC)) - timedelta(days=2)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


class Runner:
    def __init__(self, sim: SimServer, env: dict[str, str]):
        self.sim, self.env, self.rows = sim, env, []

    def run(self, label: str, args: list[str], minimum: str) -> dict:
        self.sim.reset_stats()
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "manage.py", "ocean", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"`ocean {' '.join(args)}` failed ({done.returncode}): {done.stderr.strip()}")
        stats = self.sim.stats()
        counts = {"login": 0, "read": 0, "write": 0}
        for endpoint, n in stats["by_endpoint"].items():
            counts[kind(endpoint)] += n
        self.rows.append(
            {
                "label": label,
                "total": stats["total"],
                **counts,
                "minimum": minimum,
                "ms": round(elapsed * 1000),
            }
        )
        return json.loads(done.stdout)

    def table(self, title: str) -> str:
        lines = [
            f"### {title}",
            "",
            "| action (one process each) | requests | logins | reads | writes | minimum | process ms |",
            "|---|---:|---:|---:|---:|---|---:|",
        ]
        for r in self.rows:
            lines.append(
                f"| `ocean {r['label']}` | {r['total']} | {r['login']} | {r['read']} | {r['write']} "
                f"| {r['minimum']} | {r['ms']} |"
            )
        total = {k: sum(r[k] for r in self.rows) for k in ("total", "login", "read", "write")}
        lines.append(
            f"| **all {len(self.rows)} processes** | **{total['total']}** | **{total['login']}** "
            f"| {total['read']} | {total['write']} | 1 login | |"
        )
        return "\n".join(lines)


def scenario(sim: SimServer, env: dict[str, str], workdir: Path, *, ping: bool = True) -> Runner:
    r = Runner(sim, env)
    day = recent_weekday()
    week = workdir / "week.json"
    week.write_text(
        json.dumps(
            {
                "LUNDI": [["00:00", "08:00"], ["12:00", "13:30"], ["18:00", "23:59"]],
                "SAMEDI": [["00:00", "23:59"]],
                "DIMANCHE": [["00:00", "23:59"]],
            }
        )
    )
    future = (datetime.now(UTC) + timedelta(days=30)).date()
    if ping:  # forces a login; without it the first action logs in and every later one reuses the token
        r.run("ping", ["ping"], "1 login (forced)")
    r.run("drivers", ["drivers"], "1 read")
    r.run("vehicles", ["vehicles"], "1 read")
    shown = r.run("schedule show", ["schedule", "show", "--driver", "7002"], "1 read")
    r.run("schedule show --history", ["schedule", "show", "--driver", "7002", "--history"], "1 read")
    r.run(
        "schedule set",
        ["schedule", "set", "--driver", "7002", "--file", str(week)],
        "1 write + 2 reads (before, for the audit log; read-back)",
    )
    slot = next(
        s["id"]
        for s in r.run("schedule show", ["schedule", "show", "--driver", "7001"], "1 read")["slots"]
        if s["day"] == "MARDI"
    )
    del shown
    r.run(
        "schedule delete",
        ["schedule", "delete", "--driver", "7001", "--slot", str(slot)],
        "1 write + 2 reads (slot check; read-back: ids change)",
    )
    added = r.run(
        "periods add",
        [
            "periods",
            "add",
            "--driver",
            "7002",
            "--label",
            "Congés",
            "--from",
            f"{future}T08:00",
            "--to",
            f"{future + timedelta(days=3)}T18:00",
        ],
        "1 write + 1 read (read-back: the new id)",
    )
    r.run("periods list", ["periods", "list", "--driver", "7002"], "1 read")
    r.run("periods delete", ["periods", "delete", "--period", str(added["period"]["id"])], "1 write")
    steps = r.run(
        "steps --vehicle --date", ["steps", "--vehicle", "5001", "--date", day.isoformat()], "1 read"
    )
    r.run(
        "steps --driver (7 days)",
        ["steps", "--driver", "7004", "--from", str(day - timedelta(days=6)), "--to", str(day)],
        "2 + 1 per vehicle-day (§5.2)",
    )
    r.run(
        "declare",
        ["declare", "--vehicle", "5001", "--step", str(steps["steps"][0]["id"]), "--private"],
        "1 write + 1 read (numeroEmbarque)",
    )
    r.run("report (7 days)", ["report", "--from", str(day - timedelta(days=6)), "--to", str(day)], "1 read")
    return r


def redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument(
        "--without-ping", action="store_true", help="start with a read instead of `ocean ping`"
    )
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the simulator's access log
    backends = [("file cache (VAR_DIR shared by every process)", {})]
    if not args.no_redis and redis_reachable(args.redis_url):
        backends.append(
            (
                f"Redis ({args.redis_url}, cache db 14, rate-limit db 15)",
                {
                    "REDIS_URL": args.redis_url,
                    "REDIS_BROKER_DB": "13",
                    "REDIS_CACHE_DB": "14",
                    "REDIS_RATELIMIT_DB": "15",
                },
            )
        )
    out = []
    for title, extra in backends:
        with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp, SimServer() as sim:
            work = Path(tmp)
            env = {
                "PATH": os.environ["PATH"],
                "HOME": tmp,
                "VAR_DIR": str(work / "var"),
                "READ_DOT_ENV_FILE": "False",
                "DJANGO_SETTINGS_MODULE": "ocean_portal.settings",
                "OCEAN_BASE_URL": sim.base_url,
                "OCEAN_LOGIN": "demo",
                "OCEAN_PASSWORD": "demo",
                **extra,
            }
            out.append(scenario(sim, env, work, ping=not args.without_ping).table(title))
    print("\n\n".join(out))


if __name__ == "__main__":
    main()
