"""Driver accounts in bulk from Ocean's ``individus/list``, linked by ``individu.id`` and matricule.

Re-running is harmless: a driver already linked to a portal account (active or not) is reported as
skipped, never created twice (the ``unique_driver_per_customer`` constraint backs this up when two
administrators click at once). A driver without an e-mail in Ocean still gets an account — linked
and ready — but no invitation; a later CSV import gives the address and sends it. The whole batch
costs a handful of queries whatever its size (one read of existing links and usernames, one
``bulk_create``), then one e-mail per driver over a single SMTP connection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_noop

from privacy.models import Customer, Role, User
from privacy.onboarding.models import OnboardingRun, RunKind
from privacy.onboarding.services.accounts import audit_many, send_invitations
from privacy.services.fleet import FleetDriver, fleet_get
from privacy.services.stored_text import coded, coded_join

CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED = "created", "updated", "unchanged", "skipped", "failed"


def linked_individu_ids(customer: Customer) -> dict[int, User]:
    """Ocean individu id → the portal account linked to it (deactivated accounts included)."""
    users = User.objects.filter(customer=customer, ocean_individu_id__isnull=False)
    return {u.ocean_individu_id: u for u in users}


def unlinked_drivers(customer: Customer) -> list[FleetDriver]:
    """Ocean drivers of ``customer`` without a portal account, by entity then name."""
    linked = set(
        User.objects.filter(customer=customer, ocean_individu_id__isnull=False).values_list(
            "ocean_individu_id", flat=True
        )
    )
    drivers = [d for d in fleet_get(customer).drivers.values() if d.ocean_id not in linked]
    return sorted(drivers, key=lambda d: (d.entity_name.lower(), d.nom.lower(), d.prenom.lower(), d.ocean_id))


class UsernamePool:
    """Usernames derived from matricules: lowercase, only characters Django accepts, unique."""

    def __init__(self) -> None:
        self.taken = set(User.objects.annotate(lower=Lower("username")).values_list("lower", flat=True))

    @staticmethod
    def base(matricule: str, ocean_id: int) -> str:
        cleaned = re.sub(r"[^a-z0-9._-]+", "-", matricule.strip().lower()).strip("-.")
        return (cleaned or f"driver{ocean_id}")[:140]

    def claim(self, matricule: str, ocean_id: int) -> str:
        base = self.base(matricule, ocean_id)
        name, n = base, 1
        while name in self.taken:
            n += 1
            name = f"{base}-{n}"
        self.taken.add(name)
        return name


def clean_email(value: str) -> str:
    """A valid address or ""; Ocean's free-text field sometimes holds something else."""
    value = (value or "").strip()
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def new_driver_user(driver: FleetDriver, customer: Customer, username: str, email: str) -> User:
    return User(
        username=username,
        email=email,
        first_name=driver.prenom[:150],
        last_name=driver.nom[:150],
        role=Role.DRIVER,
        customer=customer,
        ocean_individu_id=driver.ocean_id,
        matricule=driver.matricule[:50],
        password=make_password(None),  # unusable: the person chooses one through the invitation
    )


@dataclass(slots=True)
class ReportRow:
    matricule: str
    name: str
    status: str
    reason: str = ""
    username: str = ""
    invited: bool = False
    line: int | None = None
    driver_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "matricule": self.matricule,
            "name": self.name,
            "username": self.username,
            "status": self.status,
            "reason": self.reason,
            "invited": self.invited,
            "driver_id": self.driver_id,
        }


def _insert(users: list[User]) -> tuple[list[User], list[User]]:
    """Insert in one statement; on a conflict (someone else linked a driver meanwhile) row by row."""
    try:
        with transaction.atomic():
            User.objects.bulk_create(users)
        return users, []
    except IntegrityError:
        created, clashed = [], []
        for user in users:
            try:
                with transaction.atomic():
                    user.save()
                created.append(user)
            except IntegrityError:
                clashed.append(user)
        return created, clashed


