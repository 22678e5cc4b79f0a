"""Onboarding at scale: 300 driver accounts in one click, then a 300-line CSV import.

A synthetic fleet of ``--drivers`` Ocean drivers (5 of 6 with an e-mail, like the simulator) is put in
the fleet cache, so the figures are the portal's own work: database writes, audit entries, and one
invitation e-mail per driver over a single connection. ``--email`` picks the backend: ``locmem``
(in memory), ``console`` (written to a null stream) or ``smtp://host:port`` (a real server, e.g. a
local ``python -m aiosmtpd -n``).

    .venv/bin/python bench/onboarding.py [--drivers 300] [--email locmem]
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-onboarding-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocean_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drivers", type=int, default=300)
    parser.add_argument("--email", default="locmem")
    args = parser.parse_args()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from privacy.models import Customer, User
    from privacy.onboarding.services.csv_import import import_csv
    from privacy.onboarding.services.drivers import create_driver_accounts
    from privacy.services import fleet as fleet_module
    from privacy.services.fleet import Fleet, FleetDriver

    if args.email == "locmem":
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    elif args.email == "console":
        settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    else:
        host, _, port = args.email.removeprefix("smtp://").partition(":")
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = host, int(port or 25)
    settings.DEBUG = True  # count queries
    customer, _ = Customer.objects.get_or_create(ocean_customer_id=1110000000,
                                                 defaults={"name": "Démo", "code_exploitant": "1110000001"})
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True})
    drivers = {
        100_000 + i: FleetDriver(customer.pk, 100_000 + i, f"Nom{i}", "Prénom", f"B{i:05d}",
                                 "" if i % 6 == 5 else f"driver{i}@example.com", 121 + i % 3, "Agence", None, "",
                                 None)
        for i in range(args.drivers)
    }
    fleet = Fleet(drivers=drivers, entities={121: "Agence Lyon", 122: "Agence Paris", 123: "Agence Nantes"})
    fleet_module.fleet_get = lambda *_a, **_k: fleet  # the bench measures the portal, not Ocean
    import privacy.onboarding.services.csv_import as csv_module
    import privacy.onboarding.services.drivers as drivers_module

    drivers_module.fleet_get = csv_module.fleet_get = fleet_module.fleet_get
    csv_text = "matricule;email;role;entity\n" + "".join(
        f"B{i:05d};new{i}@example.com;driver;\n" for i in range(args.drivers))

    print(f"{args.drivers} drivers, e-mail backend {args.email}, database {connection.vendor}\n")
    print("| step | wall time (s) | queries | created | updated | unchanged/skipped | e-mails |")
    print("|---|---|---|---|---|---|---|")
    for label, run in (
        ("bulk create + invite", lambda: create_driver_accounts(actor=admin, customer=customer,
                                                                 ocean_ids=list(drivers))),
        ("bulk again (all skipped)", lambda: create_driver_accounts(actor=admin, customer=customer,
                                                                     ocean_ids=list(drivers))),
        ("CSV import (new e-mails, re-invite)", lambda: import_csv(actor=admin, customer=customer,
                                                                   data=csv_text.encode())),
        ("same CSV again (unchanged)", lambda: import_csv(actor=admin, customer=customer, data=csv_text.encode())),
    ):
        reset_queries()
        started = time.perf_counter()
        with redirect_stdout(io.StringIO()):  # the console backend prints every e-mail
            result = run()
        elapsed = time.perf_counter() - started
        c = result.counts
        print(f"| {label} | {elapsed:.2f} | {len(connection.queries)} | {c['created']} | {c['updated']} | "
              f"{c['unchanged'] + c['skipped']} | {c['invited']} |")


if __name__ == "__main__":
    main()
