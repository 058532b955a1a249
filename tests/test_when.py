"""Reading awareness times: every accepted form, DST edges, refusals, zones and display."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo

import pytest
from dateutil import tz as dateutil_tz
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from incidentbot.core.when import format_local, parse_when, parse_zone
from incidentbot.errors import UsageError

NOW = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # 23:00 in Paris, 17:00 in Toronto
PARIS = parse_zone("Europe/Paris")
TORONTO = parse_zone("America/Toronto")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def when(text: str, zone: tzinfo = PARIS, now: datetime = NOW) -> datetime:
    return parse_when(text, now=now, tz=zone)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T14:00:00Z", utc(2026, 11, 20, 14, 0)),
        ("2026-11-20T14:00+01:00", utc(2026, 11, 20, 13, 0)),
        ("2026-11-20T09:00-05:00", utc(2026, 11, 20, 14, 0)),
        ("2026-11-20T14:00:00.250Z", utc(2026, 11, 20, 14, 0)),
        ("2026-11-20 14:00", utc(2026, 11, 20, 13, 0)),
        ("2026-11-20 14:00 UTC", utc(2026, 11, 20, 14, 0)),
        ("2026-11-20 14:00 UTC-5", utc(2026, 11, 20, 19, 0)),
        ("20/11/2026 14h00", utc(2026, 11, 20, 13, 0)),
        ("20/11/2026 14:00", utc(2026, 11, 20, 13, 0)),
        ("20-11-2026 14:00", utc(2026, 11, 20, 13, 0)),
        ("20.11.2026 14:00", utc(2026, 11, 20, 13, 0)),
        ("20/11/2026 14 h 00", utc(2026, 11, 20, 13, 0)),
        ("20/11/2026 14h", utc(2026, 11, 20, 13, 0)),
        ("20/11/26 14h30", utc(2026, 11, 20, 13, 30)),
        ("01/02/2026 10:00", utc(2026, 2, 1, 9, 0)),  # day first: 1 February
        ("2026-11-20", utc(2026, 11, 19, 23, 0)),  # local midnight
        ("20/11/2026", utc(2026, 11, 19, 23, 0)),
        ("20 novembre 2026 14h", utc(2026, 11, 20, 13, 0)),
        ("1er nov. 2026", utc(2026, 10, 31, 23, 0)),
        ("20 November 2026 2pm", utc(2026, 11, 20, 13, 0)),
        ("yesterday 18:00", utc(2026, 11, 29, 17, 0)),
        ("Yesterday at 6:30 pm", utc(2026, 11, 29, 17, 30)),
        ("today 9:30", utc(2026, 11, 30, 8, 30)),
        ("hier 18h00", utc(2026, 11, 29, 17, 0)),
        ("hier à 18h", utc(2026, 11, 29, 17, 0)),
        ("aujourd'hui 9h", utc(2026, 11, 30, 8, 0)),
        ("aujourd’hui 9h", utc(2026, 11, 30, 8, 0)),
        ("hier", utc(2026, 11, 28, 23, 0)),  # a day alone is its start
        ("14h", utc(2026, 11, 30, 13, 0)),
        ("now", NOW),
        ("NOW", NOW),
        ("maintenant", NOW),
        ("3 hours ago", NOW - timedelta(hours=3)),
        ("90 minutes ago", NOW - timedelta(minutes=90)),
        ("2 days ago", NOW - timedelta(days=2)),
        ("an hour ago", NOW - timedelta(hours=1)),
        ("1 week ago", NOW - timedelta(weeks=1)),
        ("il y a 3 heures", NOW - timedelta(hours=3)),
        ("il y a 2 jours", NOW - timedelta(days=2)),
        ("il y a 30 minutes", NOW - timedelta(minutes=30)),
        ("il y a une heure", NOW - timedelta(hours=1)),
        ('"2026-11-20 14:00"', utc(2026, 11, 20, 13, 0)),  # quotes around it are dropped
        ("  2026-11-20   14:00  ", utc(2026, 11, 20, 13, 0)),
    ],
)
def test_accepted_forms_in_paris(text: str, expected: datetime) -> None:
    result = when(text)
    assert result == expected
    assert result.tzinfo is UTC


def test_local_forms_follow_the_zone() -> None:
    assert when("2026-11-20 14:00", TORONTO) == utc(2026, 11, 20, 19, 0)
    assert when("hier 18h00", TORONTO) == utc(2026, 11, 29, 23, 0)
    assert when("2026-11-20 14:00", UTC) == utc(2026, 11, 20, 14, 0)


def test_explicit_offset_ignores_the_zone() -> None:
    for zone in (PARIS, TORONTO, UTC):
        assert when("2026-11-20T14:00:00Z", zone) == utc(2026, 11, 20, 14, 0)
        assert when("2026-11-20T14:00+01:00", zone) == utc(2026, 11, 20, 13, 0)


def test_yesterday_is_the_calendar_day_in_the_zone() -> None:
    # 01:30 in Paris on 1 December is still 30 November in UTC: "yesterday" is 30 November.
    now = utc(2026, 12, 1, 0, 30)
    assert when("yesterday 18:00", PARIS, now) == utc(2026, 11, 30, 17, 0)
    assert when("yesterday 18:00", UTC, now) == utc(2026, 11, 30, 18, 0)


# --------------------------------------------------------------------------- DST


def test_paris_spring_gap_moves_forward() -> None:
    # 02:30 on 29 March 2026 never happened in Paris: read as 03:30 CEST.
    assert when("2026-03-29 02:30") == utc(2026, 3, 29, 1, 30)
    assert when("29/03/2026 02h30") == utc(2026, 3, 29, 1, 30)


def test_paris_autumn_overlap_takes_the_first_occurrence() -> None:
    # 02:30 on 25 October 2026 happened twice; fold=0 is the earlier one, still CEST (+02:00).
    assert when("2026-10-25 02:30") == utc(2026, 10, 25, 0, 30)


def test_toronto_spring_gap_and_autumn_overlap() -> None:
    assert when("2026-03-08 02:30", TORONTO) == utc(2026, 3, 8, 7, 30)  # 03:30 EDT
    assert when("2026-11-01 01:30", TORONTO) == utc(2026, 11, 1, 5, 30)  # first 01:30, EDT


def test_relative_times_are_elapsed_time_across_dst() -> None:
    now = utc(2026, 10, 25, 12, 0)  # Paris fell back at 01:00 UTC that day
    assert when("24 hours ago", PARIS, now) == utc(2026, 10, 24, 12, 0)
    assert when("1 day ago", PARIS, now) == utc(2026, 10, 24, 12, 0)


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "text", ["2027-01-01", "23:59", "2026-11-30T22:02Z", "2026-12-01 00:00", "aujourd'hui 23h30"]
)
def test_future_is_refused(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        when(text)
    error = caught.value
    assert f'"{text}" is in the future' in error.message
    assert error.message_fr


def test_future_refusal_names_the_text_and_now() -> None:
    with pytest.raises(UsageError) as caught:
        when("2027-01-01")
    assert caught.value.message.startswith('"2027-01-01" is in the future')
    assert "2026-11-30 23:00 (UTC+01:00)" in caught.value.message
    assert "dans le futur" in (caught.value.message_fr or "")


def test_up_to_a_minute_ahead_is_tolerated() -> None:
    assert when("2026-11-30T22:01:00Z") == utc(2026, 11, 30, 22, 1)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "last tuesday",
        "Donor file 12",
        "yesterday 18",
        "18",
        "13pm",
        "2026-11-20 14:00 +25:00",
        "20 foo 2026",
        "9999999 weeks ago",
        "12345678 days ago",
        "01/01/0001 00:00",
        "2026-11-20 14:00 Europe/Paris",
    ],
)
def test_unreadable_text_is_refused_with_examples(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        when(text)
    error = caught.value
    assert f'"{text}"' in error.message
    assert "20/11/2026 14h00" in error.message
    assert "3 hours ago" in error.message
    assert "il y a 3 heures" in (error.message_fr or "")


@pytest.mark.parametrize(
    "text", ["31/02/2026", "11/20/2026 14:00", "2026-02-30", "0000-01-01", "25:00", "hier 9h75"]
)
def test_impossible_dates_say_day_first(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        when(text)
    assert f'"{text}"' in caught.value.message
    assert "day first" in caught.value.message


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_when("now", now=datetime(2026, 11, 30, 12, 0), tz=PARIS)


# --------------------------------------------------------------------------- zones and display


@pytest.mark.parametrize("name", ["Europe/Paris", "America/Toronto", "America/Montreal", "UTC"])
def test_parse_zone_accepts_iana_names(name: str) -> None:
    zone = parse_zone(name)
    assert datetime(2026, 7, 1, tzinfo=zone).utcoffset() is not None


def test_parse_zone_utc_in_any_case() -> None:
    assert parse_zone("utc") is UTC
    assert parse_zone(" UTC ") is UTC


@pytest.mark.parametrize(
    "name", ["", "Europe/Pariss", "europe/paris", "UTC+3", "foo3", "/etc/localtime", "localtime",
             "../../etc/passwd", "Europe", "right/Europe/Paris", "x" * 500],
)  # fmt: skip
def test_parse_zone_refuses_unknown_names(name: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_zone(name)
    assert "Unknown time zone" in caught.value.message
    assert "Europe/Paris" in caught.value.message
    assert caught.value.field == "tz"


def test_format_local() -> None:
    at = utc(2026, 11, 20, 13, 0)
    assert format_local(at, PARIS, "en") == "2026-11-20 14:00 (UTC+01:00)"
    assert format_local(at, PARIS, "fr") == "2026-11-20 14:00 (UTC+01:00)"
    assert format_local(at, TORONTO, "en") == "2026-11-20 08:00 (UTC-05:00)"
    assert format_local(utc(2026, 7, 1, 12, 0), PARIS, "en") == "2026-07-01 14:00 (UTC+02:00)"
    assert format_local(at, UTC, "en") == "2026-11-20 13:00 (UTC+00:00)"
    assert format_local(at, parse_zone("Asia/Kolkata"), "en") == "2026-11-20 18:30 (UTC+05:30)"


def test_format_local_output_parses_back() -> None:
    at = utc(2026, 11, 20, 13, 0)
    shown = format_local(at, TORONTO, "en").split(" (")[0]
    assert when(shown, TORONTO) == at


# --------------------------------------------------------------------------- property

ZONES = ["Europe/Paris", "America/Toronto", "Europe/London", "UTC", "Asia/Kolkata",
         "Australia/Lord_Howe", "America/St_Johns"]  # fmt: skip


def _local_forms(local: datetime) -> list[str]:
    d = f"{local.year:04d}-{local.month:02d}-{local.day:02d}"
    return [
        f"{d} {local.hour:02d}:{local.minute:02d}",
        f"{local.day:02d}/{local.month:02d}/{local.year:04d} {local.hour:02d}h{local.minute:02d}",
    ]


@settings(max_examples=200)
@given(
    st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(2026, 11, 30, 21, 0)),
    st.sampled_from(ZONES),
)
def test_past_times_written_in_a_zone_parse_back_to_the_same_minute(
    naive: datetime, zone_name: str
) -> None:
    zone = parse_zone(zone_name)
    at = naive.replace(tzinfo=UTC)
    minute = at.replace(second=0, microsecond=0)
    assert when(minute.isoformat(), zone) == minute
    assert when(minute.isoformat().replace("+00:00", "Z"), zone) == minute
    local = at.astimezone(zone)
    # The second pass of a fall-back hour is read as the first (fold=0), by design.
    assume(not dateutil_tz.datetime_ambiguous(local.replace(tzinfo=None), zone))
    offset_form = local.replace(second=0, microsecond=0).isoformat()
    assert when(offset_form, zone) == minute
    expected = local.replace(second=0, microsecond=0).astimezone(UTC)
    for text in _local_forms(local):
        assert when(text, zone) == expected, text


def test_fixed_offset_zone_from_the_caller_is_honoured() -> None:
    assert when("2026-11-20 14:00", timezone(timedelta(hours=-4))) == utc(2026, 11, 20, 18, 0)
