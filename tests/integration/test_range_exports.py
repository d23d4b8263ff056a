"""The auditors' date-range exports (issue 16): CSV with a UTF-8 BOM and one column per form
field, and an Excel workbook (tickets and events, typed cells) read back with openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from flask import Flask
from openpyxl import load_workbook

from tests.desk import Desk
from tests.pages import visitor

WIB = ZoneInfo("Asia/Jakarta")
OPENED = datetime(2026, 11, 24, 9, 30, tzinfo=WIB)


def make_tickets(desk: Desk) -> tuple[str, str]:
    with time_machine.travel(OPENED, tick=False) as clock:
        first = desk.open(judul="=SUM(A1:A9) Gagal unggah é")
        clock.move_to(datetime(2026, 11, 24, 11, tzinfo=WIB))
        desk.run(first, "step02_terima", ("step03_kewenangan", {"kewenangan": "LPSE"}),
                 "step04_panduan")
        second = desk.open(admin="admin.surabaya", reporter="pengguna.surabaya")
        desk.run(second, "step02_terima", "step03_kewenangan")
    return first.number, second.number


def test_the_csv_has_a_bom_and_one_column_per_form_field(app: Flask, desk: Desk) -> None:
    first, second = make_tickets(desk)
    response = visitor(app, "auditor").get("/audit/ekspor.csv?dari=2026-11-24&sampai=2026-11-24")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    header = list(rows[0])
    assert "data" not in header  # no JSON column of form data any more
    fields = [h for h in header if h.startswith("langkah ")]
    # The union over both tickets' forms, step by step.
    assert fields[:6] == ["langkah 1: judul", "langkah 1: aplikasi", "langkah 1: kode_error",
                          "langkah 1: kode_tender", "langkah 1: tipe_tiket",
                          "langkah 1: deskripsi"]
    assert {"langkah 2: catatan_telaah", "langkah 3: kewenangan",
            "langkah 3: alasan_kewenangan", "langkah 4: panduan"} <= set(fields)
    assert [f.split(":")[0] for f in fields] == sorted(
        (f.split(":")[0] for f in fields), key=lambda s: int(s.split()[1]))
    opened = next(r for r in rows if r["ticket"] == first and r["type"] == "ticket_opened")
    assert opened["langkah 1: judul"] == "'=SUM(A1:A9) Gagal unggah é"
    decided = [r["langkah 3: kewenangan"] for r in rows if r["sop_step"] == "3"]
    assert sorted(decided) == ["LKPP", "LPSE"]
    assert {r["ticket"] for r in rows} == {first, second}
    assert all(r["langkah 4: panduan"] == "" for r in rows if r["sop_step"] != "4")


def test_the_excel_export_has_ticket_and_event_sheets_with_typed_cells(
        app: Flask, desk: Desk) -> None:
    first, second = make_tickets(desk)
    response = visitor(app, "auditor").get("/audit/ekspor.xlsx?dari=2026-11-24")
    assert response.status_code == 200
    assert (response.mimetype or "").endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Tiket", "Peristiwa"]
    tickets = [list(row) for row in book["Tiket"].iter_rows(values_only=True)]
    header = tickets[0]
    assert header[:5] == ["tiket", "lpse", "status", "dibuat (WIB)", "ditutup (WIB)"]
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in tickets[1:]}
    assert set(by_number) == {first, second}
    assert by_number[first]["dibuat (WIB)"] == OPENED.replace(tzinfo=None)
    assert isinstance(by_number[first]["ditutup (WIB)"], datetime)
    assert by_number[second]["ditutup (WIB)"] is None
    assert by_number[first]["langkah 1: judul"] == "=SUM(A1:A9) Gagal unggah é"
    assert book["Tiket"]["F2"].data_type == "s"  # text, never a formula
    assert by_number[first]["langkah 3: kewenangan"] == "LPSE"
    assert by_number[second]["langkah 3: kewenangan"] == "LKPP"
    events = [list(row) for row in book["Peristiwa"].iter_rows(values_only=True)]
    assert events[0][:8] == ["tiket", "seq", "waktu (WIB)", "pelaku", "peran", "jenis",
                             "tugas", "langkah"]
    assert len(events) - 1 == 4 + 3  # first: steps 1-4; second: steps 1-3
    assert all(isinstance(row[2], datetime) and isinstance(row[1], int) for row in events[1:])
    assert events[1][2] == OPENED.replace(tzinfo=None)


def test_a_bad_date_is_named_and_nothing_is_exported(app: Flask, desk: Desk) -> None:
    auditor = visitor(app, "auditor")
    for path in ("/audit/ekspor.xlsx?dari=2026-13-01", "/audit/ekspor.csv?sampai=kemarin"):
        response = auditor.get(path)
        assert response.status_code == 422
        assert "Tanggal tidak dikenali" in response.text
        assert "Content-Disposition" not in response.headers
    backwards = auditor.get("/audit/ekspor.xlsx?dari=2026-12-01&sampai=2026-11-01")
    assert backwards.status_code == 422 and "sebelum tanggal awal" in backwards.text
