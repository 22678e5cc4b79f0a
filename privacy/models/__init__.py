"""Models, one module per domain; import them from here (``from privacy.models import Customer``)."""
from .accounts import Customer, DeclarationPolicy, Role, User
from .audit import AuditEntry

__all__ = ["AuditEntry", "Customer", "DeclarationPolicy", "Role", "User"]
from .reports import (  # noqa: F401
    Acquisition, PeriodKind, ReportMailing, ReportRefresh, ReportRow, ReportSnapshot, RowKind, VehicleCost,
)
from .schedules import BulkApplication, BulkApplicationItem, ScheduleTemplate  # noqa: F401
from .steps import DeclarationEvent, DeclarationStatus, StepAccessLog, StepDeclaration  # noqa: F401
from .onboarding import Invitation, OnboardingRun, RunKind  # noqa: F401
