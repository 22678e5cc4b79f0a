"""What every subcommand shares: the customer context, input parsing and JSON output.

Input times follow the issue: ISO-8601, a time without offset is the customer's local wall-clock
time (DST-safe through ``privacy.ocean.to_utc_from_local``); output times are ISO in the customer's
zone with the offset, so a script never has to guess.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from privacy.ocean import to_utc_from_local
from privacy.ocean.dates import apply_now_start

log = logging.getLogger("privacy.cli")

CLI_TARGET = "manage.py ocean"  # audit entries written by the command line say so


class CliError(Exception):
    """A user mistake or a refused request: the message goes to stderr, exit code 1."""


def ensure_database() -> None:
    """A fresh checkout has no tables yet: the embedded SQLite database is migrated here, silently, so
    the first command (and its audit entry) just works; any other database is the operator's, so the
    command stops with the one line to run before anything is sent to Ocean."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:  # unreachable server: reads work from the settings alone
        return
    if not pending:
        return
    if connection.vendor == "sqlite":
        call_command("migrate", interactive=False, verbosity=0)
        return
    raise CliError(_("The database is not set up yet: run `python manage.py migrate` first. Nothing was sent."))


class Cli:
    """The default customer (settings ``OCEAN_*``, plus its ``Customer`` row when there is one)."""

    def __init__(self, *, now: datetime | None = None) -> None:
        self.now = (now or timezone.now()).astimezone(UTC)

    @cached_property
    def customer(self):
        from privacy.models import Customer

        try:
            return Customer.objects.filter(ocean_customer_id=settings.OCEAN_CUSTOMER_ID).first()
        except DatabaseError:  # no database yet (fresh VAR_DIR): settings alone are enough
            return None

    @cached_property
    def tz_name(self) -> str:
        return self.customer.time_zone if self.customer is not None else settings.TIME_ZONE

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    @cached_property
    def client(self):
        from privacy.services.ocean import ocean_client

        return ocean_client(self.customer)

    @cached_property
    def code_exploitant(self) -> str:
        if self.customer is not None and self.customer.code_exploitant:
            return self.customer.code_exploitant
        return settings.OCEAN_CODE_EXPLOITANT

    # -- input --------------------------------------------------------------------------------
    def instant(self, text: str, flag: str) -> datetime:
        """ISO-8601 → aware UTC; without an offset the time is the customer's local time."""
        try:
            value = datetime.fromisoformat(text.strip())
        except ValueError:
            raise CliError(
                _("%(flag)s: “%(value)s” is not an ISO date and time (for example 2027-12-25T00:00).")
                % {"flag": flag, "value": text}
            ) from None
        return to_utc_from_local(value, self.tz_name)

    def future_instant(self, text: str | None, flag: str) -> datetime:
        """Like ``instant`` (default: now, sent as the next whole minute plus a margin so that a strict
        Ocean never sees it in the past), refused when in the past: Ocean never changes the past."""
        if text is None:
            return apply_now_start(self.now)
        value = self.instant(text, flag)
        if value < self.now:
            raise CliError(
                _("%(flag)s %(value)s is in the past: Ocean never changes the past. Nothing was sent.")
                % {"flag": flag, "value": self.local(value)}
            )
        return value

    def local_midnight(self, day: date) -> datetime:
        return to_utc_from_local(datetime.combine(day, time(0, 0)), self.tz_name)

    def local(self, value: datetime | None) -> str | None:
        return None if value is None else value.astimezone(self.tz).isoformat(timespec="seconds")

    def local_days(self, start: datetime, end: datetime) -> list[date]:
        """The customer-local days touched by [start, end)."""
        first = start.astimezone(self.tz).date()
        last = (end - timedelta(microseconds=1)).astimezone(self.tz).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    # -- output -------------------------------------------------------------------------------
    def plain(self, value: Any) -> Any:
        """Dataclasses (without ``raw``), dates and lazy texts → JSON-able values."""
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {
                f.name: self.plain(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.name != "raw"
            }
        if isinstance(value, datetime):
            return self.local(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):
            return {str(k): self.plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self.plain(v) for v in value]
        if isinstance(value, Promise):
            return str(value)
        return value

    def dumps(self, value: Any) -> str:
        return json.dumps(self.plain(value), ensure_ascii=False, indent=2)

    # -- audit --------------------------------------------------------------------------------
    _pending = None  # the open audit intent of the write in progress (``audited``)

    @contextmanager
    def audited(self, action: str, *, driver_id: int | None = None, before: Any = None, after: Any = None):
        """Audit before write: the intent is recorded before the block sends anything to Ocean; ``audit``
        completes it. No audit log, no write: a change must never reach Ocean unrecorded."""
        from privacy.ocean import OceanError, OceanUnavailable
        from privacy.services.audit import REFUSED, UNKNOWN, audit_write

        stack = ExitStack()
        try:
            write = stack.enter_context(audit_write(
                actor=None, action=action, customer=self.customer, driver_id=driver_id, target=CLI_TARGET,
                before=self.plain(before), after=self.plain(after)))
        except DatabaseError as exc:
            stack.close()
            raise CliError(_("Nothing was sent to Ocean: the audit log cannot be written (%(error)s).")
                           % {"error": type(exc).__name__}) from None
        with stack:
            self._pending = write
            try:
                yield write
            except OceanError as exc:
                write.done(UNKNOWN if isinstance(exc, OceanUnavailable) else REFUSED, exc.message)
                raise
            finally:
                self._pending = None

    def audit(
        self,
        action: str,
        *,
        driver_id: int | None = None,
        before: Any = None,
        after: Any = None,
        upstream_result: str = "ok",
        applied: bool = True,
    ) -> str | None:
        """Complete the open intent (``audited``) with what Ocean answered; returns a warning when the log
        is unusable (the change is already done upstream: a script must not send it again)."""
        from privacy.services.audit import APPLIED, REFUSED

        if self._pending is None:
            raise RuntimeError(f"cli audit of {action} outside Cli.audited()")
        try:
            self._pending.done(APPLIED if applied else REFUSED, upstream_result, after=self.plain(after))
        except DatabaseError as exc:
            log.warning("cli audit entry not written (%s)", type(exc).__name__)
            return _(
                "Warning: the change was made but could not be written to the audit log (%(error)s)."
            ) % {"error": type(exc).__name__}
        return None


def parse_day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(
            _("%(flag)s: “%(value)s” is not a date in YYYY-MM-DD format.") % {"flag": flag, "value": text}
        ) from None


def day_range(
    first: str, last: str, *, max_days: int, first_flag: str = "--from", last_flag: str = "--to"
) -> tuple[date, date]:
    """Two inclusive YYYY-MM-DD bounds, in order and at most ``max_days`` long."""
    start, end = parse_day(first, first_flag), parse_day(last, last_flag)
    if end < start:
        raise CliError(_("%(last)s must not be before %(first)s.") % {"last": last_flag, "first": first_flag})
    if (end - start).days + 1 > max_days:
        raise CliError(_("The period is limited to %(days)s days.") % {"days": max_days})
    return start, end
