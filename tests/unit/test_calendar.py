"""The working-day calendar: office hours, weekends, holidays, time zones, days off."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from cli.english import english
from engine.process.calendar import (
    TIME_LIMIT,
    TIME_LIMIT_GRAMMAR,
    TIME_LIMIT_INPUT_PATTERN,
    TimeLimit,
    TimeUnit,
    WorkingCalendar,
    national_holiday_name,
    normalize_time_limit,
    parse_days_off,
    parse_time_limit,
    time_limit_label,
)

WIB, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0,
       minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def test_the_time_limit_grammar_served_to_the_editor_is_the_engine_s_own() -> None:
    assert TIME_LIMIT_GRAMMAR.pattern == TIME_LIMIT.pattern
    assert TIME_LIMIT_GRAMMAR.units == ("h", "d", "m") == tuple(TimeUnit)
    largest = f"{TIME_LIMIT_GRAMMAR.max_amount}d"
    assert parse_time_limit(largest) == TimeLimit(9999, TimeUnit.DAYS)
    assert len(largest) == TIME_LIMIT_GRAMMAR.max_length
    with pytest.raises(ValueError):
        parse_time_limit(f"{TIME_LIMIT_GRAMMAR.max_amount + 1}h")
    served = TIME_LIMIT_GRAMMAR.as_json()
    assert {k: served[k] for k in ("pattern", "units", "maxAmount", "maxLength")} == {
        "pattern": TIME_LIMIT.pattern, "units": ["h", "d", "m"], "maxAmount": 9999,
        "maxLength": 5}
    assert served["inputPattern"] == TIME_LIMIT_INPUT_PATTERN
    assert set(TIME_LIMIT_GRAMMAR.words.values()) == {"h", "d", "m"}


def test_time_limits_are_whole_hours_or_days() -> None:
    assert parse_time_limit("8h") == TimeLimit(8, TimeUnit.HOURS)
    assert parse_time_limit("2d") == TimeLimit(2, TimeUnit.DAYS)
    assert parse_time_limit("") is None
    for bad in ("8", "8 jam", "0h", "1.5h", "2w", "-1d", "h8", "10000h"):
        with pytest.raises(ValueError, match="8h or 2d"):
            parse_time_limit(bad)


@pytest.mark.parametrize("typed, stored, label", [
    ("2 hari", "2d", "2 hari kerja"), ("4 jam", "4h", "4 jam kerja"),
    ("1 hari kerja", "1d", "1 hari kerja"), ("8 jam kerja", "8h", "8 jam kerja"),
    ("4h", "4h", "4 jam kerja"), ("2d", "2d", "2 hari kerja"), (" 3  HARI ", "3d", "3 hari kerja"),
    ("12hk", "12d", "12 hari kerja"), ("9999 hari", "9999d", "9999 hari kerja"),
    ("30 menit", "30m", "30 menit kerja"), ("45 mnt", "45m", "45 menit kerja")])
def test_a_limit_as_people_say_it_is_stored_in_the_canonical_form(typed: str, stored: str,
                                                                  label: str) -> None:
    assert normalize_time_limit(typed) == stored
    assert parse_time_limit(stored) is not None
    assert time_limit_label(stored) == label


@pytest.mark.parametrize("typed", ["2 har", "0 hari", "1,5 jam", "2 minggu", "hari 2", "10000 jam",
                                   "2 hari 4 jam", "\u0663 hari"])
def test_what_is_not_a_limit_is_refused_in_words(typed: str) -> None:
    with pytest.raises(ValueError, match="4 jam, 2 hari"):
        normalize_time_limit(typed)
    assert normalize_time_limit("  ") == ""


def test_minutes_count_office_time_too() -> None:
    calendar = WorkingCalendar(WIB)
    # Friday 2026-11-27 15:45 WIB + 30 working minutes = Monday 08:15 WIB.
    due = calendar.add(at(WIB, 2026, 11, 27, 15, 45), TimeLimit(30, TimeUnit.MINUTES))
    assert due == at(WIB, 2026, 11, 30, 8, 15).astimezone(UTC)


def test_hours_within_one_office_day() -> None:
    calendar = WorkingCalendar(WIB)
    # Tuesday 2026-11-24 09:00 WIB + 4 working hours = 13:00 WIB.
    due = calendar.add(at(WIB, 2026, 11, 24, 9), TimeLimit(4, TimeUnit.HOURS))
    assert due == at(WIB, 2026, 11, 24, 13).astimezone(UTC)


def test_hours_carry_over_the_weekend() -> None:
    calendar = WorkingCalendar(WIB)
    # Friday 2026-11-27 14:00 WIB + 4h: two hours on Friday, two on Monday from 08:00.
    due = calendar.add(at(WIB, 2026, 11, 27, 14), TimeLimit(4, TimeUnit.HOURS))
    assert due == at(WIB, 2026, 11, 30, 10).astimezone(UTC)


def test_after_hours_the_clock_starts_next_working_morning() -> None:
    calendar = WorkingCalendar(WIB)
    due = calendar.add(at(WIB, 2026, 11, 28, 23), TimeLimit(1, TimeUnit.DAYS))  # a Saturday night
    assert due == at(WIB, 2026, 11, 30, 16).astimezone(UTC)
    due = calendar.add(at(WIB, 2026, 11, 24, 10), TimeLimit(1, TimeUnit.DAYS))
    assert due == at(WIB, 2026, 11, 25, 10).astimezone(UTC)


def test_a_national_holiday_is_not_a_working_day() -> None:
    independence = date(2026, 8, 17)  # a Monday
    assert independence in holidays.country_holidays("ID", years=2026)
    assert national_holiday_name(independence) == "Hari Kemerdekaan Republik Indonesia"
    calendar = WorkingCalendar(WIB)
    assert not calendar.is_working_day(independence)
    # Friday 14 August 15:00 + 2h: one hour on Friday, then Tuesday 18 August 09:00.
    due = calendar.add(at(WIB, 2026, 8, 14, 15), TimeLimit(2, TimeUnit.HOURS))
    assert due == at(WIB, 2026, 8, 18, 9).astimezone(UTC)


def test_cuti_bersama_is_not_a_working_day() -> None:
    christmas_leave = date(2026, 12, 24)  # Cuti Bersama Hari Raya Natal, a Thursday
    assert "Cuti Bersama" in (national_holiday_name(christmas_leave) or "")
    calendar = WorkingCalendar(WIB)
    assert not calendar.is_working_day(christmas_leave)
    # Wednesday 23 December 15:00 + 2h: 24 and 25 December are off, Monday 28 December 09:00.
    due = calendar.add(at(WIB, 2026, 12, 23, 15), TimeLimit(2, TimeUnit.HOURS))
    assert due == at(WIB, 2026, 12, 28, 9).astimezone(UTC)


def test_the_same_instant_is_a_different_office_hour_in_wib_and_wit() -> None:
    start = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 14:00 WIB, 16:00 WIT
    wib = WorkingCalendar(WIB).add(start, TimeLimit(1, TimeUnit.HOURS))
    wit = WorkingCalendar(WIT).add(start, TimeLimit(1, TimeUnit.HOURS))
    assert wib == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 15:00 WIB
    assert wit == at(WIT, 2026, 11, 25, 9).astimezone(UTC)  # WIT office already closed
    assert wit - wib == timedelta(hours=16)


def test_extra_days_off_from_the_owners_file() -> None:
    days_off, problems = parse_days_off([
        "# comment", "", "2026-11-30 Libur kantor", "2026-12-01 @kota-bandung Hari jadi",
    ])
    assert problems == []
    everywhere = days_off.calendar("Asia/Jakarta")
    bandung = days_off.calendar("Asia/Jakarta", "kota-bandung")
    start = at(WIB, 2026, 11, 27, 15)
    two_hours = TimeLimit(2, TimeUnit.HOURS)
    assert everywhere.add(start, two_hours) == at(WIB, 2026, 12, 1, 9).astimezone(UTC)
    assert bandung.add(start, two_hours) == at(WIB, 2026, 12, 2, 9).astimezone(UTC)


def test_bad_days_off_lines_are_named_by_line() -> None:
    _, problems = parse_days_off(["2026-11-30 ok", "30-11-2026 wrong order", "2026-02-30 x"])
    assert [(p.line, p.file) for p in problems] == [(2, "days-off.txt"), (3, "days-off.txt")]
    assert "YYYY-MM-DD" in problems[0].message
    assert "bukan tanggal yang ada" in problems[1].message  # the Indonesian default
    assert "not a real date" in english(problems[1].message)


def test_working_time_between_skips_nights_and_weekends() -> None:
    calendar = WorkingCalendar(WIB)
    spent = calendar.working_time_between(at(WIB, 2026, 11, 27, 15), at(WIB, 2026, 11, 30, 9))
    assert spent == timedelta(hours=2)
