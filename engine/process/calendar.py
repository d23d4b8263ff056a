"""The working-day calendar: office hours in the LPSE's time zone, Indonesian holidays.

A step's time limit (`timeLimit` on its element: "8h" working hours, "2d" working days)
runs only during office hours, Monday to Friday, in the time zone of the ticket's LPSE
(WIB `Asia/Jakarta`, WITA `Asia/Makassar`, WIT `Asia/Jayapura`). National holidays and
cuti bersama come from the `holidays` package (Indonesia, categories public and
government); process owners add further days off in `processes/days-off.txt`.

One working day is the length of one office day (8 working hours by default), so "1d"
from Monday 10:00 is Tuesday 10:00, and from Friday 17:00 it is Monday 16:00.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from engine.messages import Message
from engine.types import DEFAULT_TIMEZONE, Problem

# Office hours of a working day (local time of the LPSE): 08:00 to 16:00, eight working
# hours, the usual Monday-to-Friday day of a government office without its lunch break.
OPENS = time(8, 0)
CLOSES = time(16, 0)
TIMEZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
DAYS_OFF_FILE = "days-off.txt"
# Holidays are looked up year by year; a limit can never need more than this many years.
MAX_SEARCH_DAYS = 3 * 366
# The one time-limit grammar: the engine parses with it, the pages format what it parsed,
# and the editor page serves it to its script (`TIME_LIMIT_GRAMMAR`), which checks with it.
# Written in the regex syntax Python and JavaScript share.
TIME_LIMIT_PATTERN = r"^([1-9][0-9]{0,3})([hdm])$"
TIME_LIMIT = re.compile(TIME_LIMIT_PATTERN)
# A limit as people type it in the editor ("4 jam", "2 hari", "1 hari kerja", "4h", "2d"):
# the number, then a unit word from TIME_LIMIT_WORDS; stored as the canonical form above.
# Case does not matter (the flag "i" in JavaScript, IGNORECASE|ASCII here: the same letters).
TIME_LIMIT_WORDS: dict[str, str] = {
    "h": "h", "j": "h", "jam": "h", "jam kerja": "h", "hour": "h", "hours": "h",
    "d": "d", "hk": "d", "hari": "d", "hari kerja": "d", "day": "d", "days": "d",
    "m": "m", "mnt": "m", "menit": "m", "menit kerja": "m", "min": "m", "minutes": "m",
}
TIME_LIMIT_INPUT_PATTERN = (
    r"^ *([1-9][0-9]{0,3}) *(" + "|".join(
        sorted((w.replace(" ", " +") for w in TIME_LIMIT_WORDS), key=lambda w: (-len(w), w)))
    + r") *$")
TIME_LIMIT_INPUT = re.compile(TIME_LIMIT_INPUT_PATTERN, re.IGNORECASE | re.ASCII)
# How a diagram's timer label says a limit ("Batas waktu 2 hari kerja").
TIME_LIMIT_LABELS = {"h": "jam kerja", "d": "hari kerja", "m": "menit kerja"}
DAY_OFF_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s+@(\S+))?(?:\s+(.*))?$")


class TimeUnit(StrEnum):
    """The unit of a time limit, as written after its number."""

    HOURS = "h"    # working hours
    DAYS = "d"     # working days (one office day each)
    MINUTES = "m"  # working minutes


@dataclass(frozen=True)
class TimeLimitGrammar:
    """How a time limit is written, for a checker outside the engine (the editor script)."""

    pattern: str
    units: tuple[str, ...]
    max_amount: int
    max_length: int
    input_pattern: str = TIME_LIMIT_INPUT_PATTERN
    words: Mapping[str, str] = field(default_factory=lambda: dict(TIME_LIMIT_WORDS))
    labels: Mapping[str, str] = field(default_factory=lambda: dict(TIME_LIMIT_LABELS))

    def as_json(self) -> dict[str, object]:
        """The grammar as the editor's script reads it."""
        return {"pattern": self.pattern, "units": list(self.units),
                "maxAmount": self.max_amount, "maxLength": self.max_length,
                "inputPattern": self.input_pattern, "inputFlags": "i",
                "words": dict(self.words), "labels": dict(self.labels)}


