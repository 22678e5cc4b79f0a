"""The probe's write questions, on a test driver chosen by the customer (``--write-driver ID``).

Each question writes in the future or on one past trip, reads what Océan did, then puts back what was
there: the driver's schedule versions are re-sent from the test's start (same weeks), the probe's
period is deleted, a trip's declaration is left as the schedule classifies it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from . import analysis as analysis_body
from .dates import apply_now_start, format_ocean_datetime, to_utc_from_local
from .errors import OceanError
from .probe_record import Answer
from .vieprivee import DAYS, EXCEPTIONAL_PLURAL, EXCEPTIONAL_SINGULAR, PRIVATE, RECURRING, VP, full_week

LABEL = "PROBE"
TRIP_DAYS = 28


def week_of(entries, at: datetime) -> dict:
    """The innerMap of the version in force at ``at`` (VIE_PRIVEE slots only)."""
    week: dict = {}
    for e in entries:
        if e.type == PRIVATE and e.is_active(at) and e.day in DAYS:
            week.setdefault(e.day, {PRIVATE: []})[PRIVATE].append({
                "idJourSemaine": e.day, "typeHoraires": PRIVATE, "debutHeure": e.start_hour,
                "debutMinute": e.start_minute, "finHeure": e.end_hour, "finMinute": e.end_minute})
    return week


class WriteQuestions:
    def __init__(self, probe: Any) -> None:
        """``probe``: the running privacy.ocean.probe.Probe (not imported: probe.py imports this module)."""
        self.p, self.client, self.driver = probe, probe.client, probe.write_driver

    def run(self) -> None:
        self.before = self.client.recurring_get(driver_id=self.driver)
        for name, fn in (("exceptional_post", self.q_period), ("start_now", self.q_start_now),
                         ("partial_recurring_post", self.q_partial), ("privacy_false", self.q_privacy_false)):
            self.p._run(name, fn)
        self.restore()

    def _dt(self, value: datetime) -> str:
        token = self.p.report.questions.get("zone_token")
        usable = token.answer if token is not None and token.answer in ("+0000", "Z") else self.p.config.zone_token
        return format_ocean_datetime(value, usable)

    # -- D7, D6 -----------------------------------------------------------------------------
    def q_period(self) -> None:
        day = self.p.now().astimezone(self.p.tz).date() + timedelta(days=60)
        start = to_utc_from_local(datetime.combine(day, datetime.min.time()), self.p.config.tz)
        end = to_utc_from_local(datetime.combine(day + timedelta(days=1), datetime.min.time()), self.p.config.tz)
        params = {"individuId": self.driver, "dateDebut": self._dt(start), "dateFin": self._dt(end),
                  "description": LABEL}
        got = self.p.ask("exceptional_post_path", "POST", EXCEPTIONAL_SINGULAR, params=params)
        path = "singular"
        if got.status in (404, 405):
            got = self.p.ask("exceptional_post_path", "POST", EXCEPTIONAL_PLURAL, params=params)
            path = "plural"
        if got.status >= 400:
            self.p.report.questions["exceptional_post_path"] = Answer(
                None, f"both paths refused the period (HTTP {got.status})", None, None)
            return
        self.p.report.questions["exceptional_post_path"] = Answer(
            path, f"the {path} path took the period; the portal tries the singular then the plural once", None, True)
        window = {"individuId": self.driver, "dateDebut": self._dt(start - timedelta(days=1)),
                  "dateFin": self._dt(end + timedelta(days=1))}
        window |= {"startDate": window["dateDebut"], "endDate": window["dateFin"]}
        listed = self.p.ask("period_day_cut", "GET", EXCEPTIONAL_PLURAL, params=window).body
        mine = [p for p in listed if isinstance(p, dict) and LABEL in (
            p.get("description"), (p.get("extension") or {}).get("description"))] if isinstance(listed, list) else []
        for period in mine:
            ext = (period.get("extension") or {}).get("id") or period.get("id")
            self.p.ask("exceptional_post_path", "DELETE", EXCEPTIONAL_PLURAL, params={"horaireExtensionIds": ext})
        if not mine:
            self.p.report.questions["period_day_cut"] = Answer(None, "the probe's period is not listed", None, None)
            return
        slots = [(h.get("horaire") or {}) for h in mine[0].get("horairesIndividu") or []]
        hours = [(s.get("debutHeure"), s.get("finHeure")) for s in slots]
        offset = round(start.astimezone(self.p.tz).utcoffset().total_seconds() / 3600)
        if hours == [(0, 24)] or hours == [(0, 23)]:
            answer = "local"
        elif offset and hours and hours[0][0] == (24 - offset) % 24:
            answer = "UTC"
        else:
            answer = None
        evidence = f"a period from local midnight to local midnight became day slots {hours}"
        self.p.report.questions["period_day_cut"] = Answer(
            answer, evidence, f"OCEAN_PERIOD_DAY_CUT={answer}" if answer else None,
            (answer == self.p.config.period_day_cut) if answer else None)

    # -- D5 ---------------------------------------------------------------------------------
    def q_start_now(self) -> Answer:
        now = self.p.now().replace(microsecond=0)
        week = full_week(week_of(self.before, now))
        got = self.p.ask("start_now", "POST", RECURRING, params={"individuId": self.driver, "dateDebut": self._dt(now)},
                         json={"innerMap": {"map": week}})
        answer = "accepted" if got.status < 400 else "refused"
        return Answer(answer, f"a recurring POST starting at the current second got HTTP {got.status}; the portal "
                      "starts 'now' at the next whole minute plus a margin", None, True)

    # -- D10 --------------------------------------------------------------------------------
    def q_partial(self) -> Answer:
        start = apply_now_start(self.p.now()) + timedelta(days=1)
        current = week_of(self.before, start)
        others = [d for d in DAYS if d != "LUNDI" and current.get(d, {}).get(PRIVATE)]
        if not others:
            return Answer(None, "the test driver has no private hours besides Monday: cannot tell", None, None)
        slot = {"idJourSemaine": "LUNDI", "typeHoraires": PRIVATE, "debutHeure": 1, "debutMinute": 0,
                "finHeure": 2, "finMinute": 0}
        self.p.ask("partial_recurring_post", "POST", RECURRING,
                   params={"individuId": self.driver, "dateDebut": self._dt(start)},
                   json={"innerMap": {"map": {"LUNDI": {PRIVATE: [slot]}}}})
        after = week_of(self.client.recurring_get(driver_id=self.driver), start)
        kept = [d for d in others if after.get(d, {}).get(PRIVATE)]
        answer = "days not sent are kept" if kept else "days not sent are cleared"
        return Answer(answer, f"a POST naming only LUNDI; other days afterwards: {kept or 'none'}; the portal names "
                      "every day", None, True)

    # -- D2 ---------------------------------------------------------------------------------
    def q_privacy_false(self) -> Answer:
        driver = next((d for d in self.p.drivers if d.id == self.driver), None)
        vehicle = next((v for v in self.p.vehicles if driver and v.id == driver.vehicle_id), None)
        if vehicle is None or vehicle.numero_embarque is None:
            return Answer(None, "the test driver has no vehicle", None, None)
        today = self.p.now().astimezone(self.p.tz).date()
        trips = self.client.fiche_jour_days(vehicle_id=vehicle.id, first=today - timedelta(days=TRIP_DAYS),
                                            last=today - timedelta(days=1))
        for step in [s for day in sorted(trips, reverse=True) for s in trips[day]][:40]:
            if step.id is None or step.start.when is None or not self._private_by_schedule(step):
                continue
            base = self._private_m(vehicle.id, step)
            if not base:
                continue
            declare = {"idEtape": step.id, "numeroEmbarque": vehicle.numero_embarque,
                       "codeExploitant": self.p.config.code_exploitant or None}
            self.p.ask("privacy_false", "POST", VP + "etapeViePriveePosteriori", params={**declare, "privacy": "true"})
            self.p.ask("privacy_false", "POST", VP + "etapeViePriveePosteriori", params={**declare, "privacy": "false"})
            after = self._private_m(vehicle.id, step)
            answer = "pro" if after == 0 else "cancel" if after == base else None
            if answer == "pro":  # leave it as the schedule classifies it
                self.p.ask("privacy_false", "POST", VP + "etapeViePriveePosteriori",
                           params={**declare, "privacy": "true"})
            evidence = (f"trip {step.id} in private hours: {base} m private; after privacy=true then false: "
                        f"{after} m private")
            return Answer(answer, evidence, f"OCEAN_PRIVACY_FALSE_MEANS={answer}" if answer else None,
                          (answer == self.p.config.privacy_false_means) if answer else None)
        return Answer(None, f"no trip of the test driver within private hours in the last {TRIP_DAYS} days", None, None)

    def _private_by_schedule(self, step) -> bool:
        if step.end.when is None:
            return False
        start, end = step.start.when.astimezone(self.p.tz), step.end.when.astimezone(self.p.tz)
        if start.date() != end.date():
            return False
        week = week_of(self.before, step.start.when)
        first, last = start.hour * 60 + start.minute, end.hour * 60 + end.minute

        def covers(slot: dict) -> bool:
            stop = slot["finHeure"] * 60 + slot["finMinute"] + (1 if (slot["finHeure"], slot["finMinute"]) == (23, 59)
                                                                 else 0)
            return slot["debutHeure"] * 60 + slot["debutMinute"] <= first and last <= stop

        return any(covers(slot) for slot in week.get(DAYS[start.weekday()], {}).get(PRIVATE, []))

    def _private_m(self, vehicle_id: int, step) -> int:
        body = analysis_body.body(step.start.when - timedelta(seconds=1), step.end.when + timedelta(seconds=1),
                                  "BY_VEHICLE_WITH_HORAIRE_SYNTHESIS", "ALL", (), (), (), (vehicle_id,))
        got = self.p.ask("privacy_false", "POST", analysis_body.PATH, json=body)
        result = got.body[0] if isinstance(got.body, list) and got.body else {}
        tree = (result.get("synthesisTreeByVehicle") or result.get("synthesisTreeByDriver") or {}) if isinstance(
            result, dict) else {}
        distances = ((tree.get("entityTotalCumul") or {}).get("total") or {}).get("distanceInMeterByPeriodMap") or {}
        private = {k for k, v in self.p.config.period_keys.items() if v == "private"}
        return int(sum(v for k, v in distances.items() if (k in private or "PRIV" in k.upper())
                       and isinstance(v, (int, float))))

    # -- restore ----------------------------------------------------------------------------
    def restore(self) -> None:
        """Re-send, from the first start the probe used, every version that was in force then or later."""
        start = apply_now_start(self.p.now())
        versions = sorted({(e.valid_from, e.valid_until) for e in self.before if e.type == PRIVATE
                           and (e.valid_until is None or e.valid_until > start)},
                          key=lambda v: v[0] or start)
        try:
            for begin, end, week in [(start, None, {})] if not versions else [
                (max(f or start, start), u, week_of(self.before, max(f or start, start))) for f, u in versions
            ]:
                params = {"individuId": self.driver, "dateDebut": self._dt(begin),
                          "dateFin": self._dt(end) if end else None}
                got = self.p.ask("write_driver_restored", "POST", RECURRING, params=params,
                                 json={"innerMap": {"map": full_week(week)}})
                if got.status >= 400:
                    raise OceanError(f"HTTP {got.status}")
            restored = "restored"
        except OceanError as exc:
            restored = f"NOT restored ({exc.message}): check driver {self.driver}'s schedule"
        self.p.report.questions["write_driver_restored"] = Answer(
            restored, f"driver {self.driver}: {len(versions)} schedule version(s) re-sent from {start.isoformat()}, "
            "the probe's period deleted", None, True if restored == "restored" else None)
