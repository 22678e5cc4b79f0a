"""Authentication backend: Django's ModelBackend, loading the user's customer in the same query.

Nearly every page reads ``request.user.customer`` (scope, time zone, Ocean account); with this backend
the session's user and their customer come back in one query instead of two.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class CustomerModelBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("customer").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
