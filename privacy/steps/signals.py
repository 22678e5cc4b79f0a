"""A driver who logs in lands on their trips: their week's assignment history and private hours start
loading in the background at once (privacy.steps.services.wave.warm_driver_week)."""
from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from privacy.models import Role
from privacy.steps.services.fetch import local_today
from privacy.steps.services.wave import warm_driver_week


@receiver(user_logged_in, dispatch_uid="privacy.steps.warm_driver_week")
def warm_trips_at_login(sender, request, user, **kwargs) -> None:  # noqa: ARG001 - signal signature
    if getattr(request, "method", None) != "POST":  # a login through the form, not a session opened in code
        return
    if user.role != Role.DRIVER or user.customer_id is None or not user.ocean_individu_id:
        return
    today = local_today(user.customer)
    monday = today - timedelta(days=today.weekday())
    warm_driver_week(user.customer, user.ocean_individu_id, monday, monday + timedelta(days=6))
