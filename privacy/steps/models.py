"""Step declarations (a-posteriori private / pro) and the access log of who opened whose steps.

Ocean exposes no read-back of a step's privacy state (ocean-api §10.5), so these rows are the record
of what was asked, approved and confirmed. They hold only the step facts a declaration needs (times,
distance, duration, vehicle) — never an address or a coordinate (CNIL, rules-fr §A4/§C3).
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeclarationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    REJECTED = "rejected", _("Rejected")
    SENT = "sent", _("Sending to Ocean")
    CONFIRMED = "confirmed", _("Confirmed by Ocean")
    FAILED = "failed", _("Refused by Ocean")


class StepDeclaration(models.Model):
    """The current declaration of one step, keyed like Ocean keys steps (ocean-api §5.1)."""

    customer = models.ForeignKey("privacy.Customer", on_delete=models.CASCADE, related_name="+")
    code_exploitant = models.CharField(_("operator code"), max_length=50)
    numero_embarque = models.BigIntegerField(_("on-board number"))
    step_id = models.BigIntegerField(_("step id (idEtape)"))
    driver_id = models.BigIntegerField(_("driver (Ocean id)"), db_index=True)
    vehicle_id = models.BigIntegerField(_("vehicle (Ocean id)"))
    vehicle_label = models.CharField(_("vehicle"), max_length=100, blank=True)
    # Minimal step facts (no address, no coordinate).
    started_at = models.DateTimeField(_("start"))
    ended_at = models.DateTimeField(_("end"), db_index=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"), default=0)
    duration_s = models.PositiveIntegerField(_("duration (s)"), default=0)

    private = models.BooleanField(_("declared private"))
    status = models.CharField(_("status"), max_length=10, choices=DeclarationStatus.choices, db_index=True)
    # Every change of the wanted value bumps `version`; a send confirms only the version it sent,
    # so a newer choice made during a send is never overwritten by an older answer.
    version = models.PositiveIntegerField(default=1)
    on_behalf = models.BooleanField(_("declared by a manager"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_by_label = models.CharField(_("requested by"), max_length=150)
    requested_at = models.DateTimeField(_("requested at"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by_label = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.CharField(_("rejection reason"), max_length=500, blank=True)
    # What Ocean last confirmed (None = never confirmed) and its answer / last error.
    confirmed_private = models.BooleanField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    upstream_answer = models.CharField(_("Ocean answer"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("step declaration")
        verbose_name_plural = _("step declarations")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code_exploitant", "numero_embarque", "step_id"], name="one_declaration_per_step"
            ),
        ]
        indexes = [models.Index(fields=["customer", "status"])]

    def __str__(self) -> str:
        return f"{self.code_exploitant}/{self.numero_embarque}/{self.step_id}"

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.code_exploitant, self.numero_embarque, self.step_id)

    @property
    def distance_km(self) -> float:
        return round(self.distance_m / 1000, 1)

    @property
    def duration_min(self) -> int:
        return round(self.duration_s / 60)


class DeclarationEvent(models.Model):
    """One line of a declaration's history: a request, a decision or an answer from Ocean."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Requested by the driver")
        ON_BEHALF = "on_behalf", _("Declared by a manager")
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        CONFIRM = "confirm", _("Confirmed by Ocean")
        RETRY = "retry", _("Ocean unavailable, will retry")
        FAIL = "fail", _("Refused by Ocean")

    declaration = models.ForeignKey(StepDeclaration, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    private = models.BooleanField()
    actor_label = models.CharField(max_length=150)
    reason = models.CharField(max_length=500, blank=True)
    upstream_answer = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.kind}"


class StepAccessLog(models.Model):
    """Who opened which driver's (or vehicle's) steps, when (CNIL traceability, rules-fr §A10)."""

    class View(models.TextChoices):
        OWN = "own", _("Own trips")
        DRIVER = "driver", _("Driver's trips")
        VEHICLE = "vehicle", _("Vehicle's trips")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    user_label = models.CharField(_("who"), max_length=150)
    customer = models.ForeignKey("privacy.Customer", on_delete=models.CASCADE, related_name="+")
    view = models.CharField(_("page"), max_length=10, choices=View.choices)
    driver_id = models.BigIntegerField(_("driver (Ocean id)"), null=True, blank=True, db_index=True)
    vehicle_id = models.BigIntegerField(_("vehicle (Ocean id)"), null=True, blank=True)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))

    class Meta:
        verbose_name = _("step access")
        verbose_name_plural = _("step access log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_label} {self.view}"


class DayCheck(models.Model):
    """A driver said "this day is correct" in the portal: that day's reminders stop. Nothing goes to Ocean;
    declarations made afterwards still count (the check only silences the reminders)."""

    customer = models.ForeignKey("privacy.Customer", on_delete=models.CASCADE, related_name="+")
    driver_id = models.BigIntegerField(_("driver (Ocean id)"))
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("day checked by the driver")
        verbose_name_plural = _("days checked by drivers")
        constraints = [models.UniqueConstraint(fields=["customer", "driver_id", "day"], name="one_check_per_day")]

    def __str__(self) -> str:
        return f"{self.driver_id} {self.day}"
