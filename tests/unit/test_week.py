"""privacy.week: the weekly private-hours grid (value object, conversions, texts)."""
from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from privacy.week import (
    DAYS,
    DayChange,
    Slot,
    WeeklySchedule,
    WeekValidationError,
)
from privacy.week_text import describe_diff
from privacy.week_text import summary as week_summary


def _django_ready() -> bool:
    from django.apps import apps

    try:
        settings.USE_I18N  # noqa: B018
    except ImproperlyConfigured:
        return False
    return apps.ready


needs_django = pytest.mark.skipif(not _django_ready(), reason="needs Django settings (pytest-django)")


@contextlib.contextmanager
def language(code: str):
    """Activate ``code`` when Django is set up; without settings the texts are the English msgids."""
    if _django_ready():
        with translation.override(code):
            yield
    else:
        assert code == "en"
        yield


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def S(a: str, b: str) -> Slot:  # noqa: N802
    return Slot(hm(a), hm(b))


# -- strategies -----------------------------------------------------------------------
slots = st.integers(0, 1439).flatmap(lambda a: st.integers(a + 1, 1440).map(lambda b: Slot(a, b)))
schedules = st.dictionaries(st.sampled_from(DAYS), st.lists(slots, max_size=5)).map(WeeklySchedule)
cells = st.frozensets(st.tuples(st.sampled_from(DAYS), st.integers(0, 95)), max_size=150)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-30, 1500) | st.floats() | st.text(max_size=6)
    | st.sampled_from(DAYS + ("VIE_PRIVEE", "08:00", "24:00", "23:59", "25:00", "7:5")),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(
        st.sampled_from(DAYS + ("VIE_PRIVEE", "typeHoraires", "debutHeure", "debutMinute", "finHeure",
                                "finMinute", "horaire", "idJourSemaine", "debut", "fin", "x")),
        kids, max_size=5),
    max_leaves=25,
)
small_int = st.integers(-2, 61) | st.none() | st.booleans() | st.just("8")
near_valid_slot = st.fixed_dictionaries(
    {"debutHeure": small_int, "debutMinute": small_int, "finHeure": small_int, "finMinute": small_int},
    optional={"typeHoraires": st.sampled_from(["VIE_PRIVEE", "VIE_PRO"]),
              "idJourSemaine": st.sampled_from(DAYS)},
)
near_valid_map = st.dictionaries(
    st.sampled_from(DAYS + ("lundi", "MONDAY")),
    st.fixed_dictionaries({"VIE_PRIVEE": st.lists(near_valid_slot, max_size=3)}), max_size=3)
near_valid_json = st.dictionaries(
    st.sampled_from(DAYS + ("Lundi",)),
    st.lists(st.tuples(*[st.from_regex(r"\A[0-9]{1,2}:[0-9]{2}\Z") | st.text(max_size=5)] * 2), max_size=3),
    max_size=3)


# Timing varies on a shared CI machine (and the first text shown loads the catalogs).
no_deadline = hsettings(deadline=None)


def minutes_of(schedule: WeeklySchedule) -> set[tuple[str, int]]:
    return {(d, m) for d, ss in schedule.slots.items() for s in ss for m in range(s.start, s.end)}


# -- hypothesis properties -------------------------------------------------------------
@no_deadline
@given(cells)
def test_cells_round_trip(grid):
    assert WeeklySchedule.from_cells(grid).to_cells() == grid


@no_deadline
@given(schedules, st.sampled_from(["23:59", "24:00"]))
def test_inner_map_round_trip(schedule, end_of_day):
    body = schedule.to_inner_map(end_of_day=end_of_day)
    assert WeeklySchedule.from_inner_map(body) == schedule
    assert WeeklySchedule.from_inner_map({"innerMap": {"map": json.loads(json.dumps(body))}}) == schedule


@no_deadline
@given(schedules, st.sampled_from(["23:59", "24:00"]))
def test_json_days_round_trip(schedule, end_of_day):
    data = json.loads(json.dumps(schedule.to_json_days(end_of_day=end_of_day)))
    assert WeeklySchedule.from_json_days(data) == schedule


@no_deadline
@given(st.dictionaries(st.sampled_from(DAYS), st.lists(slots, max_size=6)))
def test_merge_is_idempotent_and_keeps_the_minutes(raw):
    schedule = WeeklySchedule(raw)
    assert WeeklySchedule(schedule.slots) == schedule
    assert hash(WeeklySchedule(schedule.slots)) == hash(schedule)
    for day in DAYS:
        day_slots = schedule.day(day)
        # sorted, neither overlapping nor touching
        assert all(a.end < b.start for a, b in zip(day_slots, day_slots[1:], strict=False))
        expected = {m for s in raw.get(day, []) for m in range(s.start, s.end)}
        if 1438 in expected:  # an end at 23:59 means "until the end of the day"
            expected.add(1439)
        assert {m for s in day_slots for m in range(s.start, s.end)} == expected


