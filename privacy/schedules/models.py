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


class CalendarKind(models.TextChoices):
    URL = "url", _("ICS subscription (URL)")
    ICS = "ics", _("ICS file")
    CSV = "csv", _("CSV export of an HR tool")


class CalendarSource(models.Model):
    """Where synced private periods come from: an ICS URL for one driver or every driver of an entity,
    or the file imports (ICS, CSV) of one driver. Only periods recorded in ``SyncedPeriod`` for a
    source are ever changed or removed by its syncs — never one a manager typed."""

    customer = models.ForeignKey("privacy.Customer", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=3, choices=CalendarKind.choices)
    label = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("ICS address"), max_length=1000, blank=True)
    driver_id = models.BigIntegerField(_("driver (Ocean id)"), null=True, blank=True)
    entity_id = models.BigIntegerField(_("entity (Ocean id)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_synced_at = models.DateTimeField(_("last sync"), null=True, blank=True)
    last_result = models.CharField(_("last result"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("calendar source")
        verbose_name_plural = _("calendar sources")
        ordering = ["label", "id"]

    def __str__(self) -> str:
        return self.label


class SyncedPeriod(models.Model):
    """An exceptional period a calendar source created in Ocean (its event ``uid`` → Ocean's id)."""

    source = models.ForeignKey(CalendarSource, on_delete=models.CASCADE, related_name="synced")
    driver_id = models.BigIntegerField(_("driver (Ocean id)"))
    uid = models.CharField(max_length=255)
    period_id = models.BigIntegerField(_("Ocean period id"))
    label = models.CharField(_("label"), max_length=100)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "driver_id", "uid"], name="one_synced_period_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.driver_id})"
