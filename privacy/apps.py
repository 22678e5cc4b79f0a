from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The areas of the app, each a package privacy/<area>/ (see the README's Development section).
AREAS_WITH_TASKS = ("schedules", "steps", "reports")


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Private use of vehicles")

    def ready(self) -> None:
        # Register every area's Celery tasks in every process (web, worker, CLI), like Django's admin
        # autodiscovery: services queue tasks by name (privacy.services.jobs) and never import them.
        import_module("privacy.tasks")
        for area in AREAS_WITH_TASKS:
            import_module(f"privacy.{area}.tasks")
        import_module("privacy.steps.signals")  # drivers' trips start loading at login