@no_deadline
@given(schedules, schedules)
def test_diff_applied_to_a_gives_b(a, b):
    changes = a.diff(b)
    assert a.apply_diff(changes) == b
    assert all(isinstance(c, DayChange) and (c.added or c.removed) for c in changes)
    assert a.diff(a) == []


@no_deadline
@given(schedules)
def test_aligned_cells_agree_with_is_private(schedule):
    grid = schedule.to_cells()
    if schedule.is_quarter_aligned():
        for day in DAYS:
            for index in range(96):
                assert ((day, index) in grid) == schedule.is_private(day, index * 15)
    assert WeeklySchedule.from_cells(grid).slots.keys() == schedule.slots.keys()
    assert minutes_of(schedule) <= minutes_of(WeeklySchedule.from_cells(grid))


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedules, st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31)),
       st.integers(0, 3 * 1440))
def test_private_minutes_between_matches_a_minute_by_minute_count(schedule, start, length):
    start = start.replace(second=0, microsecond=0)
    expected = sum(
        schedule.is_private(DAYS[t.weekday()], t.hour * 60 + t.minute)
        for t in (start + timedelta(minutes=i) for i in range(length))
    )
    assert schedule.private_minutes_between(start, start + timedelta(minutes=length)) == expected


@no_deadline
@given(json_values)
def test_random_bad_input_only_raises_week_validation_error(value):
    at = datetime(2026, 3, 1, tzinfo=UTC)
    for convert in (WeeklySchedule.from_inner_map, WeeklySchedule.from_json_days, WeeklySchedule.from_cells,
                    lambda v: WeeklySchedule.from_api_items(v, at)):
        try:
            convert(value)
        except WeekValidationError as exc:
            assert exc.messages and all(str(m) for m in exc.messages)


@no_deadline
@given(near_valid_map, near_valid_json)
def test_near_valid_input_only_raises_week_validation_error(inner_map, json_days):
    pairs = ((WeeklySchedule.from_inner_map, inner_map), (WeeklySchedule.from_json_days, json_days))
    for convert, value in pairs:
        try:
            result = convert(value)
        except WeekValidationError as exc:
            assert str(exc)
        else:
            assert isinstance(result, WeeklySchedule)


# -- value object ----------------------------------------------------------------------
def test_every_day_present_sorted_and_overlaps_merged():
    week = WeeklySchedule({"MARDI": [S("14:00", "15:00"), S("08:00", "10:00"), S("09:30", "12:00"),
                                     S("12:00", "12:30")]})
    assert list(week.slots) == list(DAYS)
    assert week.day("MARDI") == (S("08:00", "12:30"), S("14:00", "15:00"))
    assert week.day("LUNDI") == ()


def test_value_semantics_and_immutability():
    a = WeeklySchedule({"LUNDI": [(0, 480)]})
    b = WeeklySchedule({"LUNDI": [Slot(0, 480)], "MARDI": []})
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    with pytest.raises(AttributeError):
        a.foo = 1
    with pytest.raises(TypeError):
        a.slots["LUNDI"] = ()
    assert a != WeeklySchedule.empty()


def test_slot_bounds():
    assert Slot(0, 1440).minutes == 1440
    for start, end in ((-1, 10), (10, 10), (20, 10), (0, 1441), (True, 10)):
        with pytest.raises(WeekValidationError):
            Slot(start, end)


def test_presets_and_builders():
    preset = WeeklySchedule.preset_evenings_weekends()
    assert preset.day("LUNDI") == (S("00:00", "08:00"), S("18:00", "24:00"))
    assert preset.day("SAMEDI") == preset.day("DIMANCHE") == (S("00:00", "24:00"),)
    assert WeeklySchedule.preset_all_professional() == WeeklySchedule.empty()
    lunch = WeeklySchedule.empty().add_lunch_break()
    assert lunch.day("VENDREDI") == (S("12:00", "13:30"),) and lunch.day("SAMEDI") == ()
    assert preset.add_lunch_break().day("MARDI") == (
        S("00:00", "08:00"), S("12:00", "13:30"), S("18:00", "24:00"))
    week = WeeklySchedule.empty().with_day("MERCREDI", [S("18:00", "20:00")])
    copied = week.copy_day("MERCREDI", ["JEUDI", "VENDREDI"])
    assert copied.day("JEUDI") == copied.day("VENDREDI") == (S("18:00", "20:00"),)
    assert week.day("JEUDI") == ()  # the original is unchanged
    with pytest.raises(WeekValidationError):
        week.copy_day("MERCREDI", ["FRIDAY"])


