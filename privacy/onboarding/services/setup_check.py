"""The setup check: is everything the portal needs in place? Used by the setup page and `ocean doctor`.

Each check answers ``ok``, ``warning`` (works, but act soon), ``error`` (something is wrong) or
``unverified`` (nothing can confirm it yet — said plainly rather than pretending). Checks never
raise: a failure is a result. Database, cache and broker probes are those of ``/healthz``.

What "customerId answers" means: the three fleet lists (``individus/list``, ``vehicule_engin/vehicles``,
``mobility/v1/entities``) succeed with that ``customerId`` (a wrong id answers 403). ``codeExploitant``
cannot be read back from any documented endpoint (ocean-api §2); it is confirmed only by evidence —
a declaration Ocean accepted with that code (§6.8 refuses a wrong one) — and otherwise ``unverified``.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacy.models import Customer, User
from privacy.ocean import OceanAuthError, OceanError, OceanRejected
from privacy.onboarding.services.setup_analysis import check_analysis
from privacy.services import health
from privacy.services.fleet import fleet_get
from privacy.services.health import BEAT_HEARTBEAT_KEY
from privacy.services.jobs import job_send_now
from privacy.services.ocean import ocean_client, ocean_error_reason

OK, WARNING, ERROR, UNVERIFIED = "ok", "warning", "error", "unverified"


@dataclass(frozen=True, slots=True)
class SetupCheck:
    key: str  # stable identifier for scripts, e.g. "ocean.login", "customer.1110000000.customer_id"
    label: str
    status: str
    detail: str
    data: dict = field(default_factory=dict)


@dataclass(slots=True)
class SetupReport:
    checks: list[SetupCheck]
    at: datetime

    @property
    def ok(self) -> bool:
        return all(c.status != ERROR for c in self.checks)

    def counts(self) -> dict[str, int]:
        out = {OK: 0, WARNING: 0, ERROR: 0, UNVERIFIED: 0}
        for check in self.checks:
            out[check.status] += 1
        return out

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "at": self.at.isoformat(timespec="seconds"),
            "counts": self.counts(),
            "checks": [asdict(c) for c in self.checks],
        }


# -- infrastructure ----------------------------------------------------------------------------------
def _infrastructure() -> list[SetupCheck]:
    labels = {"database": _("Database"), "cache": _("Shared cache"), "broker": _("Task broker")}
    # The very probes of /healthz (privacy.services.health), so both pages always agree.
    probes = {"database": health.probe_database, "cache": health.probe_cache, "broker": health.probe_broker}
    checks = []
    for name, probe in probes.items():
        result = health.timed_check(name, probe)
        checks.append(SetupCheck(name, labels[name], OK if result.ok else ERROR, result.detail, {"ms": result.ms}))
    return checks


def check_worker(timeout: float | None = None) -> SetupCheck:
    """A worker is alive when it runs a ``ping`` task and its answer shows up in the shared cache.

    A round trip through the default queue works on every broker (the filesystem broker has no remote
    control) and proves more than a remote-control ping: a worker actually consumes our queue."""
    timeout = settings.SETUP_WORKER_TIMEOUT if timeout is None else timeout
    label, token = _("Celery worker"), uuid.uuid4().hex
    started = time.monotonic()
    try:
        # expires: a ping nobody took in time is dropped later instead of being run for nothing.
        job_send_now("privacy.tasks.ping", token, expires=max(timeout * 5, 10), retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure is a result here
        return SetupCheck(
            "worker",
            label,
            ERROR,
            _("The task could not be queued: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"[:200]},
        )
    while True:
        if cache.get(f"worker:ping:{token}") == "pong":
            cache.delete(f"worker:ping:{token}")
            ms = int((time.monotonic() - started) * 1000)
            return SetupCheck("worker", label, OK, _("A worker answered in %(ms)s ms.") % {"ms": ms}, {"ms": ms})
        if time.monotonic() - started >= timeout:
            return SetupCheck(
                "worker",
                label,
                ERROR,
                _(
                    "No worker answered within %(seconds)s s: start one (make run, or "
                    "`celery -A ocean_portal worker`). Bulk jobs, reports and e-mails wait until then."
                )
                % {"seconds": f"{timeout:g}"},
            )
        time.sleep(0.05)


def check_beat(now: datetime | None = None) -> SetupCheck:
    now, label = now or timezone.now(), _("Celery beat (scheduler)")
    text = cache.get(BEAT_HEARTBEAT_KEY)
    try:
        last = datetime.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        last = None
    if last is None:
        return SetupCheck(
            "beat",
            label,
            ERROR,
            _(
                "Beat has not run in the last 24 hours: start it (make run, or `celery -A ocean_portal beat`). "
                "Nightly reports, reminders and re-sends depend on it."
            ),
        )
    age = int((now - last).total_seconds())
    data = {"last_run": last.isoformat(timespec="seconds"), "age_seconds": age}
    when = timezone.localtime(last).strftime("%d/%m/%Y %H:%M:%S")
    if age > settings.SETUP_BEAT_MAX_AGE:
        return SetupCheck(
            "beat",
            label,
            ERROR,
            _("Beat last ran at %(when)s (%(age)s s ago); it should run every minute. Restart it.")
            % {"when": when, "age": age},
            data,
        )
    return SetupCheck("beat", label, OK, _("Last run at %(when)s.") % {"when": when}, data)


# -- Ocean -------------------------------------------------------------------------------------------
def password_expiry_status(days: int | None) -> tuple[str, str]:
    """Status and text for ``passwordExpirationRemainingDays``."""
    if days is None:
        return OK, _("Ocean did not say when the password expires.")
    if days <= 0:
        return ERROR, _("The Ocean password has expired: change it in Ocean, then update OCEAN_PASSWORD.")
    text = ngettext(
        "The Ocean password expires in %(days)s day.", "The Ocean password expires in %(days)s days.", days
    ) % {"days": days}
    if days < settings.SETUP_PASSWORD_WARN_DAYS:
        return WARNING, text + " " + _("Change it in Ocean soon, then update OCEAN_PASSWORD.")
    return OK, text


def check_login() -> SetupCheck:
    """A fresh login (``auth/authenticate2``): proves the credentials and reads the password expiry."""
    label = _("Ocean login")
    try:
        info = ocean_client().authenticate()
    except OceanAuthError:
        return SetupCheck(
            "ocean.login",
            label,
            ERROR,
            _("Ocean refused the login: check OCEAN_LOGIN and OCEAN_PASSWORD."),
        )
    except OceanError as exc:
        return SetupCheck(
            "ocean.login",
            label,
            ERROR,
            _("Ocean cannot be reached at %(url)s: %(error)s") % {"url": settings.OCEAN_BASE_URL,
                                                                   "error": ocean_error_reason(exc)},
        )
    status, text = password_expiry_status(info.password_expiration_days)
    return SetupCheck(
        "ocean.login",
        label,
        status,
        text,
        {"password_expiration_days": info.password_expiration_days, "base_url": settings.OCEAN_BASE_URL},
    )


def _customer_id_error(exc: OceanError) -> str:
    if isinstance(exc, OceanRejected) and exc.status in (400, 403, 404):
        return _("Ocean refuses this customerId (HTTP %(status)s): is it a customer of this Ocean account?") % {
            "status": exc.status
        }
    return _("Ocean did not answer: %(error)s") % {"error": ocean_error_reason(exc)}


def check_customer_id(customer: Customer) -> SetupCheck:
    """The three fleet lists with this customerId; refreshes the fleet cache and counts what is seen."""
    key, label = (
        f"customer.{customer.ocean_customer_id}.customer_id",
        _("customerId %(id)s (%(name)s)") % {"id": customer.ocean_customer_id, "name": customer.name},
    )
    try:
        fleet = fleet_get(customer, refresh=True)
    except OceanError as exc:
        return SetupCheck(key, label, ERROR, _customer_id_error(exc))
    linked = User.objects.filter(customer=customer, ocean_individu_id__in=list(fleet.drivers), is_active=True).count()
    data = {
        "drivers": len(fleet.drivers),
        "vehicles": len(fleet.vehicles),
        "entities": len(fleet.entities),
        "drivers_with_account": linked,
    }
    detail = (
        _(
            "Ocean answers: %(drivers)s drivers, %(vehicles)s vehicles, %(entities)s entities; "
            "%(drivers_with_account)s drivers have a portal account."
        )
        % data
    )
    return SetupCheck(key, label, OK, detail, data)


def check_code_exploitant(customer: Customer) -> SetupCheck:
    from privacy.steps.models import DeclarationStatus, StepDeclaration

    key = f"customer.{customer.ocean_customer_id}.code_exploitant"
    label = _("codeExploitant of %(name)s") % {"name": customer.name}
    code = customer.code_exploitant.strip()
    if not code:
        return SetupCheck(key, label, ERROR, _("Not set: declarations cannot be sent to Ocean without it."))
    confirmed = (
        StepDeclaration.objects.filter(customer=customer, code_exploitant=code, status=DeclarationStatus.CONFIRMED)
        .order_by("-confirmed_at")
        .values_list("confirmed_at", flat=True)
        .first()
    )
    if confirmed:
        when = timezone.localtime(confirmed).strftime("%d/%m/%Y %H:%M")
        return SetupCheck(
            key,
            label,
            OK,
            _("“%(code)s”: Ocean accepted a declaration with it on %(when)s.") % {"code": code, "when": when},
            {"code_exploitant": code},
        )
    return SetupCheck(
        key,
        label,
        UNVERIFIED,
        _(
            "“%(code)s” is set, but no Ocean endpoint can confirm it: the first declaration sent to Ocean "
            "will (Ocean refuses a wrong code)."
        )
        % {"code": code},
        {"code_exploitant": code},
    )


def _customers_checks(customers: list[Customer], login_ok: bool) -> list[SetupCheck]:
    if not customers:
        return [
            SetupCheck(
                "customers", _("Customers"), ERROR, _("No customer yet: add one by its customerId on the setup page.")
            )
        ]
    checks = []
    for customer in customers:
        if login_ok:
            checks.append(check_customer_id(customer))
        else:
            checks.append(
                SetupCheck(
                    f"customer.{customer.ocean_customer_id}.customer_id",
                    _("customerId %(id)s (%(name)s)") % {"id": customer.ocean_customer_id, "name": customer.name},
                    UNVERIFIED,
                    _("Not checked: the Ocean login failed."),
                )
            )
        checks.append(check_code_exploitant(customer))
        if (analysis := check_analysis(customer, OK, WARNING, SetupCheck)) is not None:
            checks.append(analysis)
    return checks


def run_setup_checks(*, customers: list[Customer] | None = None, worker_timeout: float | None = None) -> SetupReport:
    """Every check, in the order a person fixes things: infrastructure, workers, Ocean, customers."""
    checks = _infrastructure()
    checks.append(check_worker(worker_timeout))
    checks.append(check_beat())
    login = check_login()
    checks.append(login)
    if customers is None:
        try:
            customers = list(Customer.objects.order_by("name", "pk"))
        except DatabaseError as exc:  # a fresh install: tables not created yet
            checks.append(
                SetupCheck(
                    "customers",
                    _("Customers"),
                    ERROR,
                    _("The database is not ready (%(error)s): run `manage.py migrate`.") % {"error": exc},
                )
            )
            return SetupReport(checks=checks, at=timezone.now())
    checks.extend(_customers_checks(customers, login.status != ERROR))
    return SetupReport(checks=checks, at=timezone.now())
