"""The knowledge base (issue 17): articles published from a ticket's answer (internal
fields never carried over) or written from scratch, versions, full-text search with
Indonesian stop words, suggestions that say why they matched and never show a Pengguna SPSE
a ticket, "this solved it" on an intake request, reply templates, figures; every change in
the `knowledge` chain that verify --all checks."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

import engine
from engine import Ticket
from engine.knowledge.markdown import render
from engine.persistence.tables import KnowledgeVersionRow
from tests.desk import STEP_DATA, Desk

HD, PB, AB, AS, PS = "helpdesk.lkpp", "pengguna.bandung", "admin.bandung", "admin.surabaya", \
    "pengguna.surabaya"
SECRET = "rahasia-internal-telaah"


def guided(desk: Desk, **changes: Any) -> Ticket:
    """A ticket that got a step-4 guide (the LPSE's to solve), with an internal note at
    step 2 and internal reasons at step 3."""
    ticket = desk.open(**changes)
    return desk.run(ticket, ("step02_terima", {"catatan_telaah": SECRET}),
                    ("step03_kewenangan", {"kewenangan": "LPSE",
                                           "alasan_kewenangan": SECRET}),
                    ("step04_panduan", {"panduan": "Bersihkan cache peramban lalu unggah "
                                                   "ulang dokumen penawaran."}))


def publish(desk: Desk, ticket_id: int | None = None, **changes: Any) -> engine.Article:
    helpdesk = desk.user(HD)
    draft = engine.article_form(desk.database.uow(), helpdesk, ticket_id=ticket_id)
    data = {"judul": draft.title or "Panduan unggah", "isi": draft.body or "Isi panduan.",
            "aplikasi": draft.application, "kode_error": ", ".join(draft.error_codes),
            "tag": "unggah", "status": "published", **changes}
    return engine.save_article(desk.database.uow(), helpdesk, data, ticket_id=ticket_id)


def test_an_article_published_from_a_step_4_guide_carries_no_internal_field(
        desk: Desk) -> None:
    ticket = guided(desk)
    draft = engine.article_form(desk.database.uow(), desk.user(HD), ticket_id=ticket.id)
    assert draft.title == STEP_DATA["step01_eskalasi"]["judul"]
    assert draft.error_codes == ("ERR-UPLOAD-413",)
    assert "cache peramban" in draft.body
    assert SECRET not in repr(draft)
    article = publish(desk, ticket.id)
    assert SECRET not in repr(article)
    assert [s.number for s in article.sources] == [ticket.number]
    # The source ticket is for handlers only.
    read = engine.get_article(desk.database.uow(), desk.user(PB), article.id)
    assert read.sources == ()


def test_a_ticket_without_a_guide_or_solution_cannot_be_published_from(desk: Desk) -> None:
    ticket = desk.open()
    with pytest.raises(engine.InvalidData) as refused:
        engine.article_form(desk.database.uow(), desk.user(HD), ticket_id=ticket.id)
    assert "tiket" in refused.value.errors


def test_an_edit_makes_a_new_version_and_the_chain_verifies(desk: Desk) -> None:
    article = publish(desk, judul="Panduan lama")
    edited = engine.save_article(desk.database.uow(), desk.user(HD),
                                 {"judul": "Panduan baru", "isi": "Isi baru."},
                                 article_id=article.id)
    assert (edited.version, edited.title) == (2, "Panduan baru")
    with desk.database.uow() as uow:
        versions = uow.session.scalar(select(func.count()).select_from(KnowledgeVersionRow)
                                      .where(KnowledgeVersionRow.article_id == article.id))
    assert versions == 2
    results = engine.verify_tickets(desk.database.uow())
    assert all(r.ok for r in results), results


def test_only_helpdesk_writes_articles_and_bad_fields_are_named(desk: Desk) -> None:
    with pytest.raises(engine.Forbidden):
        engine.save_article(desk.database.uow(), desk.user(AB), {"judul": "x", "isi": "y"})
    with pytest.raises(engine.InvalidData) as refused:
        engine.save_article(desk.database.uow(), desk.user(HD),
                            {"judul": "", "isi": "a\x00b", "status": "lain"})
    assert set(refused.value.errors) == {"judul", "isi", "status"}


def test_search_leaves_out_stop_words_and_drafts_are_the_helpdesk_s(desk: Desk) -> None:
    publish(desk, judul="Gagal unggah dokumen penawaran", kode_error="ERR-UPLOAD-413")
    publish(desk, judul="Lupa kata sandi", isi="Gunakan menu lupa sandi.", status="draft")
    pengguna = desk.user(PB)
    found = engine.list_articles(desk.database.uow(), pengguna, query="yang unggah dan")
    assert [a.title for a in found] == ["Gagal unggah dokumen penawaran"]
    assert engine.list_articles(desk.database.uow(), pengguna, query="yang dan di") == []
    assert engine.list_articles(desk.database.uow(), pengguna, query="sandi") == []
    assert len(engine.list_articles(desk.database.uow(), desk.user(HD), query="sandi")) == 1


def test_suggestions_find_an_article_by_error_code_and_by_words(desk: Desk) -> None:
    article = publish(desk, guided(desk).id)
    pengguna = desk.user(PB)
    by_code = engine.suggest(desk.database.uow(), pengguna, error_code="err-upload-413")
    assert [(s.kind, s.id) for s in by_code] == [("article", article.id)]
    assert by_code[0].reason.code == "suggest_same_code"
    by_words = engine.suggest(desk.database.uow(), pengguna,
                              text="tidak bisa unggah penawaran")
    assert [(s.kind, s.id) for s in by_words] == [("article", article.id)]
    assert "unggah" in str(by_words[0].reason)


def test_a_pengguna_never_gets_a_ticket_through_a_suggestion(desk: Desk) -> None:
    solved = guided(desk, reporter=PB)
    surabaya = guided(desk, admin=AS, reporter=PS, judul="Gagal unggah di Surabaya")
    for username in (PB, PS):
        shown = engine.suggest(desk.database.uow(), desk.user(username),
                               text="gagal unggah penawaran", error_code="ERR-UPLOAD-413")
        assert all(s.kind == "article" for s in shown)
    admin = engine.suggest(desk.database.uow(), desk.user(AB), text="gagal unggah penawaran",
                           error_code="ERR-UPLOAD-413")
    assert {s.id for s in admin if s.kind == "ticket"} == {solved.id}
    helpdesk = engine.suggest(desk.database.uow(), desk.user(HD), text="gagal unggah")
    assert {s.id for s in helpdesk if s.kind == "ticket"} == {solved.id, surabaya.id}


def test_markdown_with_script_and_javascript_links_is_neutralised() -> None:
    shown = render("<script>alert(1)</script>\n\n[klik](javascript:alert(1)) "
                   "[ok](https://lkpp.go.id/a?b=1&c=2) **tebal** `<b>`\n\n- satu\n- dua")
    assert "<script" not in shown and "&lt;script&gt;" in shown
    assert 'href="javascript' not in shown
    assert '<a href="https://lkpp.go.id/a?b=1&amp;c=2"' in shown
    assert "<strong>tebal</strong>" in shown and "<code>&lt;b&gt;</code>" in shown
    assert "<ul><li>satu</li><li>dua</li></ul>" in shown


def test_reply_templates_fill_the_ticket_s_placeholders(desk: Desk) -> None:
    helpdesk = desk.user(HD)
    engine.save_template(desk.database.uow(), helpdesk,
                         {"nama": "Panduan unggah", "isi": "Tiket {nomor} ({judul}) dari "
                          "{lpse}: kode {kode_error}. {lain}", "tempat": ["4"]})
    ticket = desk.run(desk.open(), "step02_terima", ("step03_kewenangan",
                                                      {"kewenangan": "LPSE"}))
    shown = engine.templates_for(desk.database.uow(), helpdesk, ticket.id, 4)
    assert [t.text for t in shown] == [
        f"Tiket {ticket.number} (Gagal unggah dokumen penawaran) dari LPSE Kota Bandung: "
        "kode ERR-UPLOAD-413. {lain}"]
    assert engine.templates_for(desk.database.uow(), helpdesk, ticket.id, 14) == []
    assert engine.templates_for(desk.database.uow(), desk.user(PB), ticket.id, 4) == []
    with pytest.raises(engine.Forbidden):
        engine.save_template(desk.database.uow(), desk.user(AB),
                             {"nama": "x", "isi": "y", "tempat": ["4"]})
