"""Onboarding: customers from the Ocean account, invitations, manager / HR accounts, deactivation.

Invitations use Django's password-reset machinery: a link carrying ``uidb64`` and a
``default_token_generator`` token. The token hashes the user's password and last login, so it dies as
soon as a password is chosen (usable once), and after ``PASSWORD_RESET_TIMEOUT`` (3 days by default).
Accounts are created with an unusable password; nobody ever types a password for someone else.
Invitation e-mails are written in the portal's default language (French first), whatever the language
of the administrator's browser, and sent over one SMTP connection per batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacy.links import portal_url
from privacy.models import AuditEntry, Customer, Role, User
from privacy.ocean import Entity
from privacy.onboarding.models import Invitation
from privacy.services.audit import audit_record
from privacy.services.concurrency import check_version, remember
from privacy.services.ocean import ocean_client

log = logging.getLogger(__name__)

CUSTOMER_FIELDS = ("name", "code_exploitant", "time_zone", "declaration_policy", "declaration_deadline_days",
                   "to_private_policy", "to_private_reason", "to_pro_policy", "to_pro_reason", "strict_mode")


# -- customers -----------------------------------------------------------------------------------------
def customer_entities(ocean_customer_id: int) -> list[Entity]:
    """``mobility/v1/entities`` with this customerId: proves Ocean answers for it (else OceanError)."""
    probe = Customer(ocean_customer_id=ocean_customer_id)  # unsaved: the client only reads the id
    return sorted((e for e in ocean_client(probe).entities() if e.id is not None), key=lambda e: e.nom or "")


def customer_add(*, actor: User, customer: Customer, entities: list[Entity]) -> Customer:
    """Save a customer whose customerId was just probed (``customer_entities``)."""
    with transaction.atomic():
        customer.save()
        audit_record(
            actor=actor,
            action="customer.add",
            customer=customer,
            target=customer.name,
            after={**customer_state(customer), "entities": [e.nom for e in entities]},
            upstream_result=ngettext("%(count)s entity", "%(count)s entities", len(entities))
            % {"count": len(entities)},
        )
    return customer


def customer_update(*, actor: User, customer: Customer, before: dict, base_version: str = "") -> None:
    """Save the edited ``customer``; ``EditConflict`` when someone saved its settings since the form
    showed them (``base_version`` = ``customer_version`` then)."""
    after = customer_state(customer)
    with transaction.atomic():
        stored = Customer.objects.select_for_update().get(pk=customer.pk)
        check_version(base_version, customer_state(stored))
        if after == before:
            return
        customer.save()
        audit_record(
            actor=actor, action="customer.update", customer=customer, target=customer.name, before=before, after=after
        )


def customer_version(customer: Customer) -> str:
    return remember(customer_state(customer))


def customer_state(customer: Customer) -> dict:
    """What the audit log keeps of a customer's settings (before / after a change)."""
    return {"ocean_customer_id": customer.ocean_customer_id, **{f: getattr(customer, f) for f in CUSTOMER_FIELDS}}


