"""The append-only audit log: who changed what, when, before/after and what Ocean answered.

A change sent to Ocean is written in two entries, never one updated (issue 15, "audit before write"):

- an **intent** (``phase="intent"``), committed *before* the request leaves: who, what, before and the
  state wanted (``after``);
- its **outcome** (``phase="outcome"``, ``intent`` pointing to it): ``applied`` / ``refused`` /
  ``unknown`` with Ocean's answer, written when the service knows — or, when a crash left the intent
  open, by the recovery task after re-reading Ocean (privacy/services/audit.py).

Why two rows rather than a status field completed once: the log stays strictly append-only (no
UPDATE is ever allowed, so no code path can rewrite history), the intent is the proof the change was
announced before it left, and "completed once" is still enforced by the database: a unique constraint
allows one outcome per intent. Entries about work that does not write to Ocean (a report refresh asked,
a user invited…) keep ``phase=""``: one entry, as before.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002 - refused whatever the arguments
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")


class Phase(models.TextChoices):
    SINGLE = "", _("entry")
    INTENT = "intent", _("intent (before sending to Ocean)")
    OUTCOME = "outcome", _("outcome")


class Outcome(models.TextChoices):
    APPLIED = "applied", _("applied")
    REFUSED = "refused", _("refused / not applied")
    UNKNOWN = "unknown", _("unknown")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # SET_NULL plus a copied label: deactivating or deleting a user keeps their history readable.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=150)
    customer = models.ForeignKey(
        "privacy.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    driver_id = models.BigIntegerField(_("driver (Ocean id)"), null=True, blank=True, db_index=True)
    target = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    upstream_result = models.CharField(_("Ocean answer"), max_length=500, blank=True)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default="", blank=True,
                             db_index=True)
    # On an outcome: the intent it completes (PROTECT: entries are never deleted anyway).
    intent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        constraints = [
            # An intent is completed once: a second outcome (a slow process answering after the
            # recovery task resolved its intent) is refused by the database, whatever the code does.
            models.UniqueConstraint(fields=["intent"], condition=models.Q(phase="outcome"),
                                    name="one_outcome_per_intent"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")
