"""Chaos engine: random user actions through the web layer while the simulator misbehaves.

Used by tests/chaos/test_chaos.py (small run, CI) and bench/chaos.py (full run, figures).

Users are real accounts driving Django's test ``Client`` (one per user, logged in): one manager (grid
saves, period adds and deletes, declarations on a driver's behalf, approvals, template applications)
and drivers 7001–7004 (declaring their own trips). The run has two phases: the customer's
``declaration_policy`` is "direct" for the first half and "approval" for the second. A "worker tick"
(random, between user actions) does what the Celery worker does: runs pending template applications
(``bulk_run``) and sends waiting declarations. Faults: the simulator's error rate, 429 bursts and
timeouts, plus token expiries at random moments.

What the portal *showed the user* is recorded per action (``Record.shown``), read from the response
exactly as the page displays it (flash messages of that request, form errors, status code):

- ``confirmed``  a success message: Ocean holds the change (read back);
- ``unchanged``  "nothing to save": Ocean already held it;
- ``queued``     a declaration stored and shown with its status (pending / sending / confirmed) — its
                 upstream fate is read from the declaration row the user sees, not from this message;
- ``failed``     an error message or a form error: the change was NOT applied (the portal checked);
- ``unknown``    a warning that the outcome could not be checked: allowed either way, the user was told
                 to look before trying again (the only case where both outcomes are correct);
- ``silent``     no message at all, or a 5xx — always a failure of the test.

Reconciliation (reconcile.py) then compares these promises with ``sim.state`` — see its docstring.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.test import Client
from django.utils import translation

from privacy.models import DeclarationPolicy
from privacy.schedules.forms import week_to_cells
from privacy.schedules.models import BulkApplication, BulkStatus
from privacy.schedules.services.bulk import bulk_run
from privacy.schedules.services.weekly import failure_error
from privacy.services.fleet import fleet_get
from privacy.services.uncertain import UNKNOWN
from privacy.steps.models import DeclarationStatus, StepDeclaration
from privacy.steps.services.fetch import local_today
from privacy.steps.services.send import SendLater, declaration_send, declarations_waiting
from privacy.steps.services.trips import driver_steps_page
from privacy.week import DAYS, WeeklySchedule

GRID_DRIVERS = list(range(7001, 7009))  # few drivers, so actions on the same one interleave
DECLARING_DRIVERS = list(range(7001, 7005))
WEIGHTS = {
    "grid_save": 22,
    "period_add": 18,
    "period_delete": 10,
    "declare_own": 26,
    "declare_on_behalf": 8,
    "decide": 6,
    "template_apply": 10,
}
LABEL = "chaos-"


@dataclass
class Record:
    n: int
    kind: str
    actor: str
    driver_id: int
    shown: str
    message: str = ""
    want: object = None  # week / (label, start, end) / label / (ne, step, private) / application id
    status: int = 0


@dataclass
class Counters:
    faults: dict = field(default_factory=lambda: {"500": 0, "429": 0, "timeout": 0, "token_expiry": 0})
    rechecks: dict = field(default_factory=dict)  # verdicts after a write Ocean left unanswered
    worker_ticks: int = 0
    sends: int = 0


def _shown_messages(response) -> list[tuple[str, str]]:
    """Messages added by this very request (what the next page shows), as (level, text)."""
    storage = getattr(response.wsgi_request, "_messages", None)
    return [(m.level_tag, str(m)) for m in (storage or [])]


def _request(client: Client, method: str, url: str, data=None):
    """One request; then the messages it left are forgotten, as if the next page had shown them, so
    each response carries only its own messages (no redirect is followed: no extra upstream reads)."""
    response = getattr(client, method)(url, data or {})
    client.cookies.pop("messages", None)
    session = client.session
    if session.pop("_messages", None) is not None:
        session.save()
    return response


def _unknown_text() -> str:
    with translation.override("fr"):
        return str(failure_error(Exception(), UNKNOWN).message)


class ChaosEngine:
    def __init__(self, *, sim, customer, manager, drivers: dict, seed: int, fault_rate: float = 0.2):
        self.sim, self.customer, self.manager = sim, customer, manager
        self.rng = random.Random(seed)
        self.fault_rate = fault_rate
        self.records: list[Record] = []
        self.grid_events: dict[int, list[tuple[WeeklySchedule, str, str]]] = {d: [] for d in GRID_DRIVERS}
        self.counters = Counters()
        self.clients = {"manager": self._client(manager)}
        self.clients.update({f"driver{d}": self._client(u) for d, u in drivers.items()})
        self.templates = []
        self.steps: dict[int, list] = {}
        self.unknown_text = _unknown_text()
        self.initial_weeks: dict[int, WeeklySchedule] = {}

    @staticmethod
    def _client(user) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="fr")
        client.force_login(user)
        return client

    # ----- setup ---------------------------------------------------------------------------
    def setup(self, templates) -> None:
        """Before faults: the templates, the trips each driver may declare, the starting weeks."""
        from tests.chaos.reconcile import sim_week

        self.templates = list(templates)
        fleet = fleet_get(self.customer)
        today = local_today(self.customer)
        for d in DECLARING_DRIVERS:
            rows = []
            for ago in (1, 2, 3):
                day = today - timedelta(days=ago)
                page = driver_steps_page(viewer=self.manager, customer=self.customer, driver=fleet.drivers[d],
                                         first=day, last=day)
                rows += [r for g in page.days for r in g.rows if r.numero_embarque and r.driver_id == d]
            self.steps[d] = rows[:6]
        self.initial_weeks = {d: sim_week(self.sim, d) for d in GRID_DRIVERS}

    # ----- faults --------------------------------------------------------------------------
    def _count_faults(self):
        draw = self.sim.state.faults.draw
        counters = self.counters.faults

        def counted():
            latency, fault, sleep = draw()
            if fault:
                counters[fault] += 1
            elif sleep:
                counters["timeout"] += 1
            return latency, fault, sleep

        self.sim.state.faults.draw = counted
        return draw

    def faults_on(self, timeout_sleep_s: float) -> None:
        # ~20 % of upstream requests fail: 17 % answer 500, 3 % time out (and are processed late).
        self.sim.set_faults(error_rate=self.fault_rate * 0.85, timeout_rate=self.fault_rate * 0.15,
                            timeout_sleep_s=timeout_sleep_s, seed=self.rng.randrange(1 << 30),
                            expire_tokens=True)
        self.counters.faults["token_expiry"] += 1

    # ----- the run -------------------------------------------------------------------------
    def _count_rechecks(self):
        import privacy.schedules.services.weekly as schedules

        original = schedules.recheck
        counts = self.counters.rechecks

        def counted(is_applied):
            verdict = original(is_applied)
            counts[verdict] = counts.get(verdict, 0) + 1
            return verdict

        schedules.recheck = counted
        return original

    def run(self, actions: int, *, timeout_sleep_s: float) -> None:
        import privacy.schedules.services.weekly as schedules

        original_draw, original_recheck = self._count_faults(), self._count_rechecks()
        try:
            self.faults_on(timeout_sleep_s)
            kinds, weights = zip(*WEIGHTS.items(), strict=True)
            for n in range(actions):
                if n == actions // 2:
                    self.customer.declaration_policy = DeclarationPolicy.APPROVAL
                    self.customer.save(update_fields=["declaration_policy"])
                roll = self.rng.random()
                if roll < 0.02:
                    self.sim.state.expire_tokens()
                    self.counters.faults["token_expiry"] += 1
                elif roll < 0.035:
                    self.sim.set_faults(burst_429=2)
                kind = self.rng.choices(kinds, weights)[0]
                if kind == "decide" and self.customer.declaration_policy != DeclarationPolicy.APPROVAL:
                    kind = "declare_own"
                self.records.append(getattr(self, kind)(n))
                if self.rng.random() < 0.15:
                    self.worker_tick()
            self.sim.clear_faults()
            time.sleep(timeout_sleep_s)  # requests that timed out land now, before the checks (and other tests)
            self.drain()
        finally:
            self.sim.clear_faults()
            self.sim.state.faults.draw = original_draw
            schedules.recheck = original_recheck

    def worker_tick(self) -> None:
        """What the Celery worker does between user actions (tasks are by id and idempotent)."""
        self.counters.worker_ticks += 1
        for app in BulkApplication.objects.exclude(status=BulkStatus.DONE).order_by("pk"):
            before = set(app.items.exclude(status__in=["pending", "running"]).values_list("pk", flat=True))
            bulk_run(app.pk)
            week = WeeklySchedule.from_json_days(app.payload["week"])
            for item in app.items.exclude(pk__in=before).order_by("updated_at", "pk"):
                shown = {"confirmed": "confirmed", "skipped": "unchanged"}.get(item.status, "failed")
                if shown == "failed" and item.message == self.unknown_text:
                    shown = "unknown"
                if item.driver_id in self.grid_events:
                    self.grid_events[item.driver_id].append((week, shown, f"template item {item.pk}"))
        for pk in StepDeclaration.objects.filter(status=DeclarationStatus.SENT).values_list("pk", flat=True):
            self.counters.sends += 1
            try:
                declaration_send(pk)
            except SendLater:
                pass  # the row keeps "sending" and its error; the next tick (or the resend task) retries

    def drain(self) -> None:
        """Faults cleared: what the resend task does (``declarations_waiting`` → ``declaration_send``) and
        the worker's pending template items, until nothing waits. Celery's own config is not touched:
        reading ``app.conf`` here would freeze it for later tests that switch eager mode in settings."""
        for _round in range(5):
            for pk in declarations_waiting(older_than=timedelta(0)):
                self.counters.sends += 1
                try:
                    declaration_send(pk)
                except SendLater:
                    pass
            self.worker_tick()
            if not StepDeclaration.objects.filter(status=DeclarationStatus.SENT).exists() and not \
                    BulkApplication.objects.exclude(status=BulkStatus.DONE).exists():
                break

    def _post(self, who: str, url: str, data=None):
        return _request(self.clients[who], "post", url, data)

    def _get(self, who: str, url: str):
        return _request(self.clients[who], "get", url)

    # ----- classification ------------------------------------------------------------------
    def _classify(self, response, *, success_status=302) -> tuple[str, str]:
        if response.status_code >= 500:
            return "silent", f"HTTP {response.status_code}"
        msgs = _shown_messages(response)
        text = " | ".join(t for _l, t in msgs)
        levels = {lvl for lvl, _t in msgs}
        context = getattr(response, "context", None)
        form = context.get("form") if context else None
        errors = " ".join(str(e) for es in form.errors.values() for e in es) if form is not None and \
            form.is_bound and form.errors else ""
        if self.unknown_text in text or self.unknown_text in errors or "warning" in levels:
            return "unknown", text or errors
        if "error" in levels or errors:
            return "failed", text or errors
        if response.status_code == success_status and "success" in levels:
            return "confirmed", text
        if "info" in levels:
            return "unchanged", text
        body = re.sub(r"\s+", " ", response.content.decode(errors="replace"))
        alert = re.search(r'role="alert"[^>]*>(.{0,300})', body)
        return "silent", f"HTTP {response.status_code} without a message: {alert.group(1) if alert else body[-400:]}"

    # ----- actions -------------------------------------------------------------------------
    def _random_week(self) -> WeeklySchedule:
        roll = self.rng.random()
        if roll < 0.2:
            return WeeklySchedule.preset_evenings_weekends()
        if roll < 0.25:
            return WeeklySchedule.empty()
        cells = []
        for day in DAYS:
            if self.rng.random() < 0.6:
                a = self.rng.randrange(0, 90)
                cells += [(day, i) for i in range(a, min(96, a + self.rng.randrange(1, 40)))]
        return WeeklySchedule.from_cells(cells)

    def grid_save(self, n: int) -> Record:
        d = self.rng.choice(GRID_DRIVERS)
        week = self._random_week()
        response = self._post("manager", f"/drivers/{d}/", {"cells": week_to_cells(week), "action": "save"})
        shown, message = self._classify(response)
        self.grid_events[d].append((week, shown, f"grid save #{n}"))
        return Record(n, "grid_save", "manager", d, shown, message, week, response.status_code)

    def period_add(self, n: int) -> Record:
        d = self.rng.choice(GRID_DRIVERS)
        first = local_today(self.customer) + timedelta(days=self.rng.randrange(2, 120))
        last = first + timedelta(days=self.rng.randrange(0, 3))
        label = f"{LABEL}{n}"
        response = self._post("manager", f"/drivers/{d}/periods/", {
            "label": label, "start_date": first.isoformat(), "end_date": last.isoformat()})
        shown, message = self._classify(response)
        return Record(n, "period_add", "manager", d, shown, message, (label, first, last), response.status_code)

    def period_delete(self, n: int) -> Record:
        d = self.rng.choice(GRID_DRIVERS)
        page = self._get("manager", f"/drivers/{d}/periods/")
        rows = [r["period"] for r in (page.context or {}).get("rows", []) if r["period"].label.startswith(LABEL)]
        if page.status_code != 200 or not (rows or _shown_messages(page)):
            return Record(n, "period_delete", "manager", d, "silent" if page.status_code >= 500 else "failed",
                          f"list: HTTP {page.status_code}", None, page.status_code)
        if not rows:  # nothing to delete (or the list could not be read, and the page said so)
            shown, message = ("failed", _shown_messages(page)[0][1]) if _shown_messages(page) else ("skip", "")
            return Record(n, "period_delete", "manager", d, shown, message, None, page.status_code)
        period = self.rng.choice(rows)
        response = self._post("manager", f"/drivers/{d}/periods/{period.id}/delete/", {"confirm": "yes"})
        shown, message = self._classify(response)
        return Record(n, "period_delete", "manager", d, shown, message, period.label, response.status_code)

    def _pick_step(self):
        d = self.rng.choice(DECLARING_DRIVERS)
        return d, self.rng.choice(self.steps[d]), self.rng.random() < 0.5

    def declare_own(self, n: int) -> Record:
        d, row, private = self._pick_step()
        response = self._post(f"driver{d}", f"/trips/{row.vehicle_id}/{row.step_id}/declare/",
            {"day": row.day.isoformat(), "private": "true" if private else "false"})
        shown, message = self._classify(response)
        shown = "queued" if shown == "confirmed" else shown
        return Record(n, "declare_own", f"driver{d}", d, shown, message,
                      (row.numero_embarque, row.step_id, private), response.status_code)

    def declare_on_behalf(self, n: int) -> Record:
        d, row, private = self._pick_step()
        response = self._post("manager", f"/drivers/{d}/trips/{row.vehicle_id}/{row.step_id}/declare/",
            {"day": row.day.isoformat(), "private": "true" if private else "false", "reason": "chaos test"})
        shown, message = self._classify(response)
        shown = "queued" if shown == "confirmed" else shown
        return Record(n, "declare_on_behalf", "manager", d, shown, message,
                      (row.numero_embarque, row.step_id, private), response.status_code)

    def decide(self, n: int) -> Record:
        page = self._get("manager", "/declarations/")
        pending = [d.pk for d in (page.context or {}).get("pending", [])]
        if not pending:
            return Record(n, "decide", "manager", 0, "skip", "nothing pending", None, page.status_code)
        chosen = self.rng.sample(pending, k=min(len(pending), self.rng.randrange(1, 4)))
        approve = self.rng.random() < 0.7
        data = {"action": "approve" if approve else "reject", "ids": chosen, "reason": "chaos"}
        response = self._post("manager", "/declarations/decide/", data)
        shown, message = self._classify(response)
        shown = "queued" if shown == "confirmed" else shown
        return Record(n, "decide", "manager", 0, shown, message, (approve, chosen), response.status_code)

    def template_apply(self, n: int) -> Record:
        template = self.rng.choice(self.templates)
        drivers = self.rng.sample(GRID_DRIVERS, k=self.rng.randrange(2, 5))
        data = {"template": template.pk, "drivers": drivers, "valid_from": ""}
        response = self._post("manager", "/templates/apply/", data)
        match = re.search(r"/applications/(\d+)/", response.get("Location", ""))
        if response.status_code == 302 and match:
            return Record(n, "template_apply", "manager", drivers[0], "queued", "", int(match.group(1)), 302)
        shown, message = self._classify(response)
        return Record(n, "template_apply", "manager", drivers[0], shown, message, None, response.status_code)
