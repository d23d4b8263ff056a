"""Reading the directory's and the accounts' CSV files, as people save them.

Spreadsheets save CSV with a byte order mark, with `;` rather than `,` (Indonesian locale
settings), and with Windows line endings; all of that is read. The file is read as a
stream, so the command line takes a file of any size; a page gives at most
`MAX_PAGE_BYTES`. What cannot be read is a `Problem` at its line, never an exception.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO

from engine.messages import Message
from engine.types import Problem

MAX_PAGE_BYTES = 10 * 1024 * 1024
# After this many bad rows the file is not read further (a wrong file gives one per row).
MAX_PROBLEMS = 500
EMAIL = re.compile(r"^[^@\s<>,;\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")


def valid_email(value: str) -> bool:
    """A plain `local@domain.tld` address (no display name, no spaces)."""
    return len(value) <= 200 and EMAIL.match(value) is not None


@dataclass(frozen=True)
class CsvRow:
    """One record: the line it starts on and its values by (lower-case) column name."""

    line: int
    values: dict[str, str]


class CsvFile:
    """The records of a CSV file with the given columns, and the problems met reading it.

    Iterate to get the rows; `problems` fills in on the way (a row with a problem of its
    shape is not yielded). Rows with no value at all (blank lines) are skipped.
    """

    def __init__(self, stream: IO[bytes], required: tuple[str, ...],
                 optional: tuple[str, ...] = ()) -> None:
        self.stream = stream
        self.required = required
        self.optional = optional
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        """Note a bad row (the caller's checks of values, too)."""
        self.problems.append(Problem(line, message))

    def field_problems(self, line: int, errors: Mapping[str, list[str]]) -> None:
        """Note every problem a row's check found, field by field."""
        for messages in errors.values():
            for message in messages:
                self.problem(line, message)

    @property
    def stopped(self) -> bool:
        """Too many problems to go on."""
        return len(self.problems) >= MAX_PROBLEMS

    def __iter__(self) -> Iterator[CsvRow]:
        try:
            yield from self._rows(self._lines())
        except UnicodeDecodeError:
            self.problem(self._read + 1, Message("not_utf8"))
        except csv.Error as err:
            self.problem(self._line + 1, Message("csv_unreadable", detail=str(err)))
        if self.stopped:
            self.problem(self._line, Message("csv_too_many_problems", limit=MAX_PROBLEMS))

    def _lines(self) -> Iterator[str]:
        """The file's lines as text, decoded one by one so a bad byte is named by its line
        (a byte order mark before the first is dropped)."""
        for raw in self.stream:
            text = raw.decode("utf-8-sig" if self._read == 0 else "utf-8")
            self._read += 1
            yield text

    _line = 0
    _read = 0

    def _rows(self, lines: Iterator[str]) -> Iterator[CsvRow]:
        header_line = next(lines, "")
        self._line = 1
        if not header_line.strip():
            self.problem(1, Message("csv_no_header", columns=",".join(self.required)))
            return
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        reader = csv.reader(_chain(header_line, lines), delimiter=delimiter, strict=True)
        header = [name.strip().lower() for name in next(reader)]
        known = (*self.required, *self.optional)
        missing = [name for name in self.required if name not in header]
        unknown = [name for name in header if name not in known]
        if missing:
            self.problem(1, Message("csv_missing_columns", columns=", ".join(missing)))
        if unknown:
            self.problem(1, Message("csv_unknown_columns", columns=", ".join(unknown),
                                    known=", ".join(known)))
        if missing or unknown:
            return
        first = reader.line_num + 1
        for record in reader:
            line, first = first, reader.line_num + 1
            self._line = reader.line_num
            if not any(value.strip() for value in record):
                continue
            if len(record) != len(header):
                self.problem(line, Message("csv_field_count", count=len(record),
                                           expected=len(header)))
            elif any("\x00" in value for value in record):
                self.problem(line, Message("text_nul"))
            else:
                yield CsvRow(line, {name: value.strip() for name, value in zip(header, record,
                                                                              strict=True)})
            if self.stopped:
                return


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest

