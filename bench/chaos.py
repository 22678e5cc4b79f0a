"""Chaos runs: wire faults (--actions N) or process kills (--kills N).

**Wire chaos** (--actions N): N random user actions through the web layer while ~20 % of Ocean requests fail.

Same engine and reconciliation as tests/chaos/test_chaos.py (tests/chaos/engine.py, reconcile.py), at full
size: the portal in-process (Django test client, scratch SQLite DB and file cache under a temp dir), a fresh
simulator with 500s, 429 bursts, timeouts processed late and token expiries. Prints a Markdown table and
exits 1 if anything was lost, applied twice, reported failed but applied, silent or stuck.

    .venv/bin/python bench/chaos.py --actions 1000 --seed 1 [--fault-rate 0.2] [--real-backoff]

Timeouts are real but short (read timeout 0.4 s, the simulator answers after 0.6 s and then applies the
write); the client's pause between retries is shortened unless --real-backoff (the retries still happen).

**Kill chaos** (--kills N, issue 15; tests/chaos/kill.py): the real stack (simulator, gunicorn, Celery
worker and beat) on PostgreSQL + Redis, user actions over HTTP, N SIGKILLs at random moments, restarts,
a recovery window, then the counts. The last line is ``kills: N lost: 0 doubled: 0 unaudited: 0 not-final: 0``.

    .venv/bin/python bench/chaos.py --kills 200 --seed 1 \
        --database-url postgres://postgres@127.0.0.1:5432/crash15 --redis-url redis://127.0.0.1:6379 --redis-db 11

The database named in --database-url is DROPPED and re-created (default: $DATABASE_URL's name + "_killchaos");
the Redis db is flushed. Ports: --web-port / --sim-port (default 8610 / 8611).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class _Patch:
    """monkeypatch.setattr without pytest."""

    def setattr(self, target, name, value):
        setattr(target, name, value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument("--real-backoff", action="store_true")
    parser.add_argument("--kills", type=int, default=0, help="kill chaos: SIGKILL this many processes")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"))
    parser.add_argument("--redis-db", type=int, default=int(os.environ.get("CHAOS_REDIS_DB", "9")))
    parser.add_argument("--web-port", type=int, default=8610)
    parser.add_argument("--sim-port", type=int, default=8611)
    parser.add_argument("--window", type=float, default=120.0, help="kill chaos: recovery window (s)")
    args = parser.parse_args()
    if args.kills:
        from bench.chaos_kill import kill_main

        return kill_main(args)
    return wire_main(args)


def wire_main(args) -> int:
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-chaos-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocean_portal.settings")
    os.environ["READ_DOT_ENV_FILE"] = "False"
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("DATABASE_URL", None)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import setup_test_environment

    from ocean_sim.testing import SimServer
    from privacy.models import Customer, Role, User
    from privacy.services.ocean import ocean_clients_reset
    from tests.chaos.conftest import TIMEOUT_SLEEP, chaos_settings, fast_backoff, make_templates
    from tests.chaos.engine import DECLARING_DRIVERS, ChaosEngine
    from tests.chaos.reconcile import reconcile, summary_rows

    setup_test_environment()
    call_command("migrate", verbosity=0)
    with SimServer() as sim:
        settings.OCEAN_BASE_URL = sim.base_url
        settings.OCEAN_CUSTOMER_ID, settings.OCEAN_CODE_EXPLOITANT = 1110000000, "1110000001"
        chaos_settings(settings)
        settings.AUDIT_INTENT_IN_TRANSACTION_OK = True  # the whole run is one transaction, never committed
        if not args.real_backoff:
            fast_backoff(_Patch())
        ocean_clients_reset()
        # One transaction for the whole run, never committed: on_commit tasks do not go to a broker,
        # the engine's worker ticks run them (as the test does), and the scratch DB stays empty.
        with transaction.atomic():
            customer = Customer.objects.create(name="Transports Démo", ocean_customer_id=1110000000,
                                               code_exploitant="1110000001")
            manager = User.objects.create_user(username="manager", password="x", role=Role.MANAGER,
                                               customer=customer)
            drivers = {d: User.objects.create_user(username=f"chaos{d}", password="x", role=Role.DRIVER,
                                                   customer=customer, ocean_individu_id=d,
                                                   matricule=f"M{d - 7000:04d}") for d in DECLARING_DRIVERS}
            engine = ChaosEngine(sim=sim, customer=customer, manager=manager, drivers=drivers, seed=args.seed,
                                 fault_rate=args.fault_rate)
            engine.setup(make_templates(customer, manager))
            sim.reset_stats()
            started = time.monotonic()
            engine.run(args.actions, timeout_sleep_s=TIMEOUT_SLEEP)
            seconds = time.monotonic() - started
            verdict = reconcile(engine)
            rows = summary_rows(engine, verdict, sim.stats(), seconds)
            transaction.set_rollback(True)
    print(f"### Chaos run: {args.actions} actions, seed {args.seed}, fault rate {args.fault_rate:.0%}\n")
    print("| measure | value |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")
    if not verdict.ok:
        print("\nFAILED:", {"lost": verdict.lost[:5], "phantom": verdict.phantom[:5],
                            "duplicated": verdict.duplicated[:5], "silent": verdict.silent[:5],
                            "stuck": verdict.stuck[:5]})
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
