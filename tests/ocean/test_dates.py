from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacy.ocean import format_ocean_datetime, parse_ocean_time, to_utc_from_local
from privacy.ocean.dates import format_fiche_date, parse_local_date_time, to_epoch_ms

PARIS = ZoneInfo("Europe/Paris")


def test_it_formats_in_utc_with_the_zone_token():
    dt = datetime(2025, 11, 24, 1, 0, tzinfo=PARIS)
    assert format_ocean_datetime(dt) == "24/11/2025 00:00:00 +0000"
    assert format_ocean_datetime(dt, "Z") == "24/11/2025 00:00:00 Z"


def test_it_refuses_naive_datetimes_and_unknown_zone_tokens():
    with pytest.raises(ValueError):
        format_ocean_datetime(datetime(2025, 1, 1))
    with pytest.raises(ValueError):
        format_ocean_datetime(datetime(2025, 1, 1, tzinfo=UTC), "+0100")


def test_it_formats_fiche_dates():
    assert format_fiche_date(date(2025, 11, 4)) == "04/11/2025"


@pytest.mark.parametrize(
    "value",
    [
        1767222000000,
        "1767222000000",
        1767222000000.0,
        "2025-12-31T23:00:00Z",
        "2025-12-31T23:00:00.000Z",
        "2025-12-31T23:00:00+00:00",
        "2026-01-01T00:00:00+01:00",
        "2025-12-31T23:00:00.000+0000",
        "31/12/2025 23:00:00 Z",
        "31/12/2025 23:00:00 +0000",
        "2025-12-31 23:00:00",
    ],
)
def test_it_parses_every_documented_time_shape(value):
    assert parse_ocean_time(value) == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", [None, "", "  ", True, "not a date", {}, [], "31/02/2025"])
def test_it_returns_none_for_missing_or_garbage(value):
    assert parse_ocean_time(value) is None


def test_the_documented_examples():
    assert parse_ocean_time(1829692800000) == datetime(2027, 12, 25, tzinfo=UTC)
    assert parse_ocean_time("2025-11-25T13:49:33.102Z") == datetime(
        2025, 11, 25, 13, 49, 33, 102000, tzinfo=UTC
    )


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_epoch_ms_round_trips(dt):
    dt = dt.replace(microsecond=dt.microsecond // 1000 * 1000)
    assert parse_ocean_time(to_epoch_ms(dt)) == dt
    assert parse_ocean_time(dt.isoformat()) == dt


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)))
def test_formatted_params_parse_back(dt):
    dt = dt.replace(microsecond=0)
    assert parse_ocean_time(format_ocean_datetime(dt)) == dt
    assert parse_ocean_time(format_ocean_datetime(dt, "Z")) == dt


def test_local_to_utc_ordinary_days():
    assert to_utc_from_local(datetime(2026, 1, 15, 8, 0), "Europe/Paris") == datetime(
        2026, 1, 15, 7, tzinfo=UTC
    )
    assert to_utc_from_local(datetime(2026, 7, 15, 8, 0), "Europe/Paris") == datetime(
        2026, 7, 15, 6, tzinfo=UTC
    )


def test_local_to_utc_spring_gap_is_shifted_forward():
    # 2026-03-29 02:30 does not exist in Paris: read with the pre-gap offset (+01:00).
    got = to_utc_from_local(datetime(2026, 3, 29, 2, 30), "Europe/Paris")
    assert got == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert got.astimezone(PARIS).hour == 3


def test_local_to_utc_autumn_ambiguity_takes_the_first_occurrence():
    got = to_utc_from_local(datetime(2026, 10, 25, 2, 30), "Europe/Paris")
    assert got == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # CEST, the earlier instant


def test_aware_input_is_just_converted():
    dt = datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    assert to_utc_from_local(dt, "Europe/Paris") == datetime(2026, 1, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("d", "t", "expected"),
    [
        ("24/11/2025", "08:15:00", datetime(2025, 11, 24, 7, 15, tzinfo=UTC)),
        ("24/11/2025", "08:15", datetime(2025, 11, 24, 7, 15, tzinfo=UTC)),
        ("24/11/2025", "8h15", datetime(2025, 11, 24, 7, 15, tzinfo=UTC)),
        ("2025-11-24", "08:15:00.250", datetime(2025, 11, 24, 7, 15, 0, 250000, tzinfo=UTC)),
        ("24/11/2025", "24:00", datetime(2025, 11, 24, 23, 0, tzinfo=UTC)),
        ("24/11/2025", None, datetime(2025, 11, 23, 23, 0, tzinfo=UTC)),
        ("2025-11-24T07:15:00Z", None, datetime(2025, 11, 24, 7, 15, tzinfo=UTC)),
        ("2025-11-24T08:15:00", None, datetime(2025, 11, 24, 7, 15, tzinfo=UTC)),
        (1764000000000, "ignored", datetime.fromtimestamp(1764000000, UTC)),
        ("", "08:00", None),
        (None, None, None),
        ("24/11/2025", "bad", None),
        ("99/99/2025", "08:00", None),
    ],
)
def test_fiche_jour_local_date_and_time(d, t, expected):
    assert parse_local_date_time(d, t, "Europe/Paris") == expected


