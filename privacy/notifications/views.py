"""The e-mails page: who receives the reminders and the monthly HR e-mail, when, a preview, a test
sent to oneself, and opt-out per person. Managers see their drivers' reminders; administrators both."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from privacy import access
from privacy.models import Customer, Role, User
from privacy.notifications import services
from privacy.services.ocean import OceanError, ocean_error_message

KINDS = (services.REMINDERS, services.MONTHLY)


def _kinds(user) -> tuple[str, ...]:
    return KINDS if access.is_admin(user) else (services.REMINDERS,)


def _back(request, customer) -> str:
    query = f"?customer={customer.pk}" if access.is_admin(request.user) else ""
    return reverse("privacy:notifications") + query


@require_http_methods(["GET", "POST"])
@access.role_required(Role.MANAGER)
def notifications(request):
    customer = access.current_customer(request)
    kinds = _kinds(request.user)
    if request.method == "POST":
        return _post(request, customer, kinds)
    try:
        lists = {kind: services.recipients(request.user, customer, kind) for kind in kinds}
    except OceanError as exc:
        messages.error(request, ocean_error_message(exc))
        lists = {kind: [] for kind in kinds}
    preview, preview_for, preview_error = None, None, ""
    wanted = request.GET.get("preview", "")
    try:
        if wanted == services.MONTHLY and services.MONTHLY in kinds:
            preview = services.monthly_preview(customer)
        elif wanted == services.REMINDERS:
            preview_for = _recipient(lists[services.REMINDERS], request.GET.get("user", ""))
            preview = services.reminder_preview(customer, preview_for.user)
            if preview is None:
                preview_error = _("This driver has no trip in the reminder window: there is nothing to show.")
    except OceanError as exc:
        preview_error = ocean_error_message(exc)
    base, local = services.links_base()
    return render(request, "privacy/notifications.html", {
        "customer": customer, "lists": lists, "reminder_time": services.reminder_time(customer),
        "monthly_time": services.monthly_time(), "reminder_days": _reminder_days(),
        "preview_kind": wanted, "preview": preview, "preview_for": preview_for, "preview_error": preview_error,
        "links_base": base, "links_local": local, "back": _back(request, customer),
        "customers": Customer.objects.order_by("name", "pk") if access.is_admin(request.user) else []})


def _reminder_days() -> int:
    from django.conf import settings

    return settings.STEP_REMINDER_DAYS


def _recipient(people, pk: str):
    found = next((r for r in people if str(r.user.pk) == pk), None)
    if found is None:
        raise Http404
    return found


def _post(request, customer, kinds):
    kind = request.POST.get("kind", "")
    if kind not in kinds:
        return HttpResponseBadRequest(_("Unknown e-mail."))
    action = request.POST.get("action", "")
    try:
        people = services.recipients(request.user, customer, kind)
    except OceanError as exc:
        messages.error(request, ocean_error_message(exc))
        return redirect(_back(request, customer))
    if action in ("on", "off"):
        person = _recipient(people, request.POST.get("user", ""))
        services.set_receives(actor=request.user, customer=customer, user=person.user, kind=kind,
                              receives=action == "on")
        messages.success(request, (_("%(name)s receives this e-mail again.") if action == "on"
                                   else _("%(name)s no longer receives this e-mail.")) % {"name": person.name})
    elif action == "test":
        me: User = request.user
        if not me.email:
            messages.error(request, _("Your account has no e-mail address: the test cannot be sent."))
            return redirect(_back(request, customer))
        try:
            if kind == services.MONTHLY:
                subject, body = services.monthly_preview(customer)
            else:
                person = _recipient(people, request.POST.get("user", ""))
                preview = services.reminder_preview(customer, person.user)
                if preview is None:
                    messages.error(request, _("This driver has no trip in the reminder window: there is "
                                              "nothing to send."))
                    return redirect(_back(request, customer))
                subject, body = preview
        except OceanError as exc:
            messages.error(request, ocean_error_message(exc))
            return redirect(_back(request, customer))
        services.send_test(me, subject, body)
        messages.success(request, _("A test was sent to %(email)s; nobody else received it.") % {"email": me.email})
    else:
        return HttpResponseBadRequest(_("Unknown action."))
    return redirect(_back(request, customer))
