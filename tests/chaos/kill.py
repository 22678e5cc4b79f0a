"""Kill chaos (issue 15): user actions over HTTP while processes are SIGKILLed, then a recovery window.

The real stack runs as separate processes on PostgreSQL + Redis (tests/chaos/procs.py): the simulator
(300 ms latency, so kills land mid-request), gunicorn, a Celery worker (prefork) and beat. A manager and
an HR user act through HTTP: grid saves, exceptional periods, declarations on a driver's behalf, template
runs on groups of drivers, report refreshes. At random moments during them one process is killed with
SIGKILL (a Celery pool process, the whole worker, a gunicorn worker, the simulator); what died is
restarted. After the last kill the run waits for the recovery window and then counts, from the
simulator's own tables and the portal's database:

- **lost**: a change the portal reported as done (success message, "applied" outcome, confirmed bulk
  item or declaration) that Ocean does not hold;
- **doubled**: a change applied twice (an exceptional period present twice: periods are not idempotent);
- **unaudited**: something in Ocean written by the run with no audit intent recorded before it (every
  schedule version, period and declaration is matched with an intent);
- **not-final**: after the recovery window, a bulk run or item, a report refresh or a declaration still
  in progress, or an audit intent without its outcome.

Used by bench/chaos.py --kills N (and the short CI run tests/chaos/test_kill_chaos.py).
"""
from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

import requests

GRID = [7001, 7002, 7003, 7004]
DECLARING = [7001, 7002, 7003]
PERIOD_DRIVERS = [7005, 7006, 7007, 7008]
GROUPS = [[7009, 7010, 7011, 7012], [7013, 7014, 7015, 7016]]
WEIGHTS = {"grid_save": 26, "period_add": 20, "declare": 22, "template_apply": 16, "refresh": 8, "none": 8}
TARGETS = {"pool": 30, "worker": 15, "gunicorn": 35, "sim": 20}
LABEL = "kc-"
HIDDEN = {"base_version", "idempotency_key"}


@dataclass
class Counts:
    lost: list = field(default_factory=list)
    doubled: list = field(default_factory=list)
    unaudited: list = field(default_factory=list)
    not_final: list = field(default_factory=list)