def audit_created(actor: User, customer: Customer, users: list[User]) -> None:
    audit_many(
        actor,
        [
            {
                "action": "user.create",
                "customer_id": customer.pk,
                "driver_id": user.ocean_individu_id,
                "target": user.username,
                "after": {"role": user.role, "matricule": user.matricule, "email": user.email},
            }
            for user in users
        ],
    )


def apply_invitations(rows_by_user: dict[int, ReportRow], users: list[User], actor: User) -> None:
    """Send invitations to ``users`` and note the outcome on their report rows."""
    for user_id, result in send_invitations(users, actor=actor).items():
        row = rows_by_user[user_id]
        row.invited = result.sent
        if not result.sent:
            why = coded(gettext_noop("invitation not sent: %(why)s"), why=result.reason)
            row.reason = coded_join(*(p for p in (row.reason, why) if p), separator="; ")


def save_run(*, actor: User, customer: Customer, kind: str, rows: list[ReportRow], source: str = "") -> OnboardingRun:
    counts = {s: 0 for s in (CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED)}
    for row in rows:
        counts[row.status] += 1
    counts["invited"] = sum(1 for r in rows if r.invited)
    return OnboardingRun.objects.create(
        customer=customer,
        kind=kind,
        created_by=actor,
        source=source[:200],
        counts=counts,
        rows=[r.as_dict() for r in rows],
    )


def create_driver_accounts(
    *, actor: User, customer: Customer, ocean_ids: list[int], invite: bool = True
) -> OnboardingRun:
    """Accounts for the chosen Ocean drivers; the report says what was created, skipped and failed."""
    fleet = fleet_get(customer)
    linked = linked_individu_ids(customer)
    pool = UsernamePool()
    rows: list[ReportRow] = []
    to_create: list[tuple[User, ReportRow]] = []
    for ocean_id in dict.fromkeys(ocean_ids):  # de-duplicated, order kept
        driver = fleet.drivers.get(ocean_id)
        if driver is None:
            rows.append(
                ReportRow(str(ocean_id), "", FAILED, coded(gettext_noop("not a driver of this customer in Ocean")),
                          driver_id=ocean_id)
            )
            continue
        row = ReportRow(driver.matricule, driver.full_name, SKIPPED, driver_id=ocean_id)
        rows.append(row)
        if (existing := linked.get(ocean_id)) is not None:
            row.username = existing.username
            row.reason = coded(gettext_noop("already linked to %(username)s"), username=existing.username)
            if not existing.is_active:
                row.reason = coded_join(row.reason, coded(gettext_noop("(deactivated)")), separator=" ")
            continue
        email = clean_email(driver.email)
        user = new_driver_user(driver, customer, pool.claim(driver.matricule, ocean_id), email)
        row.status, row.username = CREATED, user.username
        if not email:
            row.reason = (
                coded(gettext_noop(
                    "no e-mail in Ocean: account created, invitation not sent (add the e-mail by CSV import)"))
                if not driver.email
                else coded(gettext_noop("the e-mail in Ocean is not valid: account created, no invitation"))
            )
        to_create.append((user, row))
    created, clashed = _insert([u for u, _row in to_create])
    clashed_ids = {id(u) for u in clashed}
    for user, row in to_create:
        if id(user) in clashed_ids:
            row.status = SKIPPED
            row.reason = coded(gettext_noop("already linked (created by someone else just now)"))
    # bulk_create sets primary keys on PostgreSQL and SQLite; read them back anyway for other backends.
    created = list(
        User.objects.filter(
            customer=customer,
            ocean_individu_id__in=[u.ocean_individu_id for u in created],
            username__in=[u.username for u in created],
        ).select_related("customer")
    )
    with transaction.atomic():
        audit_created(actor, customer, created)
    rows_by_user = {}
    by_driver = {r.driver_id: r for r in rows}
    for user in created:
        rows_by_user[user.pk] = by_driver[user.ocean_individu_id]
    if invite:
        apply_invitations(rows_by_user, [u for u in created if u.email], actor)
    return save_run(
        actor=actor,
        customer=customer,
        kind=RunKind.BULK,
        rows=rows,
        source=coded(gettext_noop("drivers selected: %(count)s"), count=len(rows)),
    )