TIME_LIMIT_GRAMMAR = TimeLimitGrammar(pattern=TIME_LIMIT_PATTERN,
                                      units=tuple(unit.value for unit in TimeUnit),
                                      max_amount=9999, max_length=5)


@dataclass(frozen=True)
class TimeLimit:
    """A step's limit: a number of working hours ("h"), working days ("d") or working
    minutes ("m")."""

    amount: int
    unit: TimeUnit

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def parse_time_limit(text: str) -> TimeLimit | None:
    """The limit written as `8h`, `2d` or `30m` (None when empty); ValueError when
    malformed."""
    value = text.strip()
    if not value:
        return None
    found = TIME_LIMIT.match(value)
    if found is None:
        raise ValueError(f"time limit '{value}' must be a whole number of working hours, "
                         f"working days or working minutes followed by h, d or m, like 8h or "
                         f"2d (at most 9999)")
    return TimeLimit(int(found.group(1)), TimeUnit(found.group(2)))


def normalize_time_limit(text: str) -> str:
    """A limit as people type it ("2 hari", "4 jam", "1 hari kerja", "4h") in its canonical
    form ("2d", "4h"); "" for an empty one; ValueError when it is not a limit."""
    if not text.strip():
        return ""
    found = TIME_LIMIT_INPUT.match(text)
    if found is None:
        raise ValueError(f"time limit '{text.strip()}' must be a whole number of working hours, "
                         f"days or minutes, like 4 jam, 2 hari, 30 menit, 8h or 2d (at most "
                         f"9999)")
    word = " ".join(found.group(2).lower().split())
    return f"{int(found.group(1))}{TIME_LIMIT_WORDS[word]}"


def time_limit_label(canonical: str) -> str:
    """How a timer's label says a canonical limit: "2d" as "2 hari kerja"."""
    limit = parse_time_limit(canonical)
    return "" if limit is None else f"{limit.amount} {TIME_LIMIT_LABELS[limit.unit.value]}"


def time_limit_problem(text: str) -> str | None:
    """What is wrong with a `timeLimit` value, or None when it is fine (or empty)."""
    try:
        parse_time_limit(text)
    except ValueError as err:
        return str(err)
    return None


@functools.cache
def _national_days_off(year: int) -> frozenset[date]:
    found = holidays.country_holidays("ID", years=year, categories=("public", "government"))
    return frozenset(found.keys())


def national_holiday_name(day: date) -> str | None:
    """The Indonesian name of a national holiday or cuti bersama on `day`, if any."""
    found = holidays.country_holidays("ID", years=day.year, categories=("public", "government"),
                                      language="id")
    name = found.get(day)
    return str(name) if name is not None else None


def zone(name: str | None) -> ZoneInfo:
    """The LPSE's time zone; an unknown or empty name falls back to WIB."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


@dataclass(frozen=True)
class WorkingCalendar:
    """Office hours and days off in one time zone."""

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    extra_days_off: frozenset[date] = frozenset()
    opens: time = OPENS
    closes: time = CLOSES

    @property
    def hours_per_day(self) -> timedelta:
        """The length of one working day."""
        day = date(2000, 1, 3)
        return datetime.combine(day, self.closes) - datetime.combine(day, self.opens)

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, not a national holiday, cuti bersama or extra day off."""
        return (day.weekday() < 5 and day not in _national_days_off(day.year)
                and day not in self.extra_days_off)

    def add(self, start: datetime, limit: TimeLimit) -> datetime:
        """The instant (UTC) `limit` of working time after `start`."""
        unit = {TimeUnit.DAYS: self.hours_per_day, TimeUnit.HOURS: timedelta(hours=1),
                TimeUnit.MINUTES: timedelta(minutes=1)}[limit.unit]
        hours = limit.amount * unit
        return self.add_working_time(start, hours)

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant (UTC) after `amount` of office time counted from `start`."""
        if start.tzinfo is None:
            raise ValueError("naive datetime; use datetime.now(UTC)")
        moment = start.astimezone(self.timezone)
        left = amount
        day = moment.date()
        for _ in range(MAX_SEARCH_DAYS * 4):
            if self.is_working_day(day):
                opens = datetime.combine(day, self.opens, self.timezone)
                closes = datetime.combine(day, self.closes, self.timezone)
                begin = max(opens, moment)
                if begin < closes:
                    if begin + left <= closes:
                        return (begin + left).astimezone(UTC)
                    left -= closes - begin
            day += timedelta(days=1)
            moment = datetime.combine(day, time(0), self.timezone)
        raise ValueError(f"no working time found for {amount} after {start.isoformat()}")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much office time lies between two instants (zero when `end` is earlier)."""
        total = timedelta(0)
        first, last = start.astimezone(self.timezone), end.astimezone(self.timezone)
        day = first.date()
        while day <= last.date():
            if self.is_working_day(day):
                opens = datetime.combine(day, self.opens, self.timezone)
                closes = datetime.combine(day, self.closes, self.timezone)
                begin, finish = max(opens, first), min(closes, last)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total