# -- edges found by mutation testing (tests/MUTATION.md) ------------------------------------------
def iso(dt):
    """The value as text, zone included: equal instants in other zones do not compare equal here."""
    return dt.isoformat() if dt is not None else None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31/12/2025", "2025-12-31T00:00:00+00:00"),  # a date alone is midnight UTC, not 01:00
        ("1/2/2026", "2026-02-01T00:00:00+00:00"),
        ("31/12/2025 23:00", "2025-12-31T23:00:00+00:00"),
        ("01/01/2026 00:30:00 +0130", "2025-12-31T23:00:00+00:00"),  # hours and minutes of the offset
        ("01/01/2026 00:30:00 +01:30", "2025-12-31T23:00:00+00:00"),
        ("31/12/2025 20:15:00 -0245", "2025-12-31T23:00:00+00:00"),  # a negative offset is added back
        ("31/12/2025 13:00:00 -10:00", "2025-12-31T23:00:00+00:00"),
        ("01/01/2026 09:00:00 +1000", "2025-12-31T23:00:00+00:00"),
        ("31/12/2025 23:00:00Z", "2025-12-31T23:00:00+00:00"),
        ("2026-01-01T00:00:00+01:00", "2025-12-31T23:00:00+00:00"),
        ("2025-12-31 20:15:00-0245", "2025-12-31T23:00:00+00:00"),
        ("2025-12-31T23:00:00", "2025-12-31T23:00:00+00:00"),  # naive ISO is UTC
        ("-1000", "1969-12-31T23:59:59+00:00"),
        (1767222000000.5, "2025-12-31T23:00:00.000500+00:00"),
        (10**20, None),  # beyond datetime: None, not OverflowError
        ("1" * 25, None),
    ],
)
def test_ocean_times_are_read_in_utc_with_the_offset_sign_and_minutes(value, expected):
    assert iso(parse_ocean_time(value)) == expected


def test_datetimes_pass_through_as_utc():
    paris_noon = datetime(2026, 7, 1, 12, tzinfo=PARIS)
    assert iso(parse_ocean_time(paris_noon)) == "2026-07-01T10:00:00+00:00"
    assert iso(parse_ocean_time(datetime(2026, 7, 1, 12))) == "2026-07-01T12:00:00+00:00"  # naive = UTC


def test_formatting_refuses_what_it_cannot_write():
    class NoOffset(tzinfo):  # a tzinfo that does not know its offset
        def utcoffset(self, dt):
            return None

    with pytest.raises(ValueError, match=r"^naive datetime: pass an aware datetime \(Ocean dates are sent in UTC\)$"):
        format_ocean_datetime(datetime(2025, 1, 1, tzinfo=NoOffset()))
    with pytest.raises(TypeError, match="^expected datetime, got date$"):
        to_epoch_ms(date(2025, 1, 1))
    with pytest.raises(ValueError, match=r"^zone_token must be one of \('\+0000', 'Z'\)$"):
        format_ocean_datetime(datetime(2025, 1, 1, tzinfo=UTC), "+0100")
    assert format_fiche_date(datetime(2025, 11, 4, 23, 30)) == "04/11/2025"
    assert to_epoch_ms(datetime(1970, 1, 1, 1, tzinfo=PARIS)) == 0


@pytest.mark.parametrize(
    ("d", "t", "expected"),
    [
        ("24/11/2025", "08:00", "2025-11-24T07:00:00+00:00"),  # a whole hour is not "24:00"
        ("24/11/2025", "00:00", "2025-11-23T23:00:00+00:00"),
        ("24/11/2025", "", "2025-11-23T23:00:00+00:00"),
        ("24/11/2025", "24:00", "2025-11-24T23:00:00+00:00"),
        ("2025-11-24T08:15:00", None, "2025-11-24T07:15:00+00:00"),
        ("2025-11-24Tnonsense", None, None),
        ("24/11/2025", "25:00", None),
    ],
)
def test_fiche_jour_times_are_customer_local(d, t, expected):
    assert iso(parse_local_date_time(d, t, "Europe/Paris")) == expected


def test_fiche_jour_times_use_the_customer_zone_not_paris():
    cayenne = "America/Cayenne"  # UTC-3 all year
    assert iso(parse_local_date_time("24/11/2025", "08:15", cayenne)) == "2025-11-24T11:15:00+00:00"
    assert iso(parse_local_date_time("24/11/2025", None, cayenne)) == "2025-11-24T03:00:00+00:00"
    assert iso(parse_local_date_time("24/11/2025", "24:00", cayenne)) == "2025-11-25T03:00:00+00:00"
    assert iso(parse_local_date_time("2025-11-24T08:15:00", None, cayenne)) == "2025-11-24T11:15:00+00:00"
    assert iso(to_utc_from_local(datetime(2026, 7, 15, 8, 0), cayenne)) == "2026-07-15T11:00:00+00:00"


def test_local_to_utc_policy_holds_whatever_the_input_fold():
    assert iso(to_utc_from_local(datetime(2026, 1, 15, 8, 0))) == "2026-01-15T07:00:00+00:00"  # Paris by default
    second_half_hour = datetime(2026, 10, 25, 2, 30, fold=1)  # still the first occurrence (policy)
    assert iso(to_utc_from_local(second_half_hour, "Europe/Paris")) == "2026-10-25T00:30:00+00:00"
    aware = datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    assert iso(to_utc_from_local(aware, "Europe/Paris")) == "2026-01-01T10:00:00+00:00"


def test_epoch_ms_are_whole_milliseconds():
    assert to_epoch_ms(datetime(1970, 1, 1, 0, 0, 0, 999, tzinfo=UTC)) == 0
    assert to_epoch_ms(datetime(2025, 12, 31, 23, 0, 0, 1500, tzinfo=UTC)) == 1767222000001
