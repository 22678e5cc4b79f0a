"""The core models (customers, accounts, audit); each area keeps its models in ``privacy/<area>/models.py``.

Import a model from the module that owns it. The area imports at the bottom only register the areas'
models with Django (the app's model registry reads ``privacy.models``); they are not re-exported, so a
dependency between areas stays visible to the import contracts (see pyproject.toml).
"""
from .accounts import Customer, DeclarationPolicy, Role, User
from .audit import AuditEntry
from .idempotency import IdempotentRequest
from .lease import Lease

__all__ = ["AuditEntry", "Customer", "DeclarationPolicy", "IdempotentRequest", "Lease", "Role", "User"]

from privacy.onboarding import models as onboarding_models  # noqa: E402,F401
from privacy.reports import models as reports_models  # noqa: E402,F401
from privacy.schedules import models as schedules_models  # noqa: E402,F401
from privacy.steps import models as steps_models  # noqa: E402,F401
