"""Text that a database refuses (U+0000) is refused as input, never a server error.

PostgreSQL cannot store NUL in text, and psycopg refuses it in query parameters: before
these checks, a NUL typed into a page's form or sign-in answered 503 on PostgreSQL (the
database error) while SQLite stored it. The JSON API refuses NUL in bodies with 400.
"""

from __future__ import annotations

from flask import Flask

import engine
from tests.desk import STEP_DATA, Desk
from tests.pages import field_errors, visitor


def counts(desk: Desk) -> tuple[int, int]:
    tickets = engine.list_tickets(desk.database.uow(), desk.user("auditor"), limit=500)
    return len(tickets), sum(len(desk.trail(t.id)) for t in tickets)


def test_a_nul_in_a_new_tickets_field_is_a_field_error_and_opens_nothing(
        app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    form = {**STEP_DATA["step01_eskalasi"], "reporter": "pengguna.bandung",
            "judul": "Gagal\x00 unggah dokumen"}
    response = admin.post("/tiket/baru", form)
    assert response.status_code == 422
    assert "judul" in field_errors(response)
    assert counts(desk) == (0, 0)


def test_a_nul_in_the_reporter_is_a_field_error(app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    form = {**STEP_DATA["step01_eskalasi"], "reporter": "pengguna.bandung\x00"}
    response = admin.post("/tiket/baru", form)
    assert response.status_code == 422
    assert counts(desk) == (0, 0)


def test_a_nul_in_a_tasks_field_is_a_field_error_and_the_task_stays(
        app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    before = counts(desk)
    response = visitor(app, "helpdesk.lkpp").post(f"/tugas/{task.id}",
                                                  {"catatan_telaah": "cek\x00 log"})
    assert response.status_code == 422
    assert "catatan_telaah" in field_errors(response)
    assert counts(desk) == before
    assert desk.pending(ticket) == ["step02_terima"]


def test_the_engine_refuses_nul_in_form_data_with_a_field_message(desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    refused = None
    try:
        engine.complete_task(desk.database.uow(), desk.user("helpdesk.lkpp"), task.id,
                             {"catatan_telaah": "a\x00b"})
    except engine.InvalidData as error:
        refused = error
    assert refused is not None and list(refused.errors) == ["catatan_telaah"]


def test_a_nul_in_the_username_is_a_wrong_sign_in_not_a_server_error(app: Flask) -> None:
    person = visitor(app)
    response = person.post("/masuk", {"username": "admin.bandung\x00", "password": "x"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.text


# Query strings a person can type into the address bar: NUL, absurd numbers and dates.
JUNK_QUERIES = (
    "halaman=99999999999999999999&lpse=%00&nomor=%00&langkah=abc&dari=%00&sampai=9999-99-99"
    "&status=%00&rating=%00&next=%00&terlambat=%00",
    "halaman=-1&lpse=99999999999999999999999&nomor=ESK%00&langkah=-5&dari=0000-00-00"
    "&sampai=%00&rating=99&versi=%00",
)


def test_junk_in_the_query_string_of_any_page_is_never_a_server_error(
        app: Flask, desk: Desk) -> None:
    # /audit/?nomor=%00 answered 503 on PostgreSQL: the NUL reached the database.
    ticket = desk.open()
    rules = [rule.rule.replace("<int:ticket_id>", str(ticket.id))
             for rule in app.url_map.iter_rules()
             if "GET" in (rule.methods or set()) and not rule.rule.startswith("/api")
             and "<" not in rule.rule.replace("<int:ticket_id>", "")]
    failed = []
    for username in ("auditor", "pemilik.proses", "helpdesk.lkpp", "admin.bandung"):
        person = visitor(app, username)
        for path in rules:
            for junk in JUNK_QUERIES:
                response = person.get(f"{path}?{junk}")
                response.close()
                if response.status_code >= 500:
                    failed.append((username, path, junk[:20], response.status_code))
    assert not failed
