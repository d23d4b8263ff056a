"""Reading the directory's and accounts' CSV files as spreadsheets save them."""

from __future__ import annotations

import io

from engine.people.csv_files import MAX_PROBLEMS, CsvFile
from engine.people.directory import parse_zone
from engine.people.registry import parse_role
from engine.types import Role

COLUMNS = ("kode", "nama", "zona_waktu")


def read(content: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, str]]]:
    source = CsvFile(io.BytesIO(content), COLUMNS, ("email",))
    rows = [(row.line, row.values) for row in source]
    return rows, [(problem.line, problem.message) for problem in source.problems]


def test_a_bom_semicolons_and_crlf_read_as_plain_csv() -> None:
    rows, problems = read("\ufeffKODE;Nama;zona_waktu\r\na;LPSE A, Kota;WIB\r\n".encode())
    assert problems == []
    assert rows == [(2, {"kode": "a", "nama": "LPSE A, Kota", "zona_waktu": "WIB"})]


def test_a_quoted_value_over_two_lines_keeps_the_next_rows_line_numbers() -> None:
    rows, problems = read(b'kode,nama,zona_waktu\na,"LPSE\nA",WIB\n\nb,LPSE B,WITA\n')
    assert problems == []
    assert [line for line, _ in rows] == [2, 5]


def test_bad_bytes_are_named_by_their_line_and_reading_stops() -> None:
    rows, problems = read(b"kode,nama,zona_waktu\na,A,WIB\nb,\xff,WIB\nc,C,WIB\n")
    assert [line for line, _ in rows] == [2]
    assert problems == [(3, "berkas bukan UTF-8 yang sah")]


def test_a_file_of_only_bad_rows_stops_after_the_limit() -> None:
    _, problems = read(b"kode,nama,zona_waktu\n" + b"a,b\n" * (MAX_PROBLEMS * 3))
    assert len(problems) == MAX_PROBLEMS + 1
    assert "dihentikan" in problems[-1][1]


def test_zones_and_roles_by_their_words() -> None:
    assert [parse_zone(z) for z in ("wib", " WITA ", "WIT", "Asia/Makassar")] == [
        "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Makassar"]
    assert [parse_zone(z) for z in ("Mars/Olympus", "UTC+7", "", "../etc/passwd")] == [None] * 4
    assert parse_role("admin_lpse") is Role.ADMIN and parse_role("Admin LPSE") is Role.ADMIN
    assert parse_role("administrator") is Role.ADMINISTRATOR and parse_role("raja") is None
