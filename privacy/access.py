"""Who may see or change which driver's data — the single place that decides it.

Every view asks here; nothing else compares roles, customers or entity scopes. Drivers live in
Ocean, so a driver is described by anything with ``customer_id`` (portal Customer pk),
``ocean_id`` and ``entity_id`` attributes (a synced row or a ``DriverRef``).

Answers: a wrong *role* for a page is 403 (the page exists for others); data of another customer,
another driver or outside a manager's entity scope is 404, so ids cannot be probed (IDOR).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Protocol

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from privacy.models import Customer, Role, User


class DriverLike(Protocol):
    customer_id: int
    ocean_id: int
    entity_id: int | None


class VehicleLike(Protocol):
    entity_id: int | None


@dataclass(frozen=True, slots=True)
class DriverRef:
    customer_id: int
    ocean_id: int
    entity_id: int | None = None


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def has_role(user: User, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def customer_of(user: User) -> Customer | None:
    return user.customer if user.is_authenticated else None


def in_entity_scope(user: User, entity_id: int | None) -> bool:
    """A manager without entity ids sees every entity; with some, only those."""
    return not user.entity_ids or entity_id in user.entity_ids


def can_view_driver(user: User, driver: DriverLike) -> bool:
    """Schedules, periods, steps (masked where private) and declarations of ``driver``."""
    if is_admin(user):
        return True
    if not user.is_authenticated or not user.is_active or user.customer_id != driver.customer_id:
        return False
    if user.role == Role.MANAGER:
        return in_entity_scope(user, driver.entity_id)
    if user.role == Role.DRIVER:
        return user.ocean_individu_id == driver.ocean_id
    return False


def can_change_driver(user: User, driver: DriverLike) -> bool:
    """Schedules, exceptional periods and declarations on the driver's behalf."""
    if is_admin(user):
        return True
    return has_role(user, Role.MANAGER) and can_view_driver(user, driver)


def can_change_drivers(user: User, drivers: Iterable[DriverLike]) -> bool:
    """A job over many drivers (a bulk run, its retry): only who may change *every* one of them."""
    return all(can_change_driver(user, driver) for driver in drivers)


def require_drivers_change(user: User, drivers: Iterable[DriverLike]) -> None:
    """404 when one of ``drivers`` is outside the user's reach (ids cannot be probed), 403 for a role
    that never changes drivers."""
    drivers = list(drivers)
    for driver in drivers:
        require_driver_view(user, driver)
    if not can_change_drivers(user, drivers):
        raise PermissionDenied


def can_declare_own_steps(user: User, driver: DriverLike) -> bool:
    return has_role(user, Role.DRIVER) and can_view_driver(user, driver)


def can_see_private_details(user: User, driver: DriverLike) -> bool:
    """Addresses and positions of a *private* step: only the driver themself, never a manager,
    HR or an administrator (CNIL: no location outside working time)."""
    return has_role(user, Role.DRIVER) and user.customer_id == driver.customer_id and (
        user.ocean_individu_id == driver.ocean_id
    )


def can_view_vehicle(user: User, customer: Customer, entity_id: int | None) -> bool:
    """A vehicle's trips (masked where private): administrators, and the customer's managers whose
    entity scope holds the vehicle's entity."""
    if is_admin(user):
        return True
    if not has_role(user, Role.MANAGER) or user.customer_id != customer.pk:
        return False
    return in_entity_scope(user, entity_id)


def can_view_reports(user: User, customer: Customer) -> bool:
    if is_admin(user):
        return True
    return has_role(user, Role.HR) and user.customer_id == customer.pk


def require_driver_view(user: User, driver: DriverLike) -> None:
    if not can_view_driver(user, driver):
        raise Http404


def require_driver_change(user: User, driver: DriverLike) -> None:
    require_driver_view(user, driver)
    if not can_change_driver(user, driver):
        raise PermissionDenied


def role_required(*roles: str, allow_admin: bool = True):
    """View decorator: logged in (else login page), and one of ``roles`` (else 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if (allow_admin and is_admin(user)) or has_role(user, *roles):
                if not is_admin(user) and user.customer_id is None:
                    raise PermissionDenied
                return view(request, *args, **kwargs)
            raise PermissionDenied

        return wrapper

    return decorator


def current_customer(request) -> Customer:
    """The customer a page works on: the user's own; an administrator picks one with ``?customer=``
    (default: their last choice, else the oldest customer). 404 when there is none to show."""
    user = request.user
    if not is_admin(user):
        if user.customer is None:
            raise PermissionDenied
        return user.customer
    # An administrator's last choice is kept in the session; without one, the oldest customer (the one
    # set up first, with its users), never a customer just added and still empty.
    wanted = request.GET.get("customer", "")
    session = getattr(request, "session", None)
    if not wanted.isdigit() and session is not None:
        wanted = str(session.get("admin_customer", ""))
    customer = Customer.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    customer = customer or Customer.objects.order_by("pk").first()
    if customer is None:
        raise Http404
    if session is not None and session.get("admin_customer") != customer.pk:
        session["admin_customer"] = customer.pk
    return customer


def drivers_visible(user: User, drivers: Iterable[DriverLike]) -> list[DriverLike]:
    """``[d for d in drivers if can_view_driver(user, d)]`` with the user's rights worked out once: a fleet
    of 1,000 drivers checked one by one cost ≈ 10 ms a page (issue 16's load profile)."""
    if is_admin(user):
        return list(drivers)
    if not user.is_authenticated or not user.is_active:
        return []
    customer_id = user.customer_id
    if user.role == Role.MANAGER:
        scope = set(user.entity_ids or ())
        return [d for d in drivers if d.customer_id == customer_id and (not scope or d.entity_id in scope)]
    if user.role == Role.DRIVER:
        return [d for d in drivers if d.customer_id == customer_id and d.ocean_id == user.ocean_individu_id]
    return []


def vehicles_visible(user: User, customer: Customer, vehicles: Iterable[VehicleLike]) -> list[VehicleLike]:
    """``[v for v in vehicles if can_view_vehicle(user, customer, v.entity_id)]``, rights worked out once."""
    if is_admin(user):
        return list(vehicles)
    if not has_role(user, Role.MANAGER) or user.customer_id != customer.pk:
        return []
    scope = set(user.entity_ids or ())
    return [v for v in vehicles if not scope or v.entity_id in scope]