class KillRun:
    def __init__(self, *, stack, customer, manager, hr, templates, seed: int, base_url: str) -> None:
        self.stack, self.customer, self.templates = stack, customer, templates
        self.rng = random.Random(seed)
        self.base = base_url
        self.sessions = {"manager": self._session(manager), "hr": self._session(hr)}
        self.grid_events: dict[int, list] = {d: [] for d in GRID}
        self.periods_shown: list[tuple[int, str, str]] = []  # (driver, label, shown)
        self.actions: dict[str, dict[str, int]] = {}
        self.kills: dict[str, int] = {}
        self.steps: dict[int, list] = {}
        self.started_at = None
        self.n = 0

    # ----- setup ---------------------------------------------------------------------------------
    def _session(self, user) -> requests.Session:
        from django.middleware.csrf import _get_new_csrf_string
        from django.test import Client

        client = Client()
        client.force_login(user)
        token = _get_new_csrf_string()
        s = requests.Session()
        s.cookies.set("sessionid", client.cookies["sessionid"].value)
        s.cookies.set("csrftoken", token)
        s.headers.update({"X-CSRFToken": token, "Accept-Language": "fr"})
        return s

    def setup(self) -> None:
        from django.utils import timezone

        from privacy.services.fleet import fleet_get
        from privacy.steps.services.fetch import local_today
        from privacy.steps.services.trips import driver_steps_page

        manager = self.sessions["manager"]
        fleet = fleet_get(self.customer)
        today = local_today(self.customer)
        from privacy.models import User

        viewer = User.objects.get(username="kc-manager")
        for d in DECLARING:
            rows = []
            for ago in (1, 2, 3):
                day = today - timedelta(days=ago)
                page = driver_steps_page(viewer=viewer, customer=self.customer, driver=fleet.drivers[d],
                                         first=day, last=day)
                rows += [r for g in page.days for r in g.rows if r.numero_embarque and r.driver_id == d]
            self.steps[d] = rows[:6]
        assert manager.get(f"{self.base}/templates/", timeout=30).status_code == 200
        self.started_at = timezone.now()

    # ----- actions -------------------------------------------------------------------------------
    def _note(self, kind: str, shown: str) -> None:
        self.actions.setdefault(kind, {}).setdefault(shown, 0)
        self.actions[kind][shown] += 1

    def _shown(self, response) -> str:
        """What the user saw: the message of the page the POST redirected to (or the form's errors)."""
        if response is None:
            return "unknown"  # the connection died with the gunicorn worker: the user saw nothing sure
        if response.status_code >= 500:
            return "unknown"
        if response.status_code != 302:  # the form again, with its error: "failed", or "may have been applied"
            unknown = "message-warning" in response.text or "peut-être été appliquée" in response.text
            return "unknown" if unknown else "failed"
        try:
            page = self.sessions["manager"].get(self.base + response.headers["Location"], timeout=30).text
        except requests.RequestException:
            return "unknown"
        for css, shown in (("message-success", "confirmed"), ("message-warning", "unknown"),
                           ("message-error", "failed"), ("message-info", "unchanged")):
            if css in page:
                return shown
        return "unknown"

    def _hidden(self, who: str, path: str) -> dict:
        """The form's hidden fields a browser would send back (an edit's base version, an idempotency key)."""
        try:
            page = self.sessions[who].get(self.base + path, timeout=30).text
        except requests.RequestException:
            return {}
        found = {}
        for tag in re.findall(r"<input[^>]+>", page):
            name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
            if 'type="hidden"' in tag and name and name[1] in HIDDEN:
                found[name[1]] = value[1] if value else ""
        return found

    def _post(self, who: str, path: str, data: dict):
        try:
            return self.sessions[who].post(self.base + path, data=data, allow_redirects=False, timeout=60)
        except requests.RequestException:
            return None

    def _week(self):
        from privacy.week import DAYS, WeeklySchedule

        cells = []
        for day in DAYS:
            if self.rng.random() < 0.6:
                a = self.rng.randrange(0, 90)
                cells += [(day, i) for i in range(a, min(96, a + self.rng.randrange(1, 40)))]
        return WeeklySchedule.from_cells(cells or [("SAMEDI", 40)])

    def grid_save(self) -> None:
        from privacy.schedules.forms import week_to_cells

        d, week = self.rng.choice(GRID), self._week()
        form = {**self._hidden("manager", f"/drivers/{d}/"), "cells": week_to_cells(week), "action": "save"}
        shown = self._shown(self._post("manager", f"/drivers/{d}/", form))
        self.grid_events[d].append((week, shown))
        self._note("grid_save", shown)

    def period_add(self) -> None:
        from privacy.steps.services.fetch import local_today

        self.n += 1
        d, label = self.rng.choice(PERIOD_DRIVERS), f"{LABEL}{self.n}"
        first = local_today(self.customer) + timedelta(days=self.rng.randrange(2, 700))
        response = self._post("manager", f"/drivers/{d}/periods/", {
            **self._hidden("manager", f"/drivers/{d}/periods/"),
            "label": label, "start_date": first.isoformat(), "end_date": first.isoformat()})
        shown = self._shown(response)
        self.periods_shown.append((d, label, shown))
        self._note("period_add", shown)

    def declare(self) -> None:
        d = self.rng.choice(DECLARING)
        if not self.steps[d]:
            return
        row, private = self.rng.choice(self.steps[d]), self.rng.random() < 0.5
        response = self._post("manager", f"/drivers/{d}/trips/{row.vehicle_id}/{row.step_id}/declare/", {
            "day": row.day.isoformat(), "private": "true" if private else "false", "reason": "kill chaos"})
        self._note("declare", "queued" if response is not None and response.status_code == 302 else "unknown")

    def template_apply(self) -> None:
        from privacy.schedules.models import BulkApplication, BulkStatus

        free = [g for g in GROUPS if not BulkApplication.objects.filter(
            status=BulkStatus.RUNNING, items__driver_id=g[0]).exists()]
        if not free:
            return self.grid_save()  # both groups busy: one job per group at a time (final state is then known)
        group, template = self.rng.choice(free), self.rng.choice(self.templates)
        response = self._post("manager", "/templates/apply/",
                              {"template": template.pk, "drivers": group, "valid_from": ""})
        self._note("template_apply", "queued" if response is not None and response.status_code == 302 else "unknown")
        return None

    def refresh(self) -> None:
        response = self._post("hr", "/reports/refresh/", {})
        self._note("refresh", "queued" if response is not None and response.status_code == 302 else "unknown")

    def none(self) -> None:
        time.sleep(0.5)  # a kill while only background work runs

    # ----- the run -------------------------------------------------------------------------------
    def run(self, kills: int, *, window: float) -> float:
        kinds, weights = zip(*WEIGHTS.items(), strict=True)
        targets, target_weights = zip(*TARGETS.items(), strict=True)
        for _k in range(kills):
            self.stack.ensure_running()
            action = getattr(self, self.rng.choices(kinds, weights)[0])
            worker = threading.Thread(target=action, daemon=True)
            worker.start()
            time.sleep(self.rng.uniform(0.1, 1.6))
            died = self.stack.kill(self.rng.choices(targets, target_weights)[0], self.rng)
            self.kills[died] = self.kills.get(died, 0) + 1
            worker.join(timeout=60)
            time.sleep(self.rng.uniform(0.2, 0.8))
        self.stack.ensure_running()
        started = time.monotonic()
        while time.monotonic() - started < window:
            if not self.not_final():
                break
            time.sleep(1.0)
        return time.monotonic() - started

    # ----- reconciliation ------------------------------------------------------------------------
    def not_final(self) -> list[str]:
        from privacy.models import AuditEntry
        from privacy.reports.models import ReportRefresh
        from privacy.schedules.models import BulkApplication, BulkApplicationItem, BulkStatus, ItemStatus
        from privacy.steps.models import DeclarationStatus, StepDeclaration

        out = [f"bulk {a}" for a in
               BulkApplication.objects.filter(status=BulkStatus.RUNNING).values_list("pk", flat=True)]
        out += [f"item {i}" for i in BulkApplicationItem.objects.filter(
            status__in=[ItemStatus.PENDING, ItemStatus.RUNNING]).values_list("pk", flat=True)]
        out += [f"refresh {r}" for r in ReportRefresh.objects.filter(
            status__in=ReportRefresh.ACTIVE).values_list("pk", flat=True)]
        out += [f"declaration {d}" for d in StepDeclaration.objects.filter(
            status=DeclarationStatus.SENT).values_list("pk", flat=True)]
        out += [f"intent {e}" for e in AuditEntry.objects.filter(
            phase="intent", outcomes__isnull=True).values_list("pk", flat=True)]
        return out