@dataclass(frozen=True)
class DaysOff:
    """The extra days off of `processes/days-off.txt`: for every LPSE, or for one by code."""

    everywhere: frozenset[date] = frozenset()
    by_lpse: Mapping[str, frozenset[date]] = field(default_factory=dict)

    def calendar(self, timezone: str | None, lpse_code: str | None = None) -> WorkingCalendar:
        """The working calendar of an LPSE in its time zone."""
        extra = self.everywhere | self.by_lpse.get(lpse_code or "", frozenset())
        return WorkingCalendar(zone(timezone), frozenset(extra))


def parse_days_off(lines: Iterable[str], file: str = DAYS_OFF_FILE
                   ) -> tuple[DaysOff, list[Problem]]:
    """Read the days-off file; each bad line is a problem with its line number.

    One day a line: `YYYY-MM-DD`, optionally `@lpse-code` (that LPSE only), then a note.
    Empty lines and lines starting with `#` are ignored. Bad lines are left out.
    """
    everywhere: set[date] = set()
    by_lpse: dict[str, set[date]] = {}
    problems: list[Problem] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = DAY_OFF_LINE.match(line)
        if found is None:
            problems.append(Problem(number, Message("days_off_no_date", line=line[:60]), file))
            continue
        try:
            day = date.fromisoformat(found.group(1))
        except ValueError:
            problems.append(Problem(number, Message("days_off_bad_date", date=found.group(1)),
                                    file))
            continue
        code = found.group(2)
        if code is None:
            everywhere.add(day)
        else:
            by_lpse.setdefault(code, set()).add(day)
    return (DaysOff(frozenset(everywhere), {k: frozenset(v) for k, v in by_lpse.items()}),
            problems)


def read_days_off(path: Path) -> tuple[DaysOff, list[Problem]]:
    """The days-off file at `path` (none when it does not exist)."""
    if not path.is_file():
        return DaysOff(), []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return DaysOff(), [Problem(0, Message("cannot_read_file", detail=str(err)), path.name)]
    return parse_days_off(text.splitlines(), path.name)


def check_days_off(folder: Path) -> list[Problem]:
    """The problems of the days-off file in a diagram's folder (none when it has none)."""
    return read_days_off(folder / DAYS_OFF_FILE)[1]


_LOADED: dict[Path, tuple[float, DaysOff]] = {}


def days_off(path: Path) -> DaysOff:
    """The days-off file, re-read when it changes; bad lines are skipped (see validate)."""
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return DaysOff()
    cached = _LOADED.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, read_days_off(path)[0])
        _LOADED[path] = cached
    return cached[1]


def local_time(moment: datetime, timezone: str | None) -> datetime:
    """An instant in the LPSE's time zone (for showing a due time)."""
    return moment.astimezone(zone(timezone))


def zone_label(timezone: str | None) -> str:
    """WIB, WITA or WIT (or the zone's name for any other)."""
    name = zone(timezone).key
    return TIMEZONES.get(name, name)
