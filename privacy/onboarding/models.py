"""Onboarding records: invitations sent and the reports of bulk account creations / CSV imports.

Accounts themselves are plain ``User`` rows; what is kept here is what an administrator needs to see
later: when a person was invited (and to which address), and what a bulk run created, skipped or
failed, line by line, so the result page survives a reload and can be read again the next day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """One invitation e-mail (a one-time link to choose a password) sent to a user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} {self.sent_at:%Y-%m-%d %H:%M}"


class RunKind(models.TextChoices):
    BULK = "bulk", _("Driver accounts from Ocean")
    CSV = "csv", _("CSV import")


class OnboardingRun(models.Model):
    """The report of one bulk creation or CSV import: counts and one row per driver / CSV line.

    ``rows``: ``[{"line": int | None, "matricule", "name", "username", "status", "reason",
    "invited": bool}]`` with status ``created`` / ``updated`` / ``unchanged`` / ``skipped`` / ``failed``.
    """

    customer = models.ForeignKey("privacy.Customer", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=RunKind.choices)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    counts = models.JSONField(_("counts"), default=dict)
    rows = models.JSONField(_("rows"), default=list)

    class Meta:
        verbose_name = _("onboarding run")
        verbose_name_plural = _("onboarding runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
