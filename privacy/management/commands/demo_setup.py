"""Create the demo customer and one account per role, and print how to log in.

Run by `make run` on the embedded default. Idempotent: running it again resets the demo passwords.
The demo driver is the first driver Ocean lists; when Ocean cannot be reached yet (the simulator
starts right after this command), the simulator's first driver is used.
"""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from privacy.models import Customer, Role, User
from privacy.ocean import OceanError

# The simulator's first driver (ocean_sim/fleet.py), used when Ocean is not reachable yet.
SIM_FIRST_DRIVER = {"id": 7001, "matricule": "M0001", "prenom": "", "nom": ""}

DEMO_ACCOUNTS = [
    # username, password, role, first name, last name
    ("admin", "admin-demo-2026", None, "Alice", "Admin"),
    ("gestionnaire", "gestion-demo-2026", Role.MANAGER, "Marc", "Gestionnaire"),
    ("conducteur", "conduite-demo-2026", Role.DRIVER, "", ""),
    ("rh", "rh-demo-2026", Role.HR, "Hélène", "Ressources"),
]


def _first_ocean_driver(customer: Customer) -> dict:
    from dataclasses import replace

    from django.core.cache import cache

    from privacy.ocean import OceanClient
    from privacy.services.ocean import ocean_config

    # One try, no retries: when Ocean is the simulator it is not started yet, and that is expected.
    config = replace(ocean_config(customer_id=customer.ocean_customer_id), max_retries=0)
    try:
        drivers = [d for d in OceanClient(config, token_store=cache).individus_list() if not d.deleted and d.id]
    except OceanError:
        return SIM_FIRST_DRIVER
    if not drivers:
        return SIM_FIRST_DRIVER
    first = min(drivers, key=lambda d: d.id)
    return {"id": first.id, "matricule": first.matricule or "", "prenom": first.prenom or "", "nom": first.nom or ""}


class Command(BaseCommand):
    help = "Create the demo customer and one account per role (prints the passwords)."

    def handle(self, *args, **options):
        with transaction.atomic():
            customer, _ = Customer.objects.get_or_create(
                ocean_customer_id=settings.OCEAN_CUSTOMER_ID,
                defaults={"name": "Transports Démo", "code_exploitant": settings.OCEAN_CODE_EXPLOITANT},
            )
        driver = _first_ocean_driver(customer)
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