def test_is_private_edges():
    week = WeeklySchedule({"LUNDI": [S("18:00", "24:00")]})
    assert not week.is_private("LUNDI", hm("17:59"))
    assert week.is_private("LUNDI", hm("18:00")) and week.is_private("LUNDI", 1439)
    assert not week.is_private("MARDI", 0)


# -- 23:59 versus 24:00 ------------------------------------------------------------------
def _api_slot(day, dh, dm, fh, fm, kind="VIE_PRIVEE"):
    return {"idJourSemaine": day, "typeHoraires": kind, "debutHeure": dh, "debutMinute": dm,
            "finHeure": fh, "finMinute": fm}


def test_end_of_day_accepts_2359_and_2400_and_sends_2359_by_default():
    a = WeeklySchedule.from_inner_map({"LUNDI": {"VIE_PRIVEE": [_api_slot("LUNDI", 18, 0, 23, 59)]}})
    b = WeeklySchedule.from_inner_map({"LUNDI": {"VIE_PRIVEE": [_api_slot("LUNDI", 18, 0, 24, 0)]}})
    assert a == b and a.day("LUNDI") == (Slot(1080, 1440),)
    assert a.to_inner_map() == {"LUNDI": {"VIE_PRIVEE": [_api_slot("LUNDI", 18, 0, 23, 59)]}}
    assert a.to_inner_map(end_of_day="24:00")["LUNDI"]["VIE_PRIVEE"][0]["finHeure"] == 24
    assert a.to_json_days()["LUNDI"] == [["18:00", "23:59"]]
    assert a.to_json_days(end_of_day="24:00")["LUNDI"] == [["18:00", "24:00"]]
    assert WeeklySchedule.from_json_days({"LUNDI": [["18:00", "24:00"]]}) == a
    with pytest.raises(ValueError):
        a.to_inner_map(end_of_day="00:00")


def test_inner_map_matches_the_documented_post_body():
    body = {"LUNDI": {"VIE_PRIVEE": [_api_slot("LUNDI", 0, 0, 8, 0), _api_slot("LUNDI", 12, 0, 13, 30),
                                     _api_slot("LUNDI", 18, 0, 23, 59)]}}
    week = WeeklySchedule.from_inner_map({"innerMap": {"map": body}})
    assert week.day("LUNDI") == (S("00:00", "08:00"), S("12:00", "13:30"), S("18:00", "24:00"))
    assert week.to_inner_map() == body  # days without slots are omitted
    assert WeeklySchedule.empty().to_inner_map() == {}


def test_inner_map_ignores_other_schedule_types():
    week = WeeklySchedule.from_inner_map({"MARDI": {"VIE_PRIVEE": [_api_slot("MARDI", 8, 0, 9, 0, "VIE_PRO")],
                                                    "VIE_PRO": [_api_slot("MARDI", 9, 0, 10, 0, "VIE_PRO")]}})
    assert week.is_empty()


def test_json_days_documented_example():
    week = WeeklySchedule.from_json_days({"LUNDI": [["00:00", "08:00"], ["18:00", "23:59"]]})
    assert week.day("LUNDI") == (S("00:00", "08:00"), S("18:00", "24:00"))
    assert week.to_json_days()["LUNDI"] == [["00:00", "08:00"], ["18:00", "23:59"]]
    assert week.to_json_days()["MARDI"] == []


# -- validation messages ---------------------------------------------------------------
@pytest.mark.parametrize(("data", "message", "day"), [
    ({"LUNDI": [["18:00", "08:00"]]}, "Monday: the end 08:00 must be after the start 18:00.", "LUNDI"),
    ({"MARDI": [["24:00", "24:00"]]}, "Tuesday: 24:00 can only be used as the end of the day.", "MARDI"),
    ({"MARDI": [["07:00", "25:00"]]},
     "Tuesday: the hour 25 is not valid (0–23, or 24:00 as the end of the day).", "MARDI"),
    ({"JEUDI": [["07:60", "09:00"]]}, "Thursday: the minute 60 is not valid (0–59).", "JEUDI"),
    ({"JEUDI": [["7h", "09:00"]]}, "Thursday: the time '7h' is not in HH:MM format.", "JEUDI"),
    ({"MONDAY": []}, "Unknown day 'MONDAY'.", None),
])
def test_validation_messages(data, message, day):
    with language("en"), pytest.raises(WeekValidationError) as caught:
        WeeklySchedule.from_json_days(data)
    with language("en"):
        assert [str(m) for m in caught.value.messages] == [message]
        assert str(caught.value) == message
    assert caught.value.day == day
    assert isinstance(caught.value, ValueError)


