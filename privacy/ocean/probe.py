"""`manage.py ocean probe`: the first-contact check, run once against a customer's real Océan.

It asks Océan the questions its documentation leaves open (docs/ocean-api.md §9, D1–D14) and compares
each answer with the portal's configuration. Read-only by default; with a test driver the write
questions (probe_write.py) change that driver's schedule and periods and restore them afterwards.
Pure client code (no Django): the command passes the client, the configuration and the clock in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from . import analysis as analysis_body
from .client import OceanClient, RawAnswer
from .dates import format_fiche_date, format_ocean_datetime, parse_local_date_time, to_utc_from_local
from .errors import OceanError
from .probe_record import Answer, Exchange, ProbeReport
from .vieprivee import EXCEPTIONAL_PLURAL, RECURRING

STALE_TOKEN = "0" * 128
SAMPLE_DAYS = 7
MAX_DRIVERS = 25


@dataclass(frozen=True)
class ProbeConfig:
    """The portal's current reading of every open point (from its settings)."""

    period_keys: dict[str, str] = field(default_factory=lambda: {"VIE_PRIVEE": "private", "VIE_PRO": "pro"})
    tree: str = "root-entity-leaf"
    privacy_false_means: str = "pro"
    fiche_jour_tz: str = "customer"
    period_day_cut: str = "local"
    zone_token: str = "+0000"  # noqa: S105 - not a secret
    tz: str = "Europe/Paris"
    code_exploitant: str = ""


def error_body(answer: RawAnswer) -> bool:
    """A 4xx/5xx, or a 200 whose body is an error object (D13)."""
    if answer.status >= 400:
        return True
    body = answer.body
    if not isinstance(body, dict):
        return False
    return "error" in body or (isinstance(body.get("status"), int) and body["status"] >= 400)


def _near(a: dict, b: dict) -> bool:
    """The same place within ~10 m (positions/search and ficheJour may round differently)."""
    try:
        return (abs(float(a["latitudeY"]) - float(b["latitudeY"])) < 1e-4
                and abs(float(a["longitudeX"]) - float(b["longitudeX"])) < 1e-4)
    except (KeyError, TypeError, ValueError):
        return False


MATCH_TOLERANCE = timedelta(seconds=60)


def _instant(position: dict) -> datetime | None:
    """A positions/search point's true instant (epoch ms ``timestamp``)."""
    ms = position.get("timestamp")
    if isinstance(ms, bool) or not isinstance(ms, (int, float)):
        return None
    return datetime.fromtimestamp(ms / 1000, UTC)


def _seen(points: list[tuple[dict, datetime]], place: dict, at: datetime | None) -> bool:
    """positions/search has a point at ``place`` within a minute of ``at``."""
    return at is not None and any(_near(p, place) and abs(t - at) <= MATCH_TOLERANCE for p, t in points)


def guess_keys(keys: list[str]) -> str:
    return ",".join(f"{k}:{'private' if 'PRIV' in k.upper() else 'pro'}" for k in keys)


def walk(tree: dict, depth: int = 0):
    """(depth, key, node) of every node under a tree root."""
    for key, node in (tree.get("nodes") or {}).items():
        if isinstance(node, dict):
            yield depth + 1, key, node
            yield from walk(node, depth + 1)


def period_keys_of(node: dict) -> set[str]:
    keys: set[str] = set()
    for name in ("entityTotalCumul",):
        total = (node.get(name) or {}).get("total") or {}
        for period_map in total.values():
            if isinstance(period_map, dict):
                keys.update(period_map)
    keys.update((node.get("entityTotalByFlagCumul") or {}).keys())
    return keys


