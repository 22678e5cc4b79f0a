"""Stored report snapshots (rows normalised from `analyse/preformattedPrivacy`), their refreshes and
the vehicle costs HR enters for the benefit in kind.

A snapshot is written while ``is_current`` is False and becomes visible by one short transaction that
flips the pointer (readers always filter ``is_current=True``), so nobody sees half a report.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacy.models.accounts import Customer


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")
    CUSTOM = "custom", _("Custom")


class ReportSnapshot(models.Model):
    class Status(models.TextChoices):
        BUILDING = "building", _("Being written")
        COMPLETE = "complete", _("Complete")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="report_snapshots")
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField()  # first local day
    period_end = models.DateField()  # last local day (inclusive)
    render_mode = models.CharField(max_length=60, default="WITH_HORAIRE_SYNTHESIS")
    as_of = models.DateTimeField(_("as of"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BUILDING)
    is_current = models.BooleanField(default=False)
    bytes_read = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # What Ocean sent that the portal could not read (unknown period keys, another tree shape, totals that
    # do not add up), and the setting that would fix it; empty when every figure was read (D1).
    incomplete = models.TextField(_("incomplete"), blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "period_start", "period_end"],
                condition=Q(is_current=True),
                name="one_current_snapshot_per_period",
            )
        ]
        indexes = [models.Index(fields=["customer", "period_start", "period_end", "is_current"])]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.period_start}–{self.period_end} ({self.as_of:%Y-%m-%d %H:%M})"


class RowKind(models.TextChoices):
    DRIVER = "driver", _("Driver")
    VEHICLE = "vehicle", _("Vehicle")
    ENTITY = "entity", _("Entity")


class ReportRow(models.Model):
    """One driver, vehicle or entity of a snapshot. Integers in metres, seconds, Wh as Ocean sends
    them; litres, kWh and cost as decimals."""

    snapshot = models.ForeignKey(ReportSnapshot, on_delete=models.CASCADE, related_name="rows")
    kind = models.CharField(max_length=10, choices=RowKind.choices)
    ocean_id = models.BigIntegerField()
    name = models.CharField(max_length=200, blank=True)
    entity_id = models.BigIntegerField(null=True, blank=True)
    entity_name = models.CharField(max_length=200, blank=True)
    private_m = models.BigIntegerField(default=0)
    pro_m = models.BigIntegerField(default=0)
    private_s = models.BigIntegerField(default=0)
    pro_s = models.BigIntegerField(default=0)
    electric_private_m = models.BigIntegerField(default=0)
    electric_pro_m = models.BigIntegerField(default=0)
    battery_private = models.BigIntegerField(default=0)
    battery_pro = models.BigIntegerField(default=0)
    litres = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal(0))
    litres_private = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal(0))
    kwh = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal(0))
    kwh_private = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal(0))
    cost = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    cost_private = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    extra = models.JSONField(default=dict, blank=True)  # unknown period keys and malformed values

    class Meta:
        indexes = [models.Index(fields=["snapshot", "kind", "ocean_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.ocean_id} {self.name}"


class ReportRefresh(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="report_refreshes")
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    trigger = models.CharField(max_length=10, default="page")  # page | nightly
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # 0..100
    message = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        "privacy.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "period_start", "period_end", "status"])]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.period_start}–{self.period_end} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class ReportMailing(models.Model):
    """Marks a monthly HR e-mail as sent, so beat ticks never send it twice."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day of the month reported
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "month"], name="one_mailing_per_month")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month:%Y-%m}"


class Acquisition(models.TextChoices):
    PURCHASE = "purchase", _("Bought")
    LEASE = "lease", _("Leased (lease or LOA)")


_money = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class VehicleCost(models.Model):
    """What a vehicle costs the employer, entered by HR: the inputs of the benefit in kind."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="vehicle_costs")
    vehicle_id = models.BigIntegerField(_("vehicle (Ocean id)"))
    acquisition = models.CharField(_("acquisition"), max_length=10, choices=Acquisition.choices)
    purchase_price_ttc = models.DecimalField(_("purchase price incl. VAT (€)"), null=True, blank=True, **_money)
    annual_lease = models.DecimalField(_("annual lease (€)"), default=Decimal(0), **_money)
    annual_maintenance = models.DecimalField(_("annual maintenance (€)"), default=Decimal(0), **_money)
    annual_insurance = models.DecimalField(_("annual insurance (€)"), default=Decimal(0), **_money)
    first_registration = models.DateField(_("first registration"), null=True, blank=True)
    made_available = models.DateField(_("made available to the employee on"))
    employer_pays_fuel = models.BooleanField(_("fuel paid by the employer"), default=False)
    annual_fuel = models.DecimalField(_("fuel paid by the employer per year (€)"), default=Decimal(0), **_money)
    fuel_price_per_litre = models.DecimalField(
        _("fuel price per litre (€)"), max_digits=6, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    electric = models.BooleanField(_("fully electric (100 %)"), default=False)
    eligible_abatement = models.BooleanField(_("eligible for the electric abatement (score ≥ 60)"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "vehicle_id"], name="one_cost_per_vehicle")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} vehicle {self.vehicle_id}"


class BenefitMethod(models.TextChoices):
    FLAT = "flat", _("Flat rate")
    ACTUAL = "actual", _("Actual expenses")


class BenefitChoice(models.Model):
    """The employer's choice for one employee and year (rules-fr §B3: the method is chosen per employee
    for the year) and what the employee pays towards the vehicle each month (deducted, §B3)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    driver_id = models.BigIntegerField(_("driver (Ocean id)"))
    year = models.PositiveSmallIntegerField(_("year"))
    method = models.CharField(_("method"), max_length=10, choices=BenefitMethod.choices, default=BenefitMethod.FLAT)
    monthly_contribution = models.DecimalField(_("employee contribution per month (€)"), default=Decimal(0),
                                               **_money)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "driver_id", "year"],
                                               name="one_benefit_choice_per_driver_year")]

    def __str__(self) -> str:
        return f"{self.customer_id} driver {self.driver_id} {self.year} {self.method}"


class PayrollMonth(models.Model):
    """A month of the benefit in kind handed to payroll: exported, then locked by HR. Once locked its
    lines never change; a later difference is recorded as a correction line."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day
    exported_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey("privacy.User", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "month"], name="one_payroll_month")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month:%Y-%m}"


class PayrollLine(models.Model):
    """One driver's amount for a locked month as handed to payroll (kind initial) or a later difference
    (kind correction). Never updated nor deleted by the portal."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial")
        CORRECTION = "correction", _("Correction")

    payroll_month = models.ForeignKey(PayrollMonth, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    driver_id = models.BigIntegerField()
    matricule = models.CharField(max_length=60, blank=True)
    driver_name = models.CharField(max_length=200, blank=True)
    vehicles = models.CharField(max_length=300, blank=True)
    method = models.CharField(max_length=10, choices=BenefitMethod.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)  # a correction may be negative
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey("privacy.User", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["payroll_month", "driver_name", "driver_id", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.payroll_month} {self.driver_id} {self.kind} {self.amount}"
