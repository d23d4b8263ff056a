"""Full-text search over tickets (issue 13), as each role, on SQLite and PostgreSQL: what a
person may see and nothing else, best match first, and lists filtered and sorted by due time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import inspect, select

import engine
from engine import Database, TicketQuery
from engine.persistence.tables import LpseRow
from engine.process.versions import current_definition
from engine.tickets import search
from engine.tickets.search import fts5_query
from tests.desk import Desk
from tests.integration.migrations import move


def found(desk: Desk, username: str, words: str) -> list[str]:
    """The numbers of the tickets `username` finds with these words."""
    return [t.number for t in engine.find_tickets(
        desk.database.uow(), desk.user(username), TicketQuery(text=words))]


@pytest.fixture
def tickets(desk: Desk) -> dict[str, engine.Ticket]:
    """Three tickets: an upload problem in Bandung (through step 2, with the helpdesk's
    internal review note), a login problem in Bandung, and one in Surabaya."""
    upload = desk.open(judul="Gagal unggah dokumen penawaran",
                       deskripsi="PT Maju Jaya Konstruksi tidak dapat mengunggah berkas.",
                       kode_error="SPSE-123")
    desk.do(upload, "step02_terima", catatan_telaah="Kemungkinan kuota penyimpanan penuh.")
    login = desk.open(judul="Tidak bisa masuk akun", kode_error="AUTH-401",
                      deskripsi="Kata sandi ditolak terus, padahal sudah direset.")
    other = desk.open(admin="admin.surabaya", reporter="pengguna.surabaya",
                      judul="Gagal unggah dokumen kualifikasi", kode_error="SPSE-123",
                      deskripsi="CV Sinar Abadi gagal mengunggah dokumen.")
    return {"upload": upload, "login": login, "other": other}


def test_a_handler_finds_tickets_by_words_company_error_code_and_number(
        desk: Desk, tickets: dict[str, engine.Ticket]) -> None:
    upload, login, other = tickets["upload"], tickets["login"], tickets["other"]
    assert set(found(desk, "helpdesk.lkpp", "unggah")) == {other.number, upload.number}
    assert found(desk, "helpdesk.lkpp", "Maju Jaya") == [upload.number]
    assert found(desk, "helpdesk.lkpp", '"sinar abadi"') == [other.number]
    assert set(found(desk, "helpdesk.lkpp", "SPSE-123")) == {upload.number, other.number}
    assert found(desk, "helpdesk.lkpp", "AUTH-401") == [login.number]
    assert found(desk, "helpdesk.lkpp", login.number) == [login.number]
    assert found(desk, "helpdesk.lkpp", str(login.id)) == [login.number]
    assert found(desk, "helpdesk.lkpp", "tidak ada kata seperti ini") == []


def test_words_the_pengguna_typed_or_the_reporter_name_find_the_ticket(
        desk: Desk, tickets: dict[str, engine.Ticket]) -> None:
    reporter = desk.user("pengguna.bandung")
    first_name = reporter.full_name.split()[0]
    assert set(found(desk, "admin.bandung", first_name)) == {
        tickets["upload"].number, tickets["login"].number}
    assert found(desk, "admin.bandung", "pengguna.surabaya") == []


def test_only_handlers_find_a_ticket_by_its_internal_note(
        desk: Desk, tickets: dict[str, engine.Ticket]) -> None:
    upload = tickets["upload"]
    assert "catatan_telaah" in engine.internal_fields(_form_of(desk, "step02_terima"))
    assert found(desk, "helpdesk.lkpp", "kuota penyimpanan") == [upload.number]
    assert found(desk, "admin.bandung", "kuota penyimpanan") == [upload.number]
    assert found(desk, "auditor", "kuota penyimpanan") == [upload.number]
    assert found(desk, "pengguna.bandung", "kuota penyimpanan") == []
    assert found(desk, "pengguna.bandung", "unggah") == [upload.number]


def _form_of(desk: Desk, step: str) -> dict[str, Any]:
    with desk.database.uow() as uow:
        return current_definition(uow.session).form(step)


def test_no_one_finds_a_ticket_they_may_not_see(
        desk: Desk, tickets: dict[str, engine.Ticket]) -> None:
    assert found(desk, "pengguna.surabaya", "unggah") == [tickets["other"].number]
    assert found(desk, "admin.surabaya", "Maju Jaya") == []
    assert found(desk, "pengguna.surabaya", "Maju Jaya") == []
    assert found(desk, "admin.sistem", "unggah") == []
    assert found(desk, "pemilik.proses", "unggah") == []


def test_the_best_match_comes_first(desk: Desk, tickets: dict[str, engine.Ticket]) -> None:
    many = desk.open(judul="Unggah gagal: unggah berulang kali gagal",
                     deskripsi="Unggah dokumen, unggah ulang, unggah lagi: tetap gagal unggah.")
    assert found(desk, "helpdesk.lkpp", "unggah")[0] == many.number


@pytest.mark.parametrize("typed", ['"', '"unggah', "AND", "OR", "NOT", "-", "*", "^", ":",
                                   "{a}", "(", ")", "a OR", "-unggah", "NEAR(a b)", "'", "\\",
                                   "\x00", "ü" * 600, "unggah -kualifikasi"])
def test_odd_input_never_errors(desk: Desk, tickets: dict[str, engine.Ticket],
                                typed: str) -> None:
    found(desk, "helpdesk.lkpp", typed)
    found(desk, "pengguna.bandung", typed)


def test_excluded_words_and_either_word(desk: Desk,
                                        tickets: dict[str, engine.Ticket]) -> None:
    assert found(desk, "helpdesk.lkpp", "unggah -kualifikasi") == [tickets["upload"].number]
    assert set(found(desk, "helpdesk.lkpp", "sandi or kualifikasi")) == {
        tickets["login"].number, tickets["other"].number}


def test_what_is_typed_reaches_fts5_as_quoted_phrases_only() -> None:
    assert fts5_query('Unggah "Maju Jaya" -x or SPSE-123') == \
        '("Unggah" AND ("Maju Jaya" OR "SPSE 123")) NOT "x"'
    assert fts5_query('- "" or -') is None
    assert fts5_query('"unclosed NEAR(x') == '("unclosed NEAR x")'


def test_a_list_filters_by_lpse_and_step_and_sorts_by_due_time(
        desk: Desk, database: Database, tickets: dict[str, engine.Ticket]) -> None:
    helpdesk = desk.user("helpdesk.lkpp")
    lpse_id = _lpse_id(database, tickets["upload"].lpse)
    in_bandung = engine.find_tickets(database.uow(), helpdesk, TicketQuery(lpse_id=lpse_id))
    assert {t.number for t in in_bandung} == {tickets["upload"].number, tickets["login"].number}
    at_step_3 = engine.find_tickets(database.uow(), helpdesk, TicketQuery(sop_step=3))
    assert [t.number for t in at_step_3] == [tickets["upload"].number]
    by_due = engine.find_tickets(database.uow(), helpdesk, TicketQuery(sort="due"))
    dues = [min((task.due_at for task in t.tasks if task.due_at), default=None)
            for t in by_due]
    known = [d for d in dues if d is not None]
    assert known == sorted(known) and dues[:len(known)] == known


def _lpse_id(database: Database, name: str) -> int:
    with database.uow() as uow:
        found_id = uow.session.scalar(select(LpseRow.id).where(LpseRow.name == name))
        assert found_id is not None
        return found_id


def test_comments_are_found_public_by_everyone_internal_by_handlers_only(
        desk: Desk, tickets: dict[str, engine.Ticket]) -> None:
    upload = tickets["upload"]
    helpdesk = desk.user("helpdesk.lkpp")
    engine.add_comment(desk.database.uow(), helpdesk, upload.id,
                       "Sedang dicek bersama tim infrastruktur", False)
    engine.add_comment(desk.database.uow(), helpdesk, upload.id,
                       "Pelapor pernah salah unggah berkas rahasia", True)
    assert found(desk, "pengguna.bandung", "tim infrastruktur") == [upload.number]
    assert found(desk, "pengguna.bandung", "berkas rahasia") == []
    assert found(desk, "admin.bandung", "berkas rahasia") == [upload.number]
    assert found(desk, "helpdesk.lkpp", "berkas rahasia") == [upload.number]


def test_migration_0020_goes_down_and_up_and_fills_the_index_without_leaking(
        empty_database_url: str) -> None:
    with Database(empty_database_url) as database:
        engine.init(database, demo=True)
        desk = Desk(database)
        ticket = desk.open(deskripsi="PT Cahaya Abadi gagal unggah.")
        desk.do(ticket, "step02_terima", catatan_telaah="Dugaan kuota penuh.")
        move(database.engine, "0019")
        assert "ticket_search" not in inspect(database.engine).get_table_names()
        move(database.engine, "head")
        assert found(desk, "pengguna.bandung", "Cahaya Abadi") == [ticket.number]
        assert found(desk, "helpdesk.lkpp", "kuota penuh") == [ticket.number]
        assert found(desk, "pengguna.bandung", "kuota penuh") == []
        assert found(desk, "helpdesk.lkpp", ticket.number) == [ticket.number]


def test_only_the_newest_matches_are_ranked_but_a_narrowed_search_loses_none(
        desk: Desk, tickets: dict[str, engine.Ticket], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "RANKED", 1)
    helpdesk = desk.user("helpdesk.lkpp")
    uow = desk.database.uow
    # Relevance alone: the newest match only (the cap), best first among those.
    assert [t.number for t in engine.find_tickets(uow(), helpdesk, TicketQuery(
        text="unggah"))] == [tickets["other"].number]
    # Narrowed by the current step, or ordered by due time: the older match is still found.
    assert [t.number for t in engine.find_tickets(uow(), helpdesk, TicketQuery(
        text="unggah", sop_step=3))] == [tickets["upload"].number]
    assert {t.number for t in engine.find_tickets(uow(), helpdesk, TicketQuery(
        text="unggah", sort="due"))} == {tickets["upload"].number, tickets["other"].number}
    # An LPSE chosen is matched inside the index, before the newest are taken.
    bandung = _lpse_id(desk.database, tickets["upload"].lpse)
    assert [t.number for t in engine.find_tickets(uow(), helpdesk, TicketQuery(
        text="unggah", lpse_id=bandung))] == [tickets["upload"].number]
    # The auditors' search takes every match (newest first, narrowed by their filters).
    audited = engine.search_tickets(uow(), desk.user("auditor"),
                                    engine.AuditQuery(number="unggah", sop_step=3))
    assert [t.number for t in audited] == [tickets["upload"].number]


def test_by_due_time_pages_through_every_ticket_once_the_overdue_first(
        desk: Desk, tickets: dict[str, engine.Ticket]) -> None:
    closed = desk.open(judul="Sudah selesai")
    desk.run(closed, "step02_terima", ("step03_kewenangan", {"kewenangan": "LPSE"}),
             "step04_panduan")
    late = desk.open(judul="Terlambat sekali")
    desk.tamper("UPDATE tasks SET due_at = :due WHERE ticket_id = :ticket "
                "AND completed_at IS NULL", due=datetime.now(UTC) - timedelta(days=9),
                ticket=late.id)
    helpdesk = desk.user("helpdesk.lkpp")
    whole = engine.find_tickets(desk.database.uow(), helpdesk, TicketQuery(sort="due"))
    assert whole[0].number == late.number and whole[-1].number == closed.number
    dues = [min(t.due_at for t in ticket.tasks if t.due_at) for ticket in whole[:-1]]
    assert dues == sorted(dues)
    paged = [t.number for n in range(0, 7, 2) for t in engine.find_tickets(
        desk.database.uow(), helpdesk, TicketQuery(sort="due"), limit=2, offset=n)]
    assert paged == [t.number for t in whole] and len(set(paged)) == len(whole) == 5