def test_cells_validation_and_rounding():
    with pytest.raises(WeekValidationError):
        WeeklySchedule.from_cells([("LUNDI", 96)])
    with pytest.raises(WeekValidationError):
        WeeklySchedule.from_cells([("LUNDI",)])
    odd = WeeklySchedule({"MARDI": [Slot(10, 20), Slot(40, 46)]})
    assert not odd.is_quarter_aligned()
    assert odd.to_cells() == {("MARDI", 0), ("MARDI", 1), ("MARDI", 2), ("MARDI", 3)}  # start down, end up
    assert WeeklySchedule.preset_evenings_weekends().is_quarter_aligned()
    assert len(WeeklySchedule.preset_evenings_weekends().to_cells()) == 5 * (32 + 24) + 2 * 96


# -- GET list ----------------------------------------------------------------------------
@dataclass
class FakeEntry:  # the shape of privacy.ocean.types.ScheduleEntry
    day: str | None
    type: str | None
    start_hour: int | None
    start_minute: int | None
    end_hour: int | None
    end_minute: int | None
    valid_from: datetime | None
    valid_until: datetime | None

    def is_active(self, at: datetime) -> bool:
        if self.valid_from is not None and at < self.valid_from:
            return False
        return self.valid_until is None or at < self.valid_until


JAN, MAR, JUN = (datetime(2026, m, 1, tzinfo=UTC) for m in (1, 3, 6))


def test_from_entries_keeps_active_private_entries_only():
    entries = [
        FakeEntry("LUNDI", "VIE_PRIVEE", 0, 0, 8, 0, JAN, None),
        FakeEntry("LUNDI", "VIE_PRIVEE", 18, 0, 23, 59, JAN, None),
        FakeEntry("MARDI", "VIE_PRIVEE", 12, 0, 14, 0, JAN, MAR),  # closed version
        FakeEntry("MARDI", "VIE_PRIVEE", 12, 0, 13, 0, MAR, None),  # its replacement
        FakeEntry("MERCREDI", "VIE_PRIVEE", 8, 0, 9, 0, JUN, None),  # not started yet
        FakeEntry("JEUDI", "IMMOBILISATION", 8, 0, 9, 0, JAN, None),
        FakeEntry(None, None, None, None, None, None, None, None),
    ]
    week = WeeklySchedule.from_entries(entries, at=datetime(2026, 4, 1, tzinfo=UTC))
    assert week == WeeklySchedule({"LUNDI": [S("00:00", "08:00"), S("18:00", "24:00")],
                                   "MARDI": [S("12:00", "13:00")]})
    feb = WeeklySchedule.from_entries(entries, at=datetime(2026, 2, 1, tzinfo=UTC))
    assert feb.day("MARDI") == (S("12:00", "14:00"),)


def test_from_entries_with_the_api_client_dataclass():
    types = pytest.importorskip("privacy.ocean.types")
    entry = types.ScheduleEntry(id=1, day="VENDREDI", type="VIE_PRIVEE", start_hour=18, start_minute=0,
                                end_hour=24, end_minute=0, valid_from=JAN, valid_until=None)
    assert WeeklySchedule.from_entries([entry], at=MAR).day("VENDREDI") == (S("18:00", "24:00"),)


def test_from_api_items_raw_json():
    def item(day, dh, fh, debut, fin, kind="VIE_PRIVEE"):
        return {"id": 1, "individu": {}, "horaire": {"id": 2, **_api_slot(day, dh, 0, fh, 0, kind)},
                "debut": debut, "fin": fin}

    items = [
        item("LUNDI", 0, 8, 1767222000000, None),  # epoch ms, open-ended
        item("MARDI", 8, 9, "2025-11-25T13:49:33.102Z", "2026-02-01T00:00:00Z"),  # closed (ISO)
        item("MERCREDI", 8, 9, "2026-01-01T00:00:00", None),  # naive ISO = UTC
        item("JEUDI", 8, 9, None, None, kind="IMMOBILISATION"),
    ]
    week = WeeklySchedule.from_api_items(items, at=MAR)
    assert week == WeeklySchedule({"LUNDI": [S("00:00", "08:00")], "MERCREDI": [S("08:00", "09:00")]})
    before = WeeklySchedule.from_api_items(items, at=datetime(2025, 12, 1))  # naive `at` = UTC
    assert before == WeeklySchedule({"MARDI": [S("08:00", "09:00")]})
    with pytest.raises(WeekValidationError):
        WeeklySchedule.from_api_items([item("LUNDI", 0, 8, "not a date", None)], at=MAR)


