"""Schedule templates and bulk applications (templates or public holidays applied to many drivers).

Only what Ocean cannot hold lives here: the named weekly grids a manager reuses, and the progress of
a bulk job with one row per driver, so a Celery worker can claim, record and retry drivers one by one.
The schedules themselves stay in Ocean (the single source of truth).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduleTemplate(models.Model):
    """A named weekly grid (``WeeklySchedule.to_json_days()``) of one customer."""

    customer = models.ForeignKey(
        "privacy.Customer", on_delete=models.CASCADE, related_name="schedule_templates"
    )
    name = models.CharField(_("name"), max_length=100)
    week = models.JSONField(_("weekly private hours"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("schedule template")
        verbose_name_plural = _("schedule templates")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "name"], name="unique_template_name_per_customer"),
        ]

    def __str__(self) -> str:
        return self.name


class BulkKind(models.TextChoices):
    TEMPLATE = "template", _("Template")
    HOLIDAYS = "holidays", _("Public holidays")


class BulkStatus(models.TextChoices):
    RUNNING = "running", _("In progress")
    DONE = "done", _("Done")


class BulkApplication(models.Model):
    """One bulk job: a template (snapshot in ``payload``) or a list of holidays, for many drivers.

    ``payload`` is frozen at creation so a retry applies exactly what was asked, even if the
    template was edited meanwhile.
    """

    customer = models.ForeignKey("privacy.Customer", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=BulkKind.choices)
    template = models.ForeignKey(
        ScheduleTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    title = models.CharField(_("title"), max_length=200)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=BulkStatus.choices, default=BulkStatus.RUNNING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bulk application")
        verbose_name_plural = _("bulk applications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        from privacy.services.stored_text import shown

        return shown(self.title)


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("In progress")
    CONFIRMED = "confirmed", _("Confirmed by Ocean")
    SKIPPED = "skipped", _("Already up to date")
    FAILED = "failed", _("Failed")


class BulkApplicationItem(models.Model):
    """One driver of a bulk job and what happened to it."""

    application = models.ForeignKey(BulkApplication, on_delete=models.CASCADE, related_name="items")
    driver_id = models.BigIntegerField(_("driver (Ocean id)"))
    driver_name = models.CharField(_("driver"), max_length=200)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    message = models.CharField(_("result"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Who asked for this driver's change: the job's creator, or whoever retried it (the audit names them).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["driver_name", "driver_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "driver_id"], name="unique_driver_per_application"
            ),
        ]
        indexes = [models.Index(fields=["application", "status"])]

    def __str__(self) -> str:
        return f"{self.driver_name} ({self.status})"
