"""Customers (Ocean client accounts) and portal users with their role."""
from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class DeclarationPolicy(models.TextChoices):
    DIRECT = "direct", _("Direct: a driver's declaration goes to Ocean at once")
    APPROVAL = "approval", _("Approval: a manager approves each declaration")


class DirectionPolicy(models.TextChoices):
    """The policy for one direction of change (pro → private, private → pro); empty = the general one."""

    SAME = "", _("Same as the declaration policy")
    DIRECT = "direct", _("Self-service: straight to Ocean")
    APPROVAL = "approval", _("A manager approves")


class Customer(models.Model):
    """An Ocean customer (``customerId``) whose drivers the portal manages."""

    name = models.CharField(_("name"), max_length=200)
    ocean_customer_id = models.BigIntegerField(_("Ocean customerId"), unique=True)
    code_exploitant = models.CharField(_("operator code (codeExploitant)"), max_length=50)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validate_time_zone]
    )
    declaration_policy = models.CharField(
        _("declaration policy"),
        max_length=10,
        choices=DeclarationPolicy.choices,
        default=DeclarationPolicy.DIRECT,
    )
    declaration_deadline_days = models.PositiveSmallIntegerField(
        _("declaration deadline (days after the trip)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # Finer rules per direction (issue 19 #5): e.g. pro → private self-service, private → pro approved
    # with a reason; and a strict logbook mode (German practice: nothing changes after the deadline).
    to_private_policy = models.CharField(
        _("declaring a trip private"), max_length=10, choices=DirectionPolicy.choices, blank=True, default="")
    to_private_reason = models.BooleanField(_("a reason is required to declare a trip private"), default=False)
    to_pro_policy = models.CharField(
        _("declaring a trip professional"), max_length=10, choices=DirectionPolicy.choices, blank=True,
        default="")
    to_pro_reason = models.BooleanField(_("a reason is required to declare a trip professional"), default=False)
    strict_mode = models.BooleanField(
        _("strict logbook mode"), default=False,
        help_text=_("Nothing changes after the deadline, not even by a manager; every change stays visible "
                    "with its history on the trip."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def declaration_rule_private(self) -> tuple[bool, bool]:
        return self.declaration_rule(True)

    @property
    def declaration_rule_pro(self) -> tuple[bool, bool]:
        return self.declaration_rule(False)

    def declaration_rule(self, private: bool) -> tuple[bool, bool]:
        """(needs a manager's approval, needs a reason) for a driver declaring a trip ``private`` or pro."""
        policy = (self.to_private_policy if private else self.to_pro_policy) or self.declaration_policy
        return policy == DeclarationPolicy.APPROVAL, bool(self.to_private_reason if private else self.to_pro_reason)


class Role(models.TextChoices):
    MANAGER = "manager", _("Fleet manager")
    DRIVER = "driver", _("Driver")
    HR = "hr", _("HR")


class User(AbstractUser):
    """A portal account. Staff users are administrators; everyone else has exactly one role."""

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # Drivers: the Ocean individu they are.
    ocean_individu_id = models.BigIntegerField(_("Ocean individu id"), null=True, blank=True)
    matricule = models.CharField(_("matricule"), max_length=50, blank=True)
    # Managers: when non-empty, only drivers of these Ocean entities are in scope.
    entity_ids = models.JSONField(
        _("entity ids (managers; empty = every entity)"), default=list, blank=True
    )
    # E-mails the person accepts (the notifications page; opt-out per person).
    notify_reminders = models.BooleanField(_("receives the declaration reminders"), default=True)
    notify_monthly = models.BooleanField(_("receives the monthly report e-mail"), default=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "ocean_individu_id"],
                condition=models.Q(ocean_individu_id__isnull=False),
                name="unique_driver_per_customer",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role and not self.is_staff and self.customer_id is None:
            raise ValidationError({"customer": _("A user with a role belongs to a customer.")})
        if self.role == Role.DRIVER and self.ocean_individu_id is None:
            raise ValidationError({"ocean_individu_id": _("A driver is linked to an Ocean individu.")})
        if not isinstance(self.entity_ids, list) or not all(
            isinstance(i, int) for i in self.entity_ids
        ):
            raise ValidationError({"entity_ids": _("Give a list of entity ids, e.g. [12, 15].")})

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.is_staff

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_driver(self) -> bool:
        return self.role == Role.DRIVER

    @property
    def is_hr(self) -> bool:
        return self.role == Role.HR
