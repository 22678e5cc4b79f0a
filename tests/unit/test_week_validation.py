"""privacy.week: every refusal gives its own message (and day), malformed input never a TypeError,
and the edges the property tests in test_week.py do not reach (epoch boundaries, seconds, zones)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from privacy import week
from privacy.week import DAYS, Slot, WeeklySchedule, WeekValidationError

MAR = datetime(2026, 3, 1, tzinfo=UTC)
MAR_MS = 1772323200000  # 2026-03-01T00:00:00Z in epoch milliseconds


def api(day="LUNDI", dh=8, dm=0, fh=9, fm=0, **extra):
    return {"idJourSemaine": day, "typeHoraires": "VIE_PRIVEE", "debutHeure": dh, "debutMinute": dm,
            "finHeure": fh, "finMinute": fm, **extra}


def api_item(debut=None, fin=None, **slot):
    return {"horaire": api(**slot), "debut": debut, "fin": fin}


class Entry:  # the shape of privacy.ocean.types.ScheduleEntry
    type = "VIE_PRIVEE"

    def __init__(self, day, sh, sm, eh, em):
        self.day, self.start_hour, self.start_minute, self.end_hour, self.end_minute = day, sh, sm, eh, em

    def is_active(self, at):
        return True


# (what is done, the English message, the day the error is about)
REFUSALS = [
    (lambda: Slot(-1, 10), "The time -1 is not valid.", None),
    (lambda: Slot(0, 1441), "The time 1441 is not valid.", None),
    (lambda: Slot("8", 10), "The time '8' is not valid.", None),
    (lambda: Slot(20, 10), "The end 00:10 must be after the start 00:20.", None),
    (lambda: Slot(600, 600), "The end 10:00 must be after the start 10:00.", None),
    (lambda: WeeklySchedule({"LUNDI": [(10, 5)]}), "Monday: the slot (10, 5) is not valid.", "LUNDI"),
    (lambda: WeeklySchedule({"LUNDI": [(5, 5)]}), "Monday: the slot (5, 5) is not valid.", "LUNDI"),
    (lambda: WeeklySchedule({"MARDI": [(0, 2000)]}), "Tuesday: the slot (0, 2000) is not valid.", "MARDI"),
    (lambda: WeeklySchedule({"MARDI": [("a", 5)]}), "Tuesday: the slot ('a', 5) is not valid.", "MARDI"),
    (lambda: WeeklySchedule({"MARDI": [5]}), "Tuesday: the slot 5 is not valid.", "MARDI"),
    (lambda: WeeklySchedule({"MARDI": 5}), "Tuesday: the slots are not valid.", "MARDI"),
    (lambda: WeeklySchedule({"MARDI": None}), "Tuesday: the slots are not valid.", "MARDI"),
    (lambda: WeeklySchedule({"MARDI": "0-8"}), "Tuesday: the slots are not valid.", "MARDI"),
    (lambda: WeeklySchedule(["LUNDI"]), "The schedule is not valid.", None),
    (lambda: WeeklySchedule({"Lundi": []}), "Unknown day 'Lundi'.", None),
    (lambda: WeeklySchedule().with_day("MERCREDI", None), "Wednesday: the slots are not valid.", "MERCREDI"),
    (lambda: WeeklySchedule().copy_day("LUNDI", None), "Unknown day None.", None),
    (lambda: WeeklySchedule().copy_day("LUNDI", "MARDI"), "Unknown day 'MARDI'.", None),
    (lambda: WeeklySchedule().is_private("JEUDI", "08:00"), "Thursday: the time '08:00' is not valid.", "JEUDI"),
    (lambda: WeeklySchedule().private_minutes_between("08:00", datetime(2026, 1, 1)),
     "The date '08:00' is not valid.", None),
    (lambda: WeeklySchedule().private_minutes_between(datetime(2026, 1, 1), None), "The date None is not valid.",
     None),
    (lambda: WeeklySchedule().private_minutes_between(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2)),
     "The start and the end must both have a time zone or neither.", None),
    (lambda: WeeklySchedule().private_minutes_between(datetime(2026, 1, 2), datetime(2026, 1, 1)),
     "The end must not be before the start.", None),
    # recurring POST body (innerMap)
    (lambda: WeeklySchedule.from_inner_map([]), "The schedule is not valid.", None),
    (lambda: WeeklySchedule.from_inner_map({"innerMap": {"map": None}}), "The schedule is not valid.", None),
    (lambda: WeeklySchedule.from_inner_map({"LUNDI": []}), "Monday: the slots are not valid.", "LUNDI"),
    (lambda: WeeklySchedule.from_inner_map({"LUNDI": {"VIE_PRIVEE": {}}}), "Monday: the slots are not valid.",
     "LUNDI"),
    (lambda: WeeklySchedule.from_inner_map({"LUNDI": {"VIE_PRIVEE": [5]}}), "Monday: the slot 5 is not valid.",
     "LUNDI"),
    (lambda: WeeklySchedule.from_inner_map({"SAMEDI": {"VIE_PRIVEE": [api(dh="8")]}}),
     "Saturday: the time '8' is not valid.", "SAMEDI"),
    (lambda: WeeklySchedule.from_inner_map({"SAMEDI": {"VIE_PRIVEE": [api(fm=None)]}}),
     "Saturday: the time None is not valid.", "SAMEDI"),
    (lambda: WeeklySchedule.from_inner_map({"SAMEDI": {"VIE_PRIVEE": [api(dh=24, dm=0)]}}),
     "Saturday: 24:00 can only be used as the end of the day.", "SAMEDI"),
    (lambda: WeeklySchedule.from_inner_map({"SAMEDI": {"VIE_PRIVEE": [api(fh=24, fm=30)]}}),
     "Saturday: the hour 24 is not valid (0–23, or 24:00 as the end of the day).", "SAMEDI"),
    (lambda: WeeklySchedule.from_inner_map({"SAMEDI": {"VIE_PRIVEE": [api(dh=-1)]}}),
     "Saturday: the hour -1 is not valid (0–23, or 24:00 as the end of the day).", "SAMEDI"),
    (lambda: WeeklySchedule.from_inner_map({"SAMEDI": {"VIE_PRIVEE": [api(fm=60)]}}),
     "Saturday: the minute 60 is not valid (0–59).", "SAMEDI"),
    (lambda: WeeklySchedule.from_inner_map({"SAMEDI": {"VIE_PRIVEE": [api(dm=-1)]}}),
     "Saturday: the minute -1 is not valid (0–59).", "SAMEDI"),
    (lambda: WeeklySchedule.from_inner_map({"DIMANCHE": {"VIE_PRIVEE": [api(dh=9, fh=9)]}}),
     "Sunday: the end 09:00 must be after the start 09:00.", "DIMANCHE"),
    (lambda: WeeklySchedule.from_inner_map({"DIMANCHE": {"VIE_PRIVEE": [api(dh=10, fh=9)]}}),
     "Sunday: the end 09:00 must be after the start 10:00.", "DIMANCHE"),
    # ScheduleEntry objects from the client
    (lambda: WeeklySchedule.from_entries([Entry("VENDREDI", 8, 0, 25, 0)], at=MAR),
     "Friday: the hour 25 is not valid (0–23, or 24:00 as the end of the day).", "VENDREDI"),
    (lambda: WeeklySchedule.from_entries([Entry("VENDREDI", 8, 0, 7, 0)], at=MAR),
     "Friday: the end 07:00 must be after the start 08:00.", "VENDREDI"),
    (lambda: WeeklySchedule.from_entries([Entry(None, 8, 0, 9, 0)], at=MAR), "Unknown day None.", None),
    # raw recurring GET list
    (lambda: WeeklySchedule.from_api_items({}, at=MAR), "The schedule is not valid.", None),
    (lambda: WeeklySchedule.from_api_items([5], at=MAR), "The slot 5 is not valid.", None),
    (lambda: WeeklySchedule.from_api_items([{"horaire": 5}], at=MAR), "The slot {'horaire': 5} is not valid.", None),
    (lambda: WeeklySchedule.from_api_items([api_item(debut="soon")], at=MAR), "The date 'soon' is not valid.", None),
    (lambda: WeeklySchedule.from_api_items([api_item(debut=1.5)], at=MAR), "The date 1.5 is not valid.", None),
    (lambda: WeeklySchedule.from_api_items([api_item(fin=True)], at=MAR), "The date True is not valid.", None),
    (lambda: WeeklySchedule.from_api_items([api_item(fin="9" * 30)], at=MAR),
     f"The date '{'9' * 30}' is not valid.", None),
    (lambda: WeeklySchedule.from_api_items([api_item(day="MONDAY")], at=MAR), "Unknown day 'MONDAY'.", None),
    (lambda: WeeklySchedule.from_api_items([api_item(day="MARDI", fh=24, fm=1)], at=MAR),
     "Tuesday: the hour 24 is not valid (0–23, or 24:00 as the end of the day).", "MARDI"),
    # {"LUNDI": [["08:00", "09:00"]]}
    (lambda: WeeklySchedule.from_json_days([]), "The schedule is not valid.", None),
    (lambda: WeeklySchedule.from_json_days({"MARDI": "08:00-09:00"}), "Tuesday: the slots are not valid.", "MARDI"),
    (lambda: WeeklySchedule.from_json_days({"MARDI": [["08:00"]]}), "Tuesday: the slot ['08:00'] is not valid.",
     "MARDI"),
    (lambda: WeeklySchedule.from_json_days({"MARDI": ["08:00"]}), "Tuesday: the slot '08:00' is not valid.",
     "MARDI"),
    (lambda: WeeklySchedule.from_json_days({"MARDI": [[8, "09:00"]]}),
     "Tuesday: the time 8 is not in HH:MM format.", "MARDI"),
    (lambda: WeeklySchedule.from_json_days({"MARDI": [["08:00", "9"]]}),
     "Tuesday: the time '9' is not in HH:MM format.", "MARDI"),
    (lambda: WeeklySchedule.from_json_days({"MARDI": [["08:00", "08:00"]]}),
     "Tuesday: the end 08:00 must be after the start 08:00.", "MARDI"),
    # 15-minute cells
    (lambda: WeeklySchedule.from_cells("LUNDI"), "The schedule is not valid.", None),
    (lambda: WeeklySchedule.from_cells({"LUNDI": 3}), "The schedule is not valid.", None),
    (lambda: WeeklySchedule.from_cells(None), "The schedule is not valid.", None),
    (lambda: WeeklySchedule.from_cells([("LUNDI",)]), "The cell ('LUNDI',) is not valid.", None),
    (lambda: WeeklySchedule.from_cells(["LU"]), "The cell 'LU' is not valid.", None),
    (lambda: WeeklySchedule.from_cells([("JEUDI", 96)]), "Thursday: the cell 96 is not valid (0–95).", "JEUDI"),
    (lambda: WeeklySchedule.from_cells([("JEUDI", -1)]), "Thursday: the cell -1 is not valid (0–95).", "JEUDI"),
    (lambda: WeeklySchedule.from_cells([("JEUDI", 1.0)]), "Thursday: the cell 1.0 is not valid (0–95).", "JEUDI"),
    (lambda: WeeklySchedule.from_cells([("JEUDI", True)]), "Thursday: the cell True is not valid (0–95).", "JEUDI"),
    (lambda: WeeklySchedule.from_cells([("Jeudi", 3)]), "Unknown day 'Jeudi'.", None),
]


@pytest.mark.parametrize(("action", "message", "day"), REFUSALS)
def test_each_refusal_has_its_message_and_day(action, message, day):
    with translation.override("en"), pytest.raises(WeekValidationError) as caught:
        action()
    with translation.override("en"):
        assert [str(m) for m in caught.value.messages] == [message]
        assert str(caught.value) == message
    assert caught.value.day == day


def test_messages_are_lazy_strings_shown_in_the_language_of_the_page():
    with translation.override("en"), pytest.raises(WeekValidationError) as caught:
        WeeklySchedule.from_json_days({"LUNDI": [["18:00", "08:00"]]})
    (message,) = caught.value.messages
    with translation.override("fr"):
        assert message.startswith("lundi")  # a str-like proxy, translated when shown
        assert str(caught.value).startswith("lundi")


def test_a_validation_error_keeps_one_or_several_messages():
    assert WeekValidationError("a text").messages == ["a text"]
    assert WeekValidationError(("one", "two")).messages == ["one", "two"]
    assert str(WeekValidationError(["one", "two"])) == "one two"
    assert WeekValidationError("x", day="LUNDI").day == "LUNDI"


def test_to_inner_map_refuses_another_end_of_day_spelling():
    with pytest.raises(ValueError, match=r"^end_of_day must be '23:59' or '24:00'$"):
        WeeklySchedule().to_inner_map(end_of_day="00:00")


def test_without_django_settings_texts_are_the_english_msgids(monkeypatch):
    class Unconfigured:
        def __getattr__(self, name):
            raise ImproperlyConfigured(name)

    with translation.override("fr"):
        assert week.gettext("Monday") == "lundi"
        assert week.pgettext("abbrev. month", "Sept.") == "sept."
        assert week._i18n_ready()
        monkeypatch.setattr(week, "settings", Unconfigured())
        assert not week._i18n_ready()
        assert week.gettext("Monday") == "Monday"
        assert week.pgettext("abbrev. month", "Sept.") == "Sept."


# -- conversions at their edges ------------------------------------------------------------------
def test_a_slot_may_end_at_24_00_and_start_at_23_59():
    assert WeeklySchedule({"LUNDI": [(0, 1440)]}).is_full() is False
    assert WeeklySchedule({d: [(0, 1440)] for d in DAYS}).is_full()
    last = WeeklySchedule.from_json_days({"LUNDI": [["23:59", "23:59"]]})  # 23:59 as an end = 24:00
    assert last.day("LUNDI") == (Slot(1439, 1440),)
    assert last.to_json_days()["LUNDI"] == [["23:59", "24:00"]]
    assert WeeklySchedule.from_inner_map({"LUNDI": {"VIE_PRIVEE": [api(dh=23, dm=59, fh=23, fm=59)]}}) == last
    assert WeeklySchedule.from_inner_map({"LUNDI": {"VIE_PRIVEE": [api(dh=23, dm=0, fh=23, fm=58)]}}).day(
        "LUNDI") == (Slot(1380, 1438),)


def test_inner_map_types_and_their_order():
    body = {"LUNDI": {"VIE_PRO": [api(dh=7)]},  # no VIE_PRIVEE list at all
            "MARDI": {"VIE_PRIVEE": [api("MARDI", 7, 0, 8, 0, typeHoraires="VIE_PRO"), api("MARDI", 9, 0, 10, 0)]},
            "MERCREDI": {"VIE_PRIVEE": [{"debutHeure": 1, "debutMinute": 0, "finHeure": 2, "finMinute": 0}]}}
    week_ = WeeklySchedule.from_inner_map(body)
    assert week_ == WeeklySchedule({"MARDI": [(540, 600)], "MERCREDI": [(60, 120)]})


def test_api_items_validity_window_edges():
    def at(when):
        return WeeklySchedule.from_api_items(items, at=when).day("LUNDI")

    items = [api_item(debut=MAR_MS, fin=str(MAR_MS + 3_600_000))]  # epoch ms as int and as text
    assert at(MAR) == (Slot(480, 540),)  # starts exactly now
    assert at(MAR - timedelta(milliseconds=1)) == ()
    assert at(MAR + timedelta(minutes=59)) == (Slot(480, 540),)
    assert at(MAR + timedelta(hours=1)) == ()  # the end is excluded
    before_epoch = [api_item(debut="-1000", fin=None)]  # negative epoch ms are dates too
    assert WeeklySchedule.from_api_items(before_epoch, at=datetime(1970, 1, 1, tzinfo=UTC)).day("LUNDI")
    paris_1am = datetime(2026, 3, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))  # 28 Feb 23:30 UTC
    assert WeeklySchedule.from_api_items(items, at=paris_1am).day("LUNDI") == ()
    aware_end = [api_item(debut=None, fin="2026-03-01T00:30:00+01:00")]  # = 28 Feb 23:30 UTC
    assert WeeklySchedule.from_api_items(aware_end, at=MAR).day("LUNDI") == ()
    assert WeeklySchedule.from_api_items(aware_end, at=MAR - timedelta(hours=1)).day("LUNDI") == (Slot(480, 540),)


def test_api_items_skip_other_types_wherever_they_are():
    items = [api_item(day="JEUDI", typeHoraires="IMMOBILISATION"), api_item(day="VENDREDI")]
    assert WeeklySchedule.from_api_items(items, at=MAR) == WeeklySchedule({"VENDREDI": [(480, 540)]})


# -- value object --------------------------------------------------------------------------------
def test_repr_total_and_hash():
    preset = WeeklySchedule.preset_evenings_weekends()
    assert repr(WeeklySchedule({"LUNDI": [(0, 480), (1080, 1440)], "SAMEDI": [(0, 1440)]})) == (
        "WeeklySchedule(LUNDI=[00:00–08:00, 18:00–24:00]; SAMEDI=[00:00–24:00])")
    assert repr(WeeklySchedule()) == "WeeklySchedule()"
    assert preset.total_minutes() == 5 * (480 + 360) + 2 * 1440
    assert WeeklySchedule().total_minutes() == 0
    assert hash(preset) != hash(WeeklySchedule())
    assert preset.day("SAMEDI") == (Slot(0, 1440),) and preset.day("VENDREDI") == (Slot(0, 480), Slot(1080, 1440))


def test_private_minutes_count_whole_minutes_of_seconds():
    week_ = WeeklySchedule({"LUNDI": [(720, 780), (1080, 1140)]})  # Monday 12:00–13:00, 18:00–19:00
    monday_noon = datetime(2026, 1, 5, 12)
    assert week_.private_minutes_between(monday_noon, monday_noon + timedelta(seconds=59)) == 0
    assert week_.private_minutes_between(monday_noon, monday_noon + timedelta(seconds=119)) == 1
    ninety = week_.private_minutes_between(monday_noon - timedelta(minutes=1), monday_noon + timedelta(seconds=90))
    assert ninety == 1 and type(ninety) is int
    sunday_evening = datetime(2026, 1, 4, 23, 0)  # Sunday night to Monday 12:30: the 30 Monday minutes
    assert week_.private_minutes_between(sunday_evening, monday_noon + timedelta(minutes=30)) == 30


def test_private_minutes_read_the_wall_clock_of_the_start_zone():
    week_ = WeeklySchedule({"MARDI": [(720, 780)]})  # Tuesday 12:00–13:00
    start = datetime(2026, 3, 3, 11, 30, tzinfo=UTC)
    end = datetime(2026, 3, 3, 13, 45, tzinfo=timezone(timedelta(hours=1)))  # 12:45 UTC
    assert week_.private_minutes_between(start, end) == 45
    far_east = timezone(timedelta(hours=10))  # 12:45 UTC is 22:45 there, 11:30 UTC is 21:30 there
    assert week_.private_minutes_between(start.astimezone(far_east), end) == 0


def test_quarter_alignment_needs_both_ends():
    assert WeeklySchedule({"MARDI": [(0, 46)]}).is_quarter_aligned() is False
    assert WeeklySchedule({"MARDI": [(10, 15)]}).is_quarter_aligned() is False
    assert WeeklySchedule({"MARDI": [(15, 45)], "JEUDI": [(0, 1440)]}).is_quarter_aligned() is True


def test_an_end_at_1439_minutes_is_the_end_of_the_day():
    assert WeeklySchedule({"LUNDI": [(600, 1439)]}).day("LUNDI") == (Slot(600, 1440),)
    assert WeeklySchedule({"LUNDI": [(600, 1438)]}).day("LUNDI") == (Slot(600, 1438),)
