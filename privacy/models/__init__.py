"""Models, one module per domain; import them from here (``from privacy.models import Customer``)."""
from .accounts import Customer, DeclarationPolicy, Role, User
from .audit import AuditEntry
from .onboarding import Invitation, OnboardingRun, RunKind
from .reports import (
    Acquisition,
    PeriodKind,
    ReportMailing,
    ReportRefresh,
    ReportRow,
    ReportSnapshot,
    RowKind,
    VehicleCost,
)
from .schedules import BulkApplication, BulkApplicationItem, ScheduleTemplate
from .steps import DeclarationEvent, DeclarationStatus, StepAccessLog, StepDeclaration

__all__ = [
    "Acquisition", "AuditEntry", "BulkApplication", "BulkApplicationItem", "Customer", "DeclarationEvent",
    "DeclarationPolicy", "DeclarationStatus", "Invitation", "OnboardingRun", "PeriodKind", "ReportMailing",
    "ReportRefresh", "ReportRow", "ReportSnapshot", "Role", "RowKind", "RunKind", "ScheduleTemplate", "StepAccessLog",
    "StepDeclaration", "User", "VehicleCost",
]