# -- private minutes across boundaries -----------------------------------------------------
def test_private_minutes_between_crosses_midnight_and_days():
    week = WeeklySchedule.preset_evenings_weekends()
    # Friday 2026-01-02 17:00 -> 19:30: 90 min after 18:00
    assert week.private_minutes_between(datetime(2026, 1, 2, 17), datetime(2026, 1, 2, 19, 30)) == 90
    # Thursday 23:00 -> Friday 09:00: 60 + 480
    assert week.private_minutes_between(datetime(2026, 1, 1, 23), datetime(2026, 1, 2, 9)) == 540
    # Friday 17:00 -> Monday 08:30
    friday, monday = datetime(2026, 1, 2, 17), datetime(2026, 1, 5, 8, 30)
    assert week.private_minutes_between(friday, monday) == 360 + 2880 + 480
    assert week.private_minutes_between(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 9)) == 0
    with pytest.raises(WeekValidationError):
        week.private_minutes_between(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 8))


def test_private_minutes_between_aware_datetimes_use_local_wall_clock():
    paris = ZoneInfo("Europe/Paris")
    week = WeeklySchedule({"MARDI": [S("12:00", "13:00")]})
    start = datetime(2026, 3, 3, 11, 30, tzinfo=paris)
    end_utc = datetime(2026, 3, 3, 11, 45, tzinfo=UTC)  # 12:45 in Paris
    assert week.private_minutes_between(start, end_utc) == 45
    with pytest.raises(WeekValidationError):
        week.private_minutes_between(start, datetime(2026, 3, 3, 13))


# -- texts -------------------------------------------------------------------------------
@pytest.mark.parametrize(("week", "text"), [
    (WeeklySchedule.preset_evenings_weekends(), "Mon.–Fri. 18:00–08:00, weekend"),
    (WeeklySchedule.empty(), "no private hours"),
    (WeeklySchedule({d: [S("00:00", "24:00")] for d in DAYS}), "all the time"),
    (WeeklySchedule.preset_evenings_weekends().add_lunch_break(),
     "Mon.–Fri. 12:00–13:30 + 18:00–08:00, weekend"),
    (WeeklySchedule.empty().add_lunch_break().with_day("MERCREDI", [S("00:00", "24:00")]),
     "Mon.–Tue. 12:00–13:30, Wed. all day, Thu.–Fri. 12:00–13:30"),
    (WeeklySchedule({"SAMEDI": [S("09:00", "12:00")], "LUNDI": [S("18:00", "24:00")]}),
     "Mon. 18:00–24:00, Sat. 09:00–12:00"),
    # A single day is not folded into "18:00–08:00": that would suggest Wednesday morning.
    (WeeklySchedule({"MARDI": [S("00:00", "08:00"), S("18:00", "24:00")]}), "Tue. 00:00–08:00 + 18:00–24:00"),
])
def test_summary_in_english(week, text):
    with language("en"):
        assert week_summary(week) == text


def test_describe_diff_in_english():
    old = WeeklySchedule.preset_evenings_weekends()
    new = old.with_day("MARDI", [S("00:00", "08:00"), S("12:00", "13:30"), S("18:00", "24:00")]) \
             .with_day("MERCREDI", [S("00:00", "08:00"), S("19:00", "24:00")])
    with language("en"):
        assert describe_diff(old, new) == ["Tuesday: + 12:00–13:30", "Wednesday: − 18:00–19:00"]
        assert describe_diff(new, new) == []


@needs_django
def test_texts_in_french_use_french_day_names():
    old = WeeklySchedule.preset_evenings_weekends()
    new = old.with_day("MARDI", [S("00:00", "08:00"), S("12:00", "13:30"), S("18:00", "24:00")])
    with translation.override("fr"):
        (line,) = describe_diff(old, new)
        assert line.startswith("mardi") and line.endswith("+ 12:00–13:30")
        assert week_summary(old).startswith("lun.–ven. 18:00–08:00, ")
        with pytest.raises(WeekValidationError) as caught:
            WeeklySchedule.from_json_days({"LUNDI": [["18:00", "08:00"]]})
        assert str(caught.value).startswith("lundi")
