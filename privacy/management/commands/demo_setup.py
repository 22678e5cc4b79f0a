"""Create the demo customer and one account per role, and print how to log in.

Run by `make run` on the embedded default, once the processes are started: ``--wait`` polls Ocean
(the simulator, just starting) for that many seconds at most. Idempotent: running it again resets the
demo passwords. The demo driver is the first driver Ocean lists, with its name; if Ocean still does not
answer, the simulator's first driver is used without a name, and a warning says so.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from privacy.links import portal_url
from privacy.models import Customer, Role, User
from privacy.ocean import OceanError, OceanUnavailable

# The simulator's first driver (ocean_sim/fleet.py), used when Ocean is not reachable yet.
SIM_FIRST_DRIVER = {"id": 7001, "matricule": "M0001", "prenom": "", "nom": ""}

DEMO_ACCOUNTS = [
    # username, password, role, first name, last name
    ("admin", "admin-demo-2026", None, "Alice", "Admin"),
    ("gestionnaire", "gestion-demo-2026", Role.MANAGER, "Marc", "Gestionnaire"),
    ("conducteur", "conduite-demo-2026", Role.DRIVER, "", ""),
    ("rh", "rh-demo-2026", Role.HR, "Hélène", "Ressources"),
]


def _ocean_drivers(customer: Customer, wait: float, poll: float = 0.5) -> list:
    """Ocean's drivers, asking again every ``poll`` seconds while it does not answer, ``wait`` at most.

    Only "unavailable" is waited for (the simulator is starting); a refused login or request is final."""
    from dataclasses import replace

    from django.core.cache import cache

    from privacy.ocean import OceanClient
    from privacy.services.ocean import ocean_config

    config = replace(ocean_config(customer_id=customer.ocean_customer_id), max_retries=0)
    deadline = time.monotonic() + wait
    while True:
        try:
            return [d for d in OceanClient(config, token_store=cache).individus_list() if not d.deleted and d.id]
        except OceanUnavailable:
            if time.monotonic() + poll > deadline:
                raise
            time.sleep(poll)


def _first_ocean_driver(customer: Customer, wait: float) -> tuple[dict, str | None]:
    """The demo driver, and a warning when Ocean could not name it."""
    try:
        drivers = _ocean_drivers(customer, wait)
    except OceanError as exc:
        return SIM_FIRST_DRIVER, (
            f"Ocean did not answer at {settings.OCEAN_BASE_URL} ({exc.message}): the demo driver has no name; "
            "run `python manage.py demo_setup` again once it answers."
        )
    if not drivers:
        return SIM_FIRST_DRIVER, None
    first = min(drivers, key=lambda d: d.id)
    return {"id": first.id, "matricule": first.matricule or "", "prenom": first.prenom or "",
            "nom": first.nom or ""}, None


class Command(BaseCommand):
    help = "Create the demo customer and one account per role (prints the passwords)."

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                            help="wait this long at most for Ocean to answer (the simulator starting)")

    def handle(self, *args, **options):
        with transaction.atomic():
            customer, _ = Customer.objects.get_or_create(
                ocean_customer_id=settings.OCEAN_CUSTOMER_ID,
                defaults={"name": "Transports Démo", "code_exploitant": settings.OCEAN_CODE_EXPLOITANT},
            )
        driver, warning = _first_ocean_driver(customer, options["wait"])
        if warning:
            self.stderr.write(warning)
        lines = []
        for username, password, role, first, last in DEMO_ACCOUNTS:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.first_name, user.last_name = (first, last) if role != Role.DRIVER else (driver["prenom"],
                                                                                         driver["nom"])
            user.email = f"{username}@demo.invalid"
            user.is_active = True
            if role is None:
                user.is_staff = user.is_superuser = True
                user.customer = None
            else:
                user.role, user.customer = role, customer
            if role == Role.DRIVER:
                user.ocean_individu_id, user.matricule = driver["id"], driver["matricule"]
            user.set_password(password)
            user.save()
            label = {None: "admin", Role.MANAGER: "manager", Role.DRIVER: "driver", Role.HR: "hr"}[role]
            lines.append(f"  {label:<8} {username:<13} {password}")
        self.stdout.write("Demo accounts (role, login, password):\n" + "\n".join(lines))
        self.stdout.write(f"Ocean Portal: {portal_url('/')}  (Ocean API: {settings.OCEAN_BASE_URL})")