# -- invitations -----------------------------------------------------------------------------------
def invitation_link(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("privacy:invitation", kwargs={"uidb64": uidb64, "token": default_token_generator.make_token(user)})
    return portal_url(path)


def invitation_refusal(user: User) -> str | None:
    """Why ``user`` cannot be invited now, or None."""
    if not user.is_active:
        return _("account deactivated")
    if not user.email:
        return _("no e-mail address")
    if user.has_usable_password():
        return _("already has a password (they can use “Forgot your password?”)")
    return None


def _invitation_message(user: User, connection) -> mail.EmailMultiAlternatives:
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    context = {
        "user": user,
        "link": invitation_link(user),
        "days": days,
        "customer": user.customer,
        "login_url": portal_url(reverse("login")),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("privacy/onboarding/invitation_subject.txt", context).strip()
        text = render_to_string("privacy/onboarding/invitation_email.txt", context)
        html = render_to_string("privacy/onboarding/invitation_email.html", context)
    message = mail.EmailMultiAlternatives(subject, text, None, [user.email], connection=connection)
    message.attach_alternative(html, "text/html")
    return message


@dataclass(frozen=True, slots=True)
class InvitationResult:
    user_id: int
    sent: bool
    reason: str = ""  # why not sent (refusal or mail error)


def send_invitations(users: Iterable[User], *, actor: User | None) -> dict[int, InvitationResult]:
    """One e-mail per eligible user over one connection; each failure is recorded, never raised."""
    results: dict[int, InvitationResult] = {}
    records: list[Invitation] = []
    connection = mail.get_connection()
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - the mail server is down: every invitation fails alike
        reason = _("the mail server refused the connection (%(error)s)") % {"error": type(exc).__name__}
        return {u.pk: InvitationResult(u.pk, False, reason) for u in users}
    try:
        for user in users:
            refusal = invitation_refusal(user)
            if refusal:
                results[user.pk] = InvitationResult(user.pk, False, refusal)
                continue
            try:
                _invitation_message(user, connection).send()
            except Exception as exc:  # noqa: BLE001 - one bad address must not stop the batch
                log.warning("invitation to user %s failed: %s", user.pk, type(exc).__name__)
                reason = _("sending failed (%(error)s)") % {"error": f"{type(exc).__name__}: {exc}"[:150]}
                records.append(Invitation(user=user, email=user.email, sent_by=actor, error=reason))
                results[user.pk] = InvitationResult(user.pk, False, reason)
                continue
            records.append(Invitation(user=user, email=user.email, sent_by=actor))
            results[user.pk] = InvitationResult(user.pk, True)
    finally:
        connection.close()
    with transaction.atomic():
        Invitation.objects.bulk_create(records)
        audit_many(
            actor,
            [
                {
                    "action": "user.invite",
                    "customer_id": r.user.customer_id,
                    "driver_id": r.user.ocean_individu_id,
                    "target": r.user.get_username(),
                    "after": {"email": r.email},
                    "upstream_result": r.error or "sent",
                }
                for r in records
            ],
        )
    return results


def audit_many(actor: User | None, entries: list[dict]) -> None:
    """``audit_record`` for a batch, in one INSERT (300 accounts = one statement, not 300).
    Append-only still holds: bulk_create only inserts."""
    label = actor.get_username() if actor is not None else "system"
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=actor, actor_label=label, **{**e, "target": e.get("target", "")[:200]}) for e in entries
    )


def last_invitations(user_ids: Iterable[int]) -> dict[int, Invitation]:
    """The latest invitation of each user (one query)."""
    latest: dict[int, Invitation] = {}
    for invitation in Invitation.objects.filter(user_id__in=list(user_ids)).order_by("user_id", "-sent_at", "-id"):
        latest.setdefault(invitation.user_id, invitation)
    return latest


# -- managers and HR -----------------------------------------------------------------------------------
def staff_create(
    *,
    actor: User,
    customer: Customer,
    username: str,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    entity_ids: list[int] | None = None,
    invite: bool = True,
) -> tuple[User, InvitationResult | None]:
    """A manager (optionally limited to some entities) or an HR user, with an unusable password."""
    if role not in (Role.MANAGER, Role.HR):
        raise ValueError(role)
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            role=role,
            customer=customer,
            first_name=first_name,
            last_name=last_name,
            entity_ids=sorted(entity_ids or []) if role == Role.MANAGER else [],
        )
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=actor,
            action="user.create",
            customer=customer,
            target=username,
            after={"role": role, "email": email, "entity_ids": user.entity_ids},
        )
    result = send_invitations([user], actor=actor)[user.pk] if invite else None
    return user, result


def user_set_active(*, actor: User, user: User, active: bool) -> bool:
    """Deactivate or reactivate; the row stays, so audit entries keep pointing at it. False if unchanged."""
    if user.is_active == active:
        return False
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="user.reactivate" if active else "user.deactivate",
            customer=user.customer,
            driver_id=user.ocean_individu_id,
            target=user.get_username(),
            before={"is_active": not active},
            after={"is_active": active},
        )
    return True