class Probe:
    def __init__(self, client: OceanClient, config: ProbeConfig, *, now: Callable[[], datetime],
                 write_driver: int | None = None) -> None:
        self.client, self.config, self.now, self.write_driver = client, config, now, write_driver
        self.report = ProbeReport()
        self.tz = ZoneInfo(config.tz)

    # -- plumbing ---------------------------------------------------------------------------
    def ask(self, question: str, method: str, path: str, *, params: dict | None = None, json=None,
            token: str | None = None) -> RawAnswer:
        answer = self.client.raw(method, path, params=params, json=json, token=token)
        self.report.exchanges.append(Exchange(question, method, path, dict(params or {}), answer.status, answer.body))
        return answer

    def _run(self, name: str, fn: Callable[[], Answer | None]) -> None:
        try:
            answer = fn()
        except OceanError as exc:
            answer = Answer(None, f"Ocean failed on this question: {exc.message}", None, None)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            answer = Answer(None, f"unexpected answer to this question ({type(exc).__name__}: {exc})", None, None)
        if answer is not None:
            self.report.questions[name] = answer

    def run(self) -> ProbeReport:
        """Every question; raises OceanError only when Océan cannot be reached or refuses the login."""
        self.client.authenticate()
        self.drivers = [d for d in self.client.individus_list() if d.id is not None and not d.deleted]
        self.vehicles = [v for v in self.client.vehicles() if v.id is not None]
        for name, fn in (("empty_schedule_read", self.q_empty_read), ("stale_token_status", self.q_stale_token),
                         ("zone_token", self.q_zone_token), ("analysis", self.q_analysis),
                         ("fichejour", self.q_fichejour), ("error_body_on_read", self.q_error_body)):
            self._run(name, fn)
        if self.write_driver is not None:
            from .probe_write import WriteQuestions

            WriteQuestions(self).run()
        return self.report

    def _dt(self, value: datetime, token: str | None = None) -> str:
        return format_ocean_datetime(value, token or self.config.zone_token)

    # -- D4 ---------------------------------------------------------------------------------
    def q_empty_read(self) -> Answer:
        for driver in self.drivers[:MAX_DRIVERS]:
            got = self.ask("empty_schedule_read", "GET", RECURRING, params={"individuId": driver.id})
            if got.status == 404 or (got.status == 200 and got.body in ([], None, "")):
                what = "404" if got.status == 404 else "an empty list"
                return Answer(what, f"driver {driver.id}: recurring GET answered {got.status} "
                              f"({'404' if got.status == 404 else 'empty'}); the portal reads both as nothing defined")
        return Answer(None, f"every one of the first {MAX_DRIVERS} drivers has a schedule", None, None)

    # -- D9 ---------------------------------------------------------------------------------
    def q_stale_token(self) -> Answer:
        got = self.ask("stale_token_status", "GET", "mobility/v1/entities", token=STALE_TOKEN)
        ok = got.status in (401, 403)
        return Answer(str(got.status), f"an unknown token on GET mobility/v1/entities got HTTP {got.status}; "
                      "the portal logs in again once on 401 and on 403", None, True if ok else None)

    # -- D11 --------------------------------------------------------------------------------
    def q_zone_token(self) -> Answer | None:
        if not self.drivers:
            return None
        now = self.now()
        accepted = []
        for token in ("+0000", "Z"):
            params = {"individuId": self.drivers[0].id, "dateDebut": self._dt(now, token),
                      "dateFin": self._dt(now + timedelta(days=1), token)}
            params |= {"startDate": params["dateDebut"], "endDate": params["dateFin"]}
            got = self.ask("zone_token", "GET", EXCEPTIONAL_PLURAL, params=params)
            if not (got.status in (400, 422) or (got.status == 200 and error_body(got))):
                accepted.append(token)
        if not accepted:
            return Answer(None, "Ocean refused the exceptional GET with both zone tokens", None, None)
        answer = accepted[0] if len(accepted) == 1 else "both"
        matches = answer == "both" or answer == self.config.zone_token
        return Answer(answer, f"exceptional GET accepted: {', '.join(accepted)}",
                      f"OCEAN_ZONE_TOKEN={accepted[0] if not matches else self.config.zone_token}", matches)

    # -- D1, D8 -----------------------------------------------------------------------------
    def q_analysis(self) -> None:
        end = to_utc_from_local(datetime.combine(self.now().astimezone(self.tz).date(), datetime.min.time()),
                                self.config.tz)
        body = analysis_body.body(end - timedelta(days=SAMPLE_DAYS), end, "BY_DRIVER_WITH_HORAIRE_SYNTHESIS",
                                  "ALL", (), (), (), ())
        got = self.ask("analysis", "POST", analysis_body.PATH, json=body)
        result = got.body[0] if isinstance(got.body, list) and got.body and isinstance(got.body[0], dict) else None
        if result is None:
            self.report.questions["analysis_period_keys"] = Answer(
                None, f"the analysis answer is not a list of results (HTTP {got.status})", None, None)
            return
        tree = result.get("synthesisTreeByDriver") or {}
        other = result.get("synthesisTreeByVehicle") or {}
        both = bool(tree.get("nodes")) and bool(other.get("nodes"))
        self.report.questions["analysis_both_trees"] = Answer(
            "both" if both else "one", "a by-driver answer holds "
            + ("a vehicle tree too; the portal reads only the tree of the mode it asked for" if both else
               "only the driver tree"), None, True)
        nodes = list(walk(tree))
        keys = sorted(set().union(*(period_keys_of(n) for _d, _k, n in nodes)) if nodes else set())
        known = set(self.config.period_keys)
        if not keys:
            self.report.questions["analysis_period_keys"] = Answer([], "no period key in the answer (no trip?)",
                                                                   None, None)
        else:
            unknown = [k for k in keys if k not in known]
            self.report.questions["analysis_period_keys"] = Answer(
                keys, f"period-map keys seen: {', '.join(keys)}; configured: {', '.join(sorted(known))}",
                f"OCEAN_ANALYSIS_PERIOD_KEYS={guess_keys(keys) if unknown else guess_keys(sorted(known))}",
                not unknown)
        self.report.questions["analysis_tree"] = self._tree_answer(nodes)

    def _tree_answer(self, nodes) -> Answer:
        def is_leaf(node: dict) -> bool:
            total = node.get("entityTotalCumul") or {}
            return bool(total.get("driver") or total.get("vehicle")) or not node.get("nodes")

        depths = sorted({d for d, _k, n in nodes if is_leaf(n)})
        shapes = {1: "root-leaf", 2: "root-entity-leaf"}
        if len(depths) != 1 or depths[0] not in shapes:
            return Answer(f"leaves at depths {depths}", "an unexpected tree: the portal marks such reports incomplete",
                          None, False if depths else None)
        non_int = [k for d, k, _n in nodes if d == depths[0] and not str(k).isdigit()]
        answer = shapes[depths[0]]
        evidence = f"driver leaves at depth {depths[0]} under the root" + (
            f"; node keys not numeric: {non_int[:3]}" if non_int else "; numeric node keys")
        return Answer(answer, evidence, f"OCEAN_ANALYSIS_TREE={answer}", answer == self.config.tree and not non_int)

    # -- D3, D12, D14 -------------------------------------------------------------------------
    def q_fichejour(self) -> None:
        today = self.now().astimezone(self.tz).date()
        for vehicle in self.vehicles[:5]:
            rows, off_day = [], []
            for n in range(1, SAMPLE_DAYS + 1):
                day = today - timedelta(days=n)
                got = self.ask("fichejour", "GET", "mobility/v1/ficheJour",
                               params={"vehId": vehicle.id, "date": format_fiche_date(day)})
                found = got.body.get("fjRows") if isinstance(got.body, dict) else None
                for row in found if isinstance(found, list) else []:
                    rows.append(row)
                    if ((row.get("posDeb") or {}).get("date") or "") != format_fiche_date(day):
                        off_day.append(row.get("id"))
            if rows:
                break
        else:
            self.report.questions["fichejour_zone"] = Answer(None, "no trip in the last days", None, None)
            return
        types = sorted({str(r.get("type")) for r in rows})
        self.report.questions["fichejour_row_types"] = Answer(
            types, f"row types over {SAMPLE_DAYS} days of vehicle {vehicle.id}; the portal keeps type T only",
            None, True if "T" in types else None)
        self.report.questions["fichejour_day_cut"] = Answer(
            "UTC" if off_day else "local",
            (f"rows dated another day than asked: {off_day[:3]}" if off_day else "every row dated the day asked")
            + "; the portal reads the UTC days a local day straddles either way", None, True)
        trips = [r for r in rows if str(r.get("type")) in ("T", "None")]
        self.report.questions["fichejour_zone"] = self._zone(vehicle, trips)

    def _zone(self, vehicle, trips: list[dict]) -> Answer:
        """Which reading of ficheJour's ``date``/``heure`` (UTC or the customer's zone) puts a trip's start
        AND end on positions recorded at the same places and instants by positions/search.

        Matching on the place alone and keeping the point nearest the times read as UTC is not enough: a
        trip that ends where it began (a round from the depot), or a next trip leaving from the same place
        less than two offsets later, gives a nearer point at that place, and the answer was then an odd
        difference ("24 min") or even "UTC" for a customer-zone Océan. Each reading is tried on both ends
        of the trip; a trip both readings explain is skipped (ambiguous)."""
        unexplained: Answer | None = None
        ambiguous = 0
        for row in trips[:5]:
            ends = [row.get("posDeb") or {}, row.get("posFin") or {}]
            readings = {zone: [parse_local_date_time(p.get("date"), p.get("heure"), tz) for p in ends]
                        for zone, tz in (("UTC", "UTC"), ("customer", self.config.tz))}
            naive = readings["UTC"][0]
            if naive is None:
                continue
            params = {"immatriculation": vehicle.immatriculation,
                      "startDate": (naive - timedelta(hours=14)).isoformat(timespec="milliseconds"),
                      "endDate": (naive + timedelta(hours=14)).isoformat(timespec="milliseconds")}
            got = self.ask("fichejour_zone", "GET", "positions/search", params=params)
            if got.status != 200 or not isinstance(got.body, dict):
                return Answer(None, f"positions/search answered HTTP {got.status}: cannot compare", None, None)
            found = [p for v in got.body.get("positionsVehicles") or [] for p in v.get("positions") or []]
            points = [(p, at) for p in found if isinstance(p, dict) and (at := _instant(p)) is not None]
            fits = [zone for zone, (deb, fin) in readings.items()
                    if _seen(points, ends[0], deb) and (fin is None or _seen(points, ends[1], fin))]
            pos = ends[0]
            if len(fits) == 1:
                answer = fits[0]
                true = min((t for p, t in points if _near(p, pos)), key=lambda t: abs(t - readings[answer][0]))
                delta = round((naive - true).total_seconds() / 60)
                offset = round(true.astimezone(self.tz).utcoffset().total_seconds() / 60)
                evidence = (f"trip {row.get('id')}: ficheJour says {pos.get('date')} {pos.get('heure')}, "
                            f"positions/search {true.isoformat()} (difference {delta} min, customer offset "
                            f"{offset} min; start and end found at the same places)")
                return Answer(answer, evidence, f"OCEAN_FICHEJOUR_TZ={answer}", answer == self.config.fiche_jour_tz)
            if fits:
                ambiguous += 1
            elif unexplained is None:
                same = [at for p, at in points if _near(p, pos)]
                if same:
                    true = min(same, key=lambda t: abs(t - naive))
                    delta = round((naive - true).total_seconds() / 60)
                    unexplained = Answer(
                        f"{delta} min",
                        f"trip {row.get('id')}: ficheJour says {pos.get('date')} {pos.get('heure')}, neither in UTC "
                        f"nor in the customer's zone found in positions/search; nearest point at that place "
                        f"{true.isoformat()} (difference {delta} min)", None, None)
        if unexplained is not None:
            return unexplained
        if ambiguous:
            return Answer(None, f"{ambiguous} trip(s) fit both readings in positions/search: cannot tell", None, None)
        return Answer(None, "no ficheJour trip found again in positions/search", None, None)

    # -- D13 --------------------------------------------------------------------------------
    def q_error_body(self) -> Answer:
        got = self.ask("error_body_on_read", "GET", "mobility/v1/ficheJour",
                       params={"vehId": 1, "date": format_fiche_date(self.now().date())})
        if got.status >= 400:
            answer = f"HTTP {got.status}"
        elif error_body(got):
            answer = "200 with an error body"
        else:
            answer = "200 without an error"
        return Answer(answer, "ficheJour of an unknown vehicle; the portal treats an error body as an error",
                      None, True)
