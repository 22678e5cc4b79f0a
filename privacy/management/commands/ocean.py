"""`manage.py ocean …` — the Ocean API from the command line, for scripts.

JSON on stdout, a message on stderr and exit code 1 on any error (usage errors included). Reads the
`OCEAN_*` settings, so it works against the simulator or any Ocean-compatible server, and shares the
token and the rate limit with the web and the workers. The work is done in ``privacy.cli``.
"""

from __future__ import annotations

import argparse
import logging
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacy.cli import doctor, fleet, probe, report, schedules
from privacy.cli.common import Cli, CliError, ensure_database
from privacy.ocean import OceanAuthError, OceanError, OceanRejected, OceanUnavailable
from privacy.ocean.analysis import RENDER_MODES
from privacy.week import WeekValidationError

ISO_HELP = gettext_lazy("ISO date and time; without an offset it is the customer's local time (2027-12-25T00:00)")


def _common_options() -> argparse.ArgumentParser:
    """Django's --verbosity / --traceback, also accepted after the subcommand (`ocean ping -v 3`).

    SUPPRESS as default: when absent here, the value parsed before the subcommand is kept."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbosity", type=int, choices=[0, 1, 2, 3], default=argparse.SUPPRESS)
    common.add_argument("--traceback", action="store_true", default=argparse.SUPPRESS)
    return common


COMMON = _common_options()


def _leaf(actions, name: str, **kwargs):
    return actions.add_parser(name, parents=[COMMON], **kwargs)


def _add_driver(parser, required: bool = True) -> None:
    parser.add_argument("--driver", type=int, required=required, metavar="ID", help=gettext_lazy("Ocean driver id"))


def _build_schedule(sub) -> None:
    schedule = sub.add_parser("schedule", help=gettext_lazy("recurring private-life week of a driver"))
    actions = schedule.add_subparsers(dest="schedule_action", required=True, metavar="{show,set,delete}")
    show = _leaf(actions, "show", help=gettext_lazy("the active week (and upcoming versions)"))
    _add_driver(show)
    show.add_argument("--history", action="store_true", help=gettext_lazy("also list closed versions"))
    put = _leaf(actions, "set", help=gettext_lazy("replace the week from --from (default now)"))
    _add_driver(put)
    put.add_argument(
        "--file",
        required=True,
        metavar="WEEK.json",
        help='{"LUNDI": [["00:00","08:00"],["18:00","23:59"]], …}',
    )
    put.add_argument("--from", dest="start", metavar="ISO", help=ISO_HELP)
    put.add_argument("--until", metavar="ISO", help=ISO_HELP)
    delete = _leaf(actions, "delete", help=gettext_lazy("delete one slot (ids from `schedule show`)"))
    _add_driver(delete)
    delete.add_argument("--slot", type=int, required=True, metavar="SLOT_ID")


def _build_periods(sub) -> None:
    periods = sub.add_parser("periods", help=gettext_lazy("exceptional private-life periods of a driver"))
    actions = periods.add_subparsers(dest="periods_action", required=True, metavar="{list,add,delete}")
    listing = _leaf(actions, "list", help=gettext_lazy("periods overlapping a window (default: -1 month, +2 years)"))
    _add_driver(listing)
    listing.add_argument("--from", dest="start", metavar="ISO", help=ISO_HELP)
    listing.add_argument("--to", dest="end", metavar="ISO", help=ISO_HELP)
    add = _leaf(actions, "add", help=gettext_lazy("add a period, or change one with --update"))
    _add_driver(add)
    add.add_argument("--label", required=True, metavar="TEXT")
    add.add_argument("--from", dest="start", required=True, metavar="ISO", help=ISO_HELP)
    add.add_argument("--to", dest="end", required=True, metavar="ISO", help=ISO_HELP)
    add.add_argument("--update", type=int, metavar="PERIOD_ID", help=gettext_lazy("id shown by `periods list`"))
    delete = _leaf(actions, "delete", help=gettext_lazy("delete a period that has not started yet"))
    delete.add_argument(
        "--period", type=int, required=True, metavar="PERIOD_ID", help=gettext_lazy("id shown by `periods list`")
    )


def _build(parser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    _leaf(sub, "ping", help=gettext_lazy("log in and show the account's state"))
    drivers = _leaf(sub, "drivers", help=gettext_lazy("list the drivers (individus)"))
    drivers.add_argument("--include-deleted", action="store_true", help=gettext_lazy("also list deleted drivers"))
    _leaf(sub, "vehicles", help=gettext_lazy("list the vehicles"))
    _build_schedule(sub)
    _build_periods(sub)
    steps = _leaf(sub, "steps", help=gettext_lazy("trips of a vehicle or a driver (ficheJour)"))
    who = steps.add_mutually_exclusive_group(required=True)
    who.add_argument("--vehicle", type=int, metavar="ID")
    who.add_argument("--driver", type=int, metavar="ID")
    steps.add_argument("--date", dest="date_", metavar="YYYY-MM-DD")
    steps.add_argument("--from", dest="first", metavar="YYYY-MM-DD")
    steps.add_argument("--to", dest="last", metavar="YYYY-MM-DD")
    declare = _leaf(sub, "declare", help=gettext_lazy("declare a trip private or professional afterwards"))
    declare.add_argument("--vehicle", type=int, required=True, metavar="ID")
    declare.add_argument("--step", type=int, required=True, metavar="STEP_ID")
    kind = declare.add_mutually_exclusive_group(required=True)
    kind.add_argument("--private", dest="private", action="store_true")
    kind.add_argument("--pro", dest="private", action="store_false")
    rep = _leaf(sub, "report", help=gettext_lazy("private/pro totals per driver or vehicle"))
    rep.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    rep.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    rep.add_argument(
        "--mode",
        default=report.DEFAULT_MODE,
        choices=sorted(RENDER_MODES),
        metavar="RENDER_MODE",
        help=gettext_lazy("one of the 10 render modes (default %(default)s)"),
    )
    rep.add_argument("--driver", dest="drivers", type=int, action="extend", nargs="+", default=[], metavar="ID")
    ask = _leaf(sub, "probe", help=gettext_lazy("first contact: ask Ocean what its documentation leaves open"))
    ask.add_argument(
        "--write-driver", type=int, metavar="ID",
        help=gettext_lazy("also the write questions, on this test driver (schedule and periods restored after)"),
    )
    check = _leaf(sub, "doctor", help=gettext_lazy("check the setup: Ocean, customers, cache, broker, worker, beat"))
    check.add_argument(
        "--worker-timeout", type=float, default=None, metavar="SECONDS",
        help=gettext_lazy("how long to wait for a worker's answer (default SETUP_WORKER_TIMEOUT)"),
    )


def _run(cli: Cli, o: dict) -> dict:
    action = o["action"]
    if action == "schedule":
        sub = o["schedule_action"]
        if sub == "show":
            return schedules.schedule_show(cli, driver=o["driver"], history=o["history"])
        if sub == "set":
            return schedules.schedule_set(cli, driver=o["driver"], file=o["file"], start=o["start"], until=o["until"])
        return schedules.schedule_delete(cli, driver=o["driver"], slot=o["slot"])
    if action == "periods":
        sub = o["periods_action"]
        if sub == "list":
            return schedules.periods_list(cli, driver=o["driver"], start=o["start"], end=o["end"])
        if sub == "add":
            return schedules.periods_add(
                cli, driver=o["driver"], label=o["label"], start=o["start"], end=o["end"], update=o["update"]
            )
        return schedules.periods_delete(cli, period=o["period"])
    if action == "ping":
        return fleet.ping(cli)
    if action == "drivers":
        return fleet.drivers(cli, include_deleted=o["include_deleted"])
    if action == "vehicles":
        return fleet.vehicles(cli)
    if action == "steps":
        return fleet.steps(
            cli, vehicle=o["vehicle"], driver=o["driver"], date_=o["date_"], first=o["first"], last=o["last"]
        )
    if action == "declare":
        return fleet.declare(cli, vehicle=o["vehicle"], step=o["step"], private=o["private"])
    if action == "doctor":
        return doctor.doctor(cli, worker_timeout=o["worker_timeout"])
    if action == "probe":
        return probe.probe(cli, write_driver=o["write_driver"])
    return report.report(cli, first=o["first"], last=o["last"], mode=o["mode"], drivers=o["drivers"])


def describe(exc: OceanError) -> str:
    """A message for an Ocean failure (errors.py guarantees no token or password in it)."""
    if isinstance(exc, OceanAuthError):
        return _("Ocean refused the login; check OCEAN_LOGIN and OCEAN_PASSWORD (%(message)s).") % {
            "message": exc.message
        }
    if isinstance(exc, OceanRejected):
        return _("Ocean refused the request (HTTP %(status)s): %(message)s") % {
            "status": exc.status,
            "message": exc.message,
        }
    if isinstance(exc, OceanUnavailable) and exc.outcome_unknown:
        return _(
            "Ocean did not confirm in time and the change may have been applied: check with a read "
            "command before trying again (%(message)s)."
        ) % {"message": exc.message}
    return _("Ocean is unavailable; try again later (%(message)s).") % {"message": exc.message}


class Command(BaseCommand):
    help = gettext_lazy("The Ocean API from the command line: JSON on stdout, errors on stderr with exit code 1.")

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help)  # argparse's text wrapping needs a real str, not a lazy one
        return parser

    def add_arguments(self, parser) -> None:
        _build(parser)

    def run_from_argv(self, argv) -> None:
        try:
            super().run_from_argv(argv)
        except SystemExit as exc:
            # argparse exits with 2 on a usage error; every error of this command exits with 1,
            # except the probe's "Ocean answers differently from the configuration" (3).
            if exc.code not in (0, None, probe.EXIT_CONTRADICTED):
                raise SystemExit(1) from None
            raise

    def handle(self, *_args, **options) -> None:
        cli = Cli()
        with _request_log(options["verbosity"]):
            try:
                ensure_database()
                result = _run(cli, options)
            except (CliError, WeekValidationError) as exc:
                raise CommandError(str(exc)) from None
            except OceanError as exc:
                raise CommandError(describe(exc)) from None
        warning = result.pop("warning", None)
        failure = result.pop("failure", None)  # a report saying something is wrong (doctor): JSON, then exit 1
        exit_code = result.pop("exit_code", 0)  # the probe: 3 when Ocean contradicts the configuration
        self.stdout.write(cli.dumps(result))
        if warning:
            self.stderr.write(warning)
        if failure:
            raise CommandError(failure)
        if exit_code:
            raise SystemExit(exit_code)


@contextmanager
def _request_log(verbosity: int):
    """-v 3: every HTTP request line (method, URL, status) on stderr through logging.

    urllib3 logs neither headers nor bodies, so the token (a header) and the password (the login
    body) stay out of it."""
    loggers = [logging.getLogger(name) for name in ("urllib3", "privacy.ocean", "privacy.cli")]
    levels = [lg.level for lg in loggers]
    if verbosity >= 3:
        for lg in loggers:
            lg.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
