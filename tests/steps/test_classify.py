"""PrivacyCalendar.classify: minutes of a trip in private time, exceptional periods, edges and DST days.

The grid used below: Monday to Friday private 00:00–08:00 and 18:00–24:00, the weekend wholly private
(Europe/Paris). Trips are given in UTC, like Ocean's times once parsed.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacy.models import Customer
from privacy.ocean import OceanUnavailable
from privacy.ocean.types import ScheduleEntry
from privacy.services import private_hours_reads as reads
from privacy.steps.services import classify as module
from privacy.steps.services.classify import (
    CALENDAR_TTL,
    MIXED,
    PRIVATE,
    PRO,
    UNKNOWN,
    PrivacyCalendar,
    ScheduleClass,
    classify,
    privacy_calendar,
)
from privacy.week import DAYS

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 1, 5)  # local dates of a winter week (UTC+1)
NOW = datetime(2026, 1, 7, 12, tzinfo=UTC)  # the clock of the tests that read Ocean: that week's Wednesday


def entry(day, sh, sm, eh, em, valid_from=None, valid_until=None, kind="VIE_PRIVEE"):
    return ScheduleEntry(id=1, day=day, type=kind, start_hour=sh, start_minute=sm, end_hour=eh, end_minute=em,
                         valid_from=valid_from, valid_until=valid_until)


EVENINGS_WEEKENDS = tuple(
    [e for d in DAYS[:5] for e in (entry(d, 0, 0, 8, 0), entry(d, 18, 0, 24, 0))]
    + [entry(d, 0, 0, 24, 0) for d in DAYS[5:]]
)


def local(day_offset: int, hh: int, mm: int = 0, base=MONDAY) -> datetime:
    """A Paris wall-clock time ``day_offset`` days after ``base``, as an aware UTC instant."""
    return (base + timedelta(days=day_offset)).replace(hour=hh, minute=mm, tzinfo=PARIS).astimezone(UTC)


def calendar(*periods, entries=EVENINGS_WEEKENDS) -> PrivacyCalendar:
    return PrivacyCalendar(entries=entries, periods=tuple(periods))


def cls(cal, start, end, tz=PARIS) -> tuple:
    got = cal.classify(start, end, tz)
    return got.kind, got.private_minutes, got.pro_minutes


# -- the weekly grid alone ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (local(0, 10), local(0, 11), (PRO, 0, 60)),
        (local(0, 7, 30), local(0, 8, 30), (MIXED, 30, 30)),
        (local(0, 19), local(0, 19, 45), (PRIVATE, 45, 0)),
        (local(0, 17, 59), local(0, 18, 1), (MIXED, 1, 1)),
        (local(0, 8), local(0, 18), (PRO, 0, 600)),  # from the end of one slot to the start of the next
        (local(-1, 23), local(0, 9), (MIXED, 540, 60)),  # Sunday night into Monday morning
        (local(4, 17), local(7, 8, 30), (MIXED, 3720, 90)),  # Friday 17:00 to Monday 08:30
    ],
)
def test_trips_against_the_weekly_grid(start, end, expected):
    assert cls(calendar(), start, end) == expected


def test_the_grid_is_read_in_the_customer_zone():
    start, end = datetime(2026, 1, 5, 17, 30, tzinfo=UTC), datetime(2026, 1, 5, 18, 30, tzinfo=UTC)
    assert cls(calendar(), start, end, PARIS) == (PRIVATE, 60, 0)  # 18:30–19:30 in Paris
    assert cls(calendar(), start, end, ZoneInfo("UTC")) == (MIXED, 30, 30)
    assert cls(calendar(), start, end, ZoneInfo("America/Cayenne")) == (PRO, 0, 60)  # 14:30–15:30 there


def test_the_grid_of_the_trip_start_applies():
    old = entry("LUNDI", 9, 0, 12, 0, valid_until=local(0, 0))
    new = entry("LUNDI", 10, 0, 12, 0, valid_from=local(0, 0))
    cal = calendar(entries=(old, new))
    assert cls(cal, local(0, 9), local(0, 11)) == (MIXED, 60, 60)
    assert cls(cal, local(-7, 9), local(-7, 11)) == (PRIVATE, 120, 0)  # a week before, the old version
    assert cls(calendar(entries=(entry("LUNDI", 9, 0, 12, 0, kind="IMMOBILISATION"),)), local(0, 9),
               local(0, 11)) == (PRO, 0, 120)


# -- exceptional periods ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("period", "start", "end", "expected"),
    [
        ((local(0, 12), local(0, 14)), local(0, 12, 30), local(0, 13), (PRIVATE, 30, 0)),  # wholly inside
        ((local(0, 8, 30), local(0, 10)), local(0, 7), local(0, 9), (MIXED, 90, 30)),  # grid part before it
        ((local(0, 16), local(0, 17, 30)), local(0, 17), local(0, 19), (MIXED, 90, 30)),  # grid part after it
        ((local(0, 12), local(0, 13)), local(0, 6), local(0, 20), (MIXED, 300, 540)),  # inside the trip
        ((local(0, 11), local(0, 12)), local(0, 12), local(0, 13), (PRO, 0, 60)),  # ends as the trip starts
        ((local(0, 13), local(0, 14)), local(0, 12), local(0, 13), (PRO, 0, 60)),  # starts as the trip ends
        ((local(0, 11, 59), local(0, 12, 1)), local(0, 12), local(0, 13), (MIXED, 1, 59)),
        ((local(0, 7), local(0, 9)), local(0, 7, 30), local(0, 8, 30), (PRIVATE, 60, 0)),  # over grid time
    ],
)
def test_exceptional_periods_and_the_rest_of_the_trip(period, start, end, expected):
    assert cls(calendar(period), start, end) == expected


def test_overlapping_periods_count_each_minute_once():
    cal = calendar((local(0, 10), local(0, 12)), (local(0, 11), local(0, 13)), (local(0, 10), local(0, 11)))
    assert cls(cal, local(0, 10, 30), local(0, 12, 30)) == (PRIVATE, 120, 0)
    assert cls(cal, local(0, 9), local(0, 14)) == (MIXED, 180, 120)


# -- zero-length and sub-minute trips ---------------------------------------------------------------
def test_a_zero_length_trip_takes_the_class_of_its_instant():
    assert cls(calendar(), local(0, 19), local(0, 19)) == (PRIVATE, 0, 0)
    assert cls(calendar(), local(0, 10), local(0, 10)) == (PRO, 0, 0)
    assert cls(calendar(), local(0, 8), local(0, 8)) == (PRO, 0, 0)  # 08:00 is the end of the slot
    assert cls(calendar(), local(0, 7, 59), local(0, 7, 59)) == (PRIVATE, 0, 0)
    assert cls(calendar(), local(0, 19), local(0, 18)) == (PRIVATE, 0, 0)  # an end before the start: the start
    assert cls(calendar(), local(0, 10), local(0, 9)) == (PRO, 0, 0)


def test_a_zero_length_trip_in_an_exceptional_period_is_private():
    cal = calendar((local(0, 9), local(0, 11)))
    assert cls(cal, local(0, 10), local(0, 10)) == (PRIVATE, 0, 0)
    assert cls(cal, local(0, 9), local(0, 9)) == (PRIVATE, 0, 0)
    assert cls(cal, local(0, 11), local(0, 11)) == (PRO, 0, 0)  # the period's end is excluded


def test_seconds_count_in_whole_minutes():
    assert cls(calendar(), local(0, 10), local(0, 10) + timedelta(seconds=59)) == (PRO, 0, 0)
    assert cls(calendar(), local(0, 19), local(0, 19) + timedelta(seconds=119)) == (PRIVATE, 1, 0)


# -- DST days (Sunday 29 March and Sunday 25 October 2026 in Paris) ----------------------------------
SUNDAY_NIGHT = (entry("DIMANCHE", 0, 0, 3, 0),)  # private until 03:00 on Sundays, nothing else


def test_autumn_the_repeated_hour_counts_twice():
    start = datetime(2026, 10, 25, 0, 0, tzinfo=UTC)  # 02:00 CEST
    end = datetime(2026, 10, 25, 2, 30, tzinfo=UTC)  # 03:30 CET: 150 real minutes
    # private until the wall clock shows 03:00 (CET), i.e. 02:00 UTC: 120 real minutes
    assert cls(calendar(entries=SUNDAY_NIGHT), start, end) == (MIXED, 120, 30)
    whole_sunday = calendar(entries=(entry("DIMANCHE", 0, 0, 24, 0),))
    assert cls(whole_sunday, start, end) == (PRIVATE, 150, 0)


def test_spring_the_skipped_hour_does_not_count():
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET
    end = datetime(2026, 3, 29, 2, 0, tzinfo=UTC)  # 04:00 CEST: 90 real minutes
    # the wall clock jumps from 02:00 to 03:00 at 01:00 UTC: 30 private minutes, then 60 pro
    assert cls(calendar(entries=SUNDAY_NIGHT), start, end) == (MIXED, 30, 60)
    saturday_evening = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)  # 23:00 CET on Saturday
    assert cls(calendar(), saturday_evening, end) == (PRIVATE, 240, 0)


# -- the calendar that could not be read ----------------------------------------------------------------
def test_no_calendar_or_an_unreadable_slot_is_unknown():
    assert classify(None, local(0, 10), local(0, 11), PARIS) == ScheduleClass(UNKNOWN)
    broken = calendar(entries=(entry("LUNDI", 25, 0, 26, 0),))
    assert classify(broken, local(0, 10), local(0, 11), PARIS) == ScheduleClass(UNKNOWN)
    assert classify(calendar(), local(0, 10), local(0, 11), PARIS) == ScheduleClass(PRO, 0, 60)
    assert ScheduleClass(UNKNOWN).touches_private and ScheduleClass(MIXED).touches_private
    assert not ScheduleClass(PRO).touches_private


# -- properties --------------------------------------------------------------------------------------
def minute_by_minute(cal: PrivacyCalendar, start: datetime, end: datetime, tz) -> int:
    """The private minutes of a whole-minute trip, one real minute at a time (the slow, obvious way)."""
    from privacy.week import WeeklySchedule

    grid = WeeklySchedule.from_entries(cal.entries, at=start)
    count, at = 0, start
    while at < end:
        wall = at.astimezone(tz)
        count += any(lo <= at < hi for lo, hi in cal.periods) or grid.is_private(
            DAYS[wall.weekday()], wall.hour * 60 + wall.minute)
        at += timedelta(minutes=1)
    return count


slots = st.lists(
    st.tuples(st.sampled_from(DAYS), st.integers(0, 95), st.integers(1, 96)).map(
        lambda t: entry(t[0], *divmod(t[1] * 15, 60), *divmod(max(t[1] + 1, t[2]) * 15, 60))),
    max_size=6)
instants = st.datetimes(min_value=datetime(2026, 3, 27), max_value=datetime(2026, 3, 30)) | st.datetimes(
    min_value=datetime(2026, 10, 23), max_value=datetime(2026, 10, 26)) | st.datetimes(
    min_value=datetime(2026, 6, 1), max_value=datetime(2026, 6, 8))
periods = st.lists(st.tuples(instants, st.integers(1, 600)), max_size=3)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(slots, periods, instants, st.integers(0, 2 * 1440))
def test_private_plus_pro_is_the_trip_and_matches_a_minute_by_minute_count(entries, raw_periods, start, length):
    start = start.replace(second=0, microsecond=0, tzinfo=UTC)
    end = start + timedelta(minutes=length)
    cal = PrivacyCalendar(
        entries=tuple(entries),
        periods=tuple((p.replace(second=0, microsecond=0, tzinfo=UTC),
                       p.replace(second=0, microsecond=0, tzinfo=UTC) + timedelta(minutes=m)) for p, m in raw_periods))
    got = cal.classify(start, end, PARIS)
    assert got.private_minutes + got.pro_minutes == length
    assert got.private_minutes == minute_by_minute(cal, start, end, PARIS)
    assert (got.kind == MIXED) == (got.private_minutes > 0 and got.pro_minutes > 0)
    assert got.kind != PRO or got.private_minutes == 0


# -- reading the calendar from Ocean -------------------------------------------------------------------
class Client:
    def __init__(self, entries=(), periods=(), error=None):
        self.entries, self.periods, self.error, self.calls = entries, periods, error, []

    def recurring_get(self, *, driver_id):
        self.calls.append(("recurring", driver_id))
        if self.error:
            raise self.error
        return list(self.entries)

    def exceptional_list(self, *, driver_id, start, end):
        self.calls.append(("exceptional", driver_id, start, end))
        return list(self.periods)


@pytest.fixture
def ocean(monkeypatch):
    """Install a fake Ocean client for the private-hours reads, the clock pinned to ``NOW``."""
    def install(client):
        def client_of(customer):
            assert customer is not None and customer.pk in (41, 42)  # the customer's own client
            return client

        monkeypatch.setattr(reads, "ocean_client", client_of)
        return client

    with time_machine.travel(NOW, tick=False):
        yield install


SHARED_WINDOW = (NOW - reads.LOOK_BACK, NOW + reads.LOOK_AHEAD)  # the exceptional periods' list, around now


def test_the_calendar_is_read_around_the_days_week_and_cached(ocean):
    period = SimpleNamespace(start=local(0, 9), end=local(0, 10), label="Congé")
    unnamed = SimpleNamespace(start=local(0, 12), end=local(0, 13), label=None)
    open_ended = SimpleNamespace(start=local(0, 11), end=None, label="")
    client = ocean(Client(entries=EVENINGS_WEEKENDS[:2], periods=[period, unnamed, open_ended]))
    customer = Customer(pk=41, time_zone="Europe/Paris")
    first, last = MONDAY.date(), MONDAY.date() + timedelta(days=2)
    cal = privacy_calendar(customer, 7001, first, last)
    assert cal == PrivacyCalendar(entries=EVENINGS_WEEKENDS[:2], periods=(
        (period.start, period.end), (unnamed.start, unnamed.end)), labels=("Congé", ""))
    # Monday to Wednesday lie in one week: the calendar is built for the whole week and kept under the week's
    # key, from the two lists the private-hours pages read too (the periods' list spans years around now).
    assert sorted(client.calls) == [("exceptional", 7001, *SHARED_WINDOW), ("recurring", 7001)]  # at once
    assert privacy_calendar(customer, 7001, first, last) == cal and len(client.calls) == 2  # from the cache
    sunday = date(2026, 1, 11)
    assert cache.get(module.calendar_key(customer, 7001, first, sunday)) == cal and CALENDAR_TTL == 120
    key = module.calendar_key(customer, 7001, first, sunday)
    assert key.startswith("privacy:v3:calendar:41:7001:") and key.endswith(":2026-01-05:2026-01-11")
    for day in range(5, 12):  # every other day of that week: no read
        assert privacy_calendar(customer, 7001, date(2026, 1, day), date(2026, 1, day)) == cal
    assert len(client.calls) == 2


def test_a_range_across_two_weeks_is_kept_for_itself_from_the_same_lists(ocean):
    period = SimpleNamespace(start=local(4, 9), end=local(4, 10), label="Congé")  # Friday 9 January
    later = SimpleNamespace(start=local(14, 9), end=local(14, 10), label="Plus tard")  # the week after next
    client = ocean(Client(entries=EVENINGS_WEEKENDS[:1], periods=[period, later]))
    customer = Customer(pk=41, time_zone="Europe/Paris")
    friday, tuesday = date(2026, 1, 9), date(2026, 1, 13)
    cal = privacy_calendar(customer, 7003, friday, tuesday)
    assert cal.periods == ((period.start, period.end),)  # only what touches its own days (±1, +2)
    assert cache.get(module.calendar_key(customer, 7003, friday, tuesday)) == cal
    assert sorted(client.calls) == [("exceptional", 7003, *SHARED_WINDOW), ("recurring", 7003)]
    # The following week needs no read: the two lists are the driver's, not the week's.
    assert privacy_calendar(customer, 7003, date(2026, 1, 19), date(2026, 1, 19)).periods == (
        (later.start, later.end),)
    assert len(client.calls) == 2


def test_a_week_older_than_the_shared_list_reads_its_own_window(ocean):
    client = ocean(Client(entries=EVENINGS_WEEKENDS[:1]))
    customer = Customer(pk=41, time_zone="Europe/Paris")
    old_monday = (NOW - reads.LOOK_BACK - timedelta(days=30)).date()
    old_monday -= timedelta(days=old_monday.weekday())
    privacy_calendar(customer, 7004, old_monday, old_monday)
    own = (datetime.combine(old_monday - timedelta(days=1), datetime.min.time(), tzinfo=PARIS),
           datetime.combine(old_monday + timedelta(days=8), datetime.min.time(), tzinfo=PARIS))
    assert ("exceptional", 7004, *own) in client.calls


def test_an_unreadable_calendar_is_none_and_not_cached(ocean, caplog):
    client = ocean(Client(error=OceanUnavailable("Ocean unreachable")))
    customer = Customer(pk=42, time_zone="Europe/Paris")
    assert privacy_calendar(customer, 7001, MONDAY.date(), MONDAY.date()) is None
    assert privacy_calendar(customer, 7001, MONDAY.date(), MONDAY.date()) is None
    assert [c[0] for c in client.calls].count("recurring") == 2  # a failure is not cached
    assert "private hours of driver 7001 unavailable: Ocean unreachable" in [r.getMessage() for r in caplog.records]


def test_the_cached_calendar_lives_two_minutes(ocean, settings):
    # An in-process cache reads the travelled clock; Redis (CI) would expire keys on its own clock.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client = ocean(Client(entries=EVENINGS_WEEKENDS[:1]))
    customer = Customer(pk=41, time_zone="Europe/Paris")
    with time_machine.travel(datetime(2026, 1, 5, 12, tzinfo=UTC), tick=False) as traveller:
        privacy_calendar(customer, 7002, MONDAY.date(), MONDAY.date())
        traveller.shift(timedelta(seconds=119))
        privacy_calendar(customer, 7002, MONDAY.date(), MONDAY.date())
        assert len(client.calls) == 2
        traveller.shift(timedelta(seconds=2))
        privacy_calendar(customer, 7002, MONDAY.date(), MONDAY.date())
        assert len(client.calls) == 4


# -- what the first classify run left alive (tests/MUTATION.md) --------------------------------------
NEW_YORK = ZoneInfo("America/New_York")


def test_dst_in_the_customer_zone_not_the_servers():
    # New York falls back on Sunday 1 November 2026 at 02:00 EDT (06:00 UTC); Paris did a week earlier.
    start = datetime(2026, 11, 1, 5, 0, tzinfo=UTC)  # 01:00 EDT
    end = datetime(2026, 11, 1, 7, 30, tzinfo=UTC)  # 02:30 EST: 150 real minutes, all before 03:00 wall clock
    assert cls(calendar(entries=SUNDAY_NIGHT), start, end, NEW_YORK) == (PRIVATE, 150, 0)
    assert classify(calendar(entries=SUNDAY_NIGHT), start, end, NEW_YORK) == ScheduleClass(PRIVATE, 150, 0)


@pytest.mark.parametrize(("zone", "transition"), [
    ("Europe/Paris", datetime(2026, 10, 25, 1, 0, tzinfo=UTC)),
    ("Europe/Paris", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    ("America/New_York", datetime(2026, 11, 1, 6, 0, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2026, 10, 3, 15, 30, tzinfo=UTC)),  # a half-hour change at 02:00 local
])
@pytest.mark.parametrize(("before", "after"), [(1, 1), (1000, 1001), (12_345, 7), (40_000, 50_001)])
def test_offset_changes_are_found_to_the_second(zone, transition, before, after):
    lo, hi = transition - timedelta(seconds=before), transition + timedelta(seconds=after)
    assert module._offset_changes(lo, hi, ZoneInfo(zone)) == [transition]
    assert module._offset_changes(lo, transition, ZoneInfo(zone)) == []
    assert module._offset_changes(transition, hi, ZoneInfo(zone)) == []


def test_an_instant_is_read_in_the_customer_zone():
    cayenne = ZoneInfo("America/Cayenne")
    seven_in_cayenne = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)  # 07:00 there (private), 11:00 in Paris
    assert cls(calendar(), seven_in_cayenne, seven_in_cayenne, cayenne) == (PRIVATE, 0, 0)
    assert classify(calendar(), seven_in_cayenne, seven_in_cayenne, cayenne) == ScheduleClass(PRIVATE)
    assert cls(calendar(), local(0, 18, 30), local(0, 18, 30)) == (PRIVATE, 0, 0)
    assert cls(calendar(), local(0, 17, 30), local(0, 17, 30)) == (PRO, 0, 0)


def test_each_piece_left_by_several_periods_keeps_its_grid_minutes():
    cal = calendar((local(0, 12), local(0, 13)), (local(0, 15), local(0, 16)))
    # 06:00–20:00: 06–08 and 18–20 by the grid, 12–13 and 15–16 exceptional
    assert cls(cal, local(0, 6), local(0, 20)) == (MIXED, 360, 480)


def test_an_unreadable_slot_is_logged(caplog):
    broken = calendar(entries=(entry("LUNDI", 25, 0, 26, 0),))
    with translation.override("en"):
        classify(broken, local(0, 10), local(0, 11), PARIS)
        assert [r.getMessage() for r in caplog.records] == [
            "schedule not readable: Monday: the hour 25 is not valid (0–23, or 24:00 as the end of the day)."]


def test_a_day_inside_a_warmed_week_reuses_the_weeks_calendar(ocean):
    client = ocean(Client(entries=EVENINGS_WEEKENDS[:1]))
    customer = Customer(pk=42, time_zone="Europe/Paris")
    week = PrivacyCalendar(entries=EVENINGS_WEEKENDS, periods=())
    monday, sunday = date(2026, 1, 5), date(2026, 1, 11)
    cache.set(module.calendar_key(customer, 7001, monday, sunday), week, 60)
    for first, last in ((date(2026, 1, 7), date(2026, 1, 7)), (monday, monday), (sunday, sunday),
                        (date(2026, 1, 6), date(2026, 1, 9))):
        assert privacy_calendar(customer, 7001, first, last) is not None
    assert client.calls == []  # all inside the warmed week
    assert privacy_calendar(customer, 7001, date(2026, 1, 7), date(2026, 1, 7)) == week
    # Past Sunday, or the next week: the driver's two lists are read once, then serve every other range.
    for first, last in ((date(2026, 1, 7), date(2026, 1, 12)), (date(2026, 1, 7), date(2026, 1, 13)),
                        (date(2026, 1, 12), date(2026, 1, 12))):
        assert privacy_calendar(customer, 7001, first, last).entries == EVENINGS_WEEKENDS[:1]
        assert len(client.calls) == 2
    assert privacy_calendar(customer, 7002, monday, monday).entries == EVENINGS_WEEKENDS[:1]  # another driver
    assert len(client.calls) == 4


def test_a_classified_trip_carries_its_explanation():
    assert classify(calendar(), local(0, 19), local(0, 20), PARIS).why is not None
    assert classify(calendar(), local(0, 10), local(0, 11), PARIS).why is not None
