"""``bench/chaos.py --kills N``: the kill-chaos run on PostgreSQL + Redis (engine in tests/chaos/kill.py)."""
from __future__ import annotations

import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

# Short leases and a fast recovery beat so a run takes minutes; the same code paths as production.
CHAOS_ENV = {
    "LEASE_TTL_S": "6",
    "RECOVERY_EVERY_S": "2",
    # Longer than the longest write here (read timeout 3 s x 2 tries + re-checks): an intent is never
    # settled while its request may still land.
    "AUDIT_INTENT_GRACE_S": "20",
    "OCEAN_READ_TIMEOUT": "3",
    "OCEAN_MAX_RETRIES": "1",
    "OCEAN_UNCERTAIN_RECHECK_S": "0.3",
    "OCEAN_SIM_FAULTS": json.dumps({"latency_ms": 300}),
    "OCEAN_MAX_RPS": "200",
    "CONN_MAX_AGE": "0",
    "READ_DOT_ENV_FILE": "False",
    "DJANGO_SETTINGS_MODULE": "ocean_portal.settings",
    "CELERY_TASK_ALWAYS_EAGER": "False",
}


def _database_url(args) -> str:
    if args.database_url:
        return args.database_url
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocean")
    parsed = urlparse(base)
    return urlunparse(parsed._replace(path=f"{parsed.path.strip('/') or 'ocean'}_killchaos"))


def _fresh_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.strip("/")
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def kill_main(args) -> int:
    var = Path(tempfile.mkdtemp(prefix="kill-chaos-"))
    db_url = _database_url(args)
    redis_url = urlunparse(urlparse(args.redis_url)._replace(path=f"/{args.redis_db}"))
    env = {**os.environ, **CHAOS_ENV, "VAR_DIR": str(var), "DATABASE_URL": db_url, "REDIS_URL": redis_url,
           "REDIS_BROKER_DB": str(args.redis_db), "REDIS_CACHE_DB": str(args.redis_db),
           "REDIS_RATELIMIT_DB": str(args.redis_db), "SECRET_KEY": secrets.token_urlsafe(40),
           "OCEAN_BASE_URL": f"http://127.0.0.1:{args.sim_port}/ocean/restapi"}
    os.environ.clear()
    os.environ.update(env)
    _fresh_database(db_url)
    import redis

    redis.Redis.from_url(redis_url).flushdb()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from privacy.models import Customer, Role, User
    from tests.chaos.conftest import make_templates
    from tests.chaos.kill import KillRun
    from tests.chaos.kill_check import reconcile
    from tests.chaos.procs import Stack

    customer = Customer.objects.create(name="Transports Démo", ocean_customer_id=1110000000,
                                       code_exploitant="1110000001")
    manager = User.objects.create_user(username="kc-manager", password=secrets.token_urlsafe(), role=Role.MANAGER,
                                       customer=customer)
    hr = User.objects.create_user(username="kc-hr", password=secrets.token_urlsafe(), role=Role.HR,
                                  customer=customer)
    templates = make_templates(customer, manager)
    stack = Stack(env=env, var=var, web_port=args.web_port, sim_port=args.sim_port)
    started = time.monotonic()
    try:
        stack.start_all()
        run = KillRun(stack=stack, customer=customer, manager=manager, hr=hr, templates=templates, seed=args.seed,
                      base_url=f"http://127.0.0.1:{args.web_port}")
        run.setup()
        recovery = run.run(args.kills, window=args.window)
        counts = reconcile(run)
    finally:
        stack.stop_all()
    seconds = time.monotonic() - started
    _report(args, run, counts, recovery, seconds, stack, var)
    bad = len(counts.lost) + len(counts.doubled) + len(counts.unaudited) + len(counts.not_final)
    print(f"kills: {sum(run.kills.values())} lost: {len(counts.lost)} doubled: {len(counts.doubled)} "
          f"unaudited: {len(counts.unaudited)} not-final: {len(counts.not_final)}")
    return 1 if bad else 0


def _report(args, run, counts, recovery: float, seconds: float, stack, var: Path) -> None:
    from privacy.models import AuditEntry

    outcomes = {}
    for entry in AuditEntry.objects.filter(phase="outcome"):
        key = f"{entry.outcome}{' (settled by recovery)' if 'after a crash' in entry.upstream_result else ''}"
        outcomes[key] = outcomes.get(key, 0) + 1
    rows = [
        ("kills", ", ".join(f"{k} {v}" for k, v in sorted(run.kills.items()))),
        ("restarts by the harness", ", ".join(f"{k} {v}" for k, v in stack.restarts.items() if v)),
        *((f"actions: {kind}", ", ".join(f"{s} {n}" for s, n in sorted(shown.items())))
          for kind, shown in sorted(run.actions.items())),
        ("audit outcomes", ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))),
        ("recovery window used", f"{recovery:.1f} s"),
        ("lost / doubled / unaudited / not final",
         f"{len(counts.lost)} / {len(counts.doubled)} / {len(counts.unaudited)} / {len(counts.not_final)}"),
        ("wall time", f"{seconds:.0f} s"),
    ]
    print(f"### Kill chaos: {args.kills} kills, seed {args.seed} (PostgreSQL + Redis; logs in {var}/logs)\n")
    print("| measure | value |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")
    for name in ("lost", "doubled", "unaudited", "not_final"):
        items = getattr(counts, name)
        if items:
            print(f"\n{name}: {items[:10]}", file=sys.stdout)
    print()
