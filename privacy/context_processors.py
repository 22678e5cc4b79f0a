"""Navigation per role, built in one place so templates stay simple."""
from __future__ import annotations

from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from privacy.access import is_admin
from privacy.models import Role

# (url name, label, roles allowed; "admin" = staff). Later issues add their pages here.
# Entries whose URL does not exist (yet) are skipped.
NAV_ITEMS = [
    ("privacy:home", _("Home"), {Role.MANAGER, Role.DRIVER, Role.HR, "admin"}),
    ("privacy:drivers", _("Drivers"), {Role.MANAGER, "admin"}),
    ("privacy:templates", _("Templates"), {Role.MANAGER, "admin"}),
    ("privacy:calendars", _("Calendars"), {Role.MANAGER, "admin"}),
    ("privacy:trips_lookup", _("Trips"), {Role.MANAGER, "admin"}),
    ("privacy:declarations", _("Declarations"), {Role.MANAGER, "admin"}),
    ("privacy:history", _("History"), {Role.MANAGER, "admin"}),
    ("privacy:notifications", _("E-mails"), {Role.MANAGER, "admin"}),
    ("privacy:my_trips", _("My trips"), {Role.DRIVER}),
    ("privacy:my_schedule", _("My private hours"), {Role.DRIVER}),
    ("privacy:my_data", _("My data"), {Role.DRIVER}),
    ("privacy:reports", _("Reports"), {Role.HR, "admin"}),
    ("privacy:benefit", _("Benefit in kind"), {Role.HR, "admin"}),
    ("privacy:cnil_kit", _("CNIL kit"), {Role.HR, "admin"}),
    ("privacy:setup", _("Setup"), {"admin"}),
    ("privacy:users", _("Users"), {"admin"}),
]


@lru_cache(maxsize=64)
def _entries(roles: frozenset, _prefix: str) -> tuple[tuple[str, object], ...]:
    """(url, label) of the items these roles see; URLs resolved once per process (and script prefix)."""
    out = []
    for name, label, allowed in NAV_ITEMS:
        if roles & allowed:
            try:
                out.append((reverse(name), label))
            except NoReverseMatch:
                continue
    if "admin" in roles:
        out.append((reverse("admin:index"), _("Administration")))
    return tuple(out)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    roles = frozenset({user.role} | ({"admin"} if is_admin(user) else set()))
    admin_url = reverse("admin:index") if "admin" in roles else None
    return {"nav_items": [{"url": url, "label": label, "active": request.path == url and url != admin_url}
                          for url, label in _entries(roles, get_script_prefix())]}
