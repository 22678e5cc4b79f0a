"""Accounts (administrators): Ocean drivers in bulk, CSV import, run reports, users, managers and HR."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from privacy.access import current_customer
from privacy.models import Customer, Role, User
from privacy.onboarding.forms import CsvImportForm, StaffUserForm
from privacy.onboarding.models import OnboardingRun
from privacy.onboarding.services.accounts import last_invitations, send_invitations, staff_create, user_set_active
from privacy.onboarding.services.csv_import import CsvFileError, import_csv
from privacy.onboarding.services.drivers import create_driver_accounts, unlinked_drivers
from privacy.onboarding.views.setup import admin_required
from privacy.services.fleet import fleet_get
from privacy.services.ocean import OceanError
from privacy.views.common import customer_query, ocean_guard


def _customers_context(request, customer: Customer) -> dict:
    return {"customer": customer, "customers": Customer.objects.order_by("name", "pk"), "cq": customer_query(request)}


@require_http_methods(["GET", "POST"])
@admin_required
@ocean_guard
def onboarding_drivers(request):
    """Ocean drivers without a portal account; create accounts for the ticked ones or a whole entity."""
    customer = current_customer(request)
    drivers = unlinked_drivers(customer)
    if request.method == "POST":
        wanted_entity = request.POST.get("entity", "")
        if wanted_entity:
            ids = [d.ocean_id for d in drivers if str(d.entity_id) == wanted_entity]
        else:
            ids = [int(v) for v in request.POST.getlist("drivers") if v.isdigit()]
        if not ids:
            messages.error(request, _("Tick at least one driver, or choose an entity."))
        else:
            run = create_driver_accounts(
                actor=request.user, customer=customer, ocean_ids=ids, invite=request.POST.get("invite") == "1"
            )
            return redirect("privacy:onboarding_run", pk=run.pk)
    entities: dict[int | None, dict] = {}
    for d in drivers:
        group = entities.setdefault(
            d.entity_id, {"id": d.entity_id, "name": d.entity_name or _("No entity"), "count": 0}
        )
        group["count"] += 1
    return render(
        request,
        "privacy/onboarding/drivers.html",
        {
            **_customers_context(request, customer),
            "drivers": drivers,
            "entities": [e for e in entities.values() if e["id"] is not None],
            "without_email": sum(1 for d in drivers if not d.email),
        },
    )


@require_GET
@admin_required
def onboarding_run(request, pk: int):
    run = get_object_or_404(OnboardingRun.objects.select_related("customer", "created_by"), pk=pk)
    order = {"failed": 0, "skipped": 1, "created": 2, "updated": 3, "unchanged": 4}
    rows = sorted(run.rows, key=lambda r: (order.get(r["status"], 9), r["line"] or 0))
    return render(
        request, "privacy/onboarding/run.html", {"run": run, "rows": rows, "cq": f"?customer={run.customer_id}"}
    )


@require_http_methods(["GET", "POST"])
@admin_required
@ocean_guard
def users_import(request):
    customer = current_customer(request)
    form = CsvImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = import_csv(
                actor=request.user,
                customer=customer,
                data=upload.read(),
                filename=upload.name,
                invite=form.cleaned_data["invite"],
            )
        except CsvFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("privacy:onboarding_run", pk=run.pk)
    return render(request, "privacy/onboarding/import.html", {**_customers_context(request, customer), "form": form})


@require_GET
@admin_required
def users(request):
    customer = current_customer(request)
    state = request.GET.get("state", "active")
    queryset = User.objects.filter(customer=customer).order_by("role", "last_name", "first_name", "username")
    if state == "active":
        queryset = queryset.filter(is_active=True)
    elif state == "inactive":
        queryset = queryset.filter(is_active=False)
    role = request.GET.get("role", "")
    if role in Role.values:
        queryset = queryset.filter(role=role)
    accounts = list(queryset)
    invitations = last_invitations(u.pk for u in accounts)
    names = _entity_names(customer)
    rows = [
        {
            "user": u,
            "invitation": invitations.get(u.pk),
            "password_set": u.has_usable_password(),
            "scope": _scope(u, names),
        }
        for u in accounts
    ]
    return render(
        request,
        "privacy/onboarding/users.html",
        {
            **_customers_context(request, customer),
            "rows": rows,
            "state": state,
            "role": role,
            "roles": Role.choices,
        },
    )


def _entity_names(customer: Customer) -> dict[int, str]:
    try:
        return fleet_get(customer).entities
    except OceanError:  # entity names are a nicety: ids are shown while Ocean is down
        return {}


def _scope(user: User, names: dict[int, str]) -> str:
    if user.role == Role.DRIVER:
        return _("their own data")
    if user.role == Role.MANAGER and user.entity_ids:
        return ", ".join(names.get(i, f"#{i}") for i in user.entity_ids)
    return _("every entity")


@require_http_methods(["GET", "POST"])
@admin_required
@ocean_guard
def user_create(request):
    customer = current_customer(request)
    entities = fleet_get(customer).entities
    form = StaffUserForm(request.POST or None, entities=entities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user, invitation = staff_create(
            actor=request.user,
            customer=customer,
            username=data["username"],
            email=data["email"],
            role=data["role"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            entity_ids=data["entity_ids"],
            invite=data["invite"],
        )
        if invitation is None:
            messages.success(
                request, _("Account %(username)s created; no invitation sent yet.") % {"username": user.username}
            )
        elif invitation.sent:
            messages.success(
                request,
                _("Account %(username)s created; invitation sent to %(email)s.")
                % {"username": user.username, "email": user.email},
            )
        else:
            messages.warning(
                request,
                _("Account %(username)s created, but the invitation failed: %(reason)s")
                % {"username": user.username, "reason": invitation.reason},
            )
        return redirect(reverse("privacy:users") + customer_query(request))
    return render(request, "privacy/onboarding/user_form.html", {**_customers_context(request, customer), "form": form})


def _managed_user(pk: int) -> User:
    user = get_object_or_404(User, pk=pk)
    if user.is_staff or user.customer_id is None:
        raise Http404  # administrators are managed in the Django admin
    return user


def _back_to_users(user: User):
    return redirect(reverse("privacy:users") + f"?customer={user.customer_id}")


@require_POST
@admin_required
def user_active(request, pk: int):
    user = _managed_user(pk)
    active = request.POST.get("active") == "1"
    if user_set_active(actor=request.user, user=user, active=active):
        text = (
            _("%(username)s can log in again.")
            if active
            else _("%(username)s is deactivated: they can no longer log in; their history is kept.")
        )
        messages.success(request, text % {"username": user.get_username()})
    return _back_to_users(user)


@require_POST
@admin_required
def user_invite(request, pk: int):
    user = _managed_user(pk)
    result = send_invitations([user], actor=request.user)[user.pk]
    if result.sent:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
    else:
        messages.error(
            request,
            _("No invitation sent to %(username)s: %(reason)s.")
            % {"username": user.get_username(), "reason": result.reason},
        )
    return _back_to_users(user)
