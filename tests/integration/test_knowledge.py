"""The knowledge base (issue 17): articles published from a ticket's answer (internal
fields never carried over) or written from scratch, versions, full-text search with
Indonesian stop words, suggestions that say why they matched and never show a Pengguna SPSE
a ticket, "this solved it" on an intake request, reply templates, figures; every change in
the `knowledge` chain that verify --all checks."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

import engine
from engine import Ticket
from engine.knowledge.markdown import render
from engine.persistence.tables import KnowledgeVersionRow
from tests.desk import STEP_DATA, Desk
from tests.pages import field_errors, html, texts, visitor

HD, PB, AB, AS, PS = "helpdesk.lkpp", "pengguna.bandung", "admin.bandung", "admin.surabaya", \
    "pengguna.surabaya"
SECRET = "rahasia-internal-telaah"


def items(response: Any) -> list[dict[str, Any]]:
    """The suggestions of a /pengetahuan/saran answer."""
    body = response.json
    assert body is not None, response.status_code
    return list(body["items"])


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
    listed = engine.article_versions(desk.database.uow(), desk.user(HD), article.id)
    assert [(v.version, v.title, v.edited_by) for v in listed] == [
        (2, "Panduan baru", HD), (1, "Panduan lama", HD)]
    with pytest.raises(engine.NotFound):
        engine.article_versions(desk.database.uow(), desk.user(PB), article.id)
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


# --- through the pages ---------------------------------------------------------------------

def test_helpdesk_publishes_a_guide_from_a_ticket_page_edited_first(app: Flask,
                                                                    desk: Desk) -> None:
    ticket = guided(desk)
    helpdesk = visitor(app, HD)
    assert "/pengetahuan/baru?tiket=" in helpdesk.get(f"/tiket/{ticket.id}").text
    form = helpdesk.get(f"/pengetahuan/baru?tiket={ticket.id}")
    assert form.status_code == 200 and SECRET not in form.text
    assert html(form).xpath('//input[@id="kode_error"]/@value') == ["ERR-UPLOAD-413"]
    assert "cache peramban" in html(form).xpath('//textarea[@id="isi"]')[0].text
    saved = helpdesk.post("/pengetahuan/baru", {
        "tiket": str(ticket.id), "judul": "Unggah penawaran gagal", "isi": "Bersihkan cache.",
        "kode_error": "ERR-UPLOAD-413", "status": "published"})
    assert saved.status_code == 302
    page = helpdesk.get(saved.headers["Location"])
    assert texts(page, '//ul[@id="tiket-sumber"]/li/a') == [ticket.number]
    assert len(texts(page, '//ol[@id="riwayat-versi"]/li')) == 1
    pengguna = visitor(app, PB).get(saved.headers["Location"])
    assert pengguna.status_code == 200 and ticket.number not in pengguna.text
    assert SECRET not in pengguna.text
    refused = helpdesk.post("/pengetahuan/baru", {"judul": "", "isi": "<script>x</script>"})
    assert refused.status_code == 422 and "judul" in field_errors(refused)


def test_the_public_page_without_sign_in_shows_only_public_articles(app: Flask,
                                                                    desk: Desk) -> None:
    public = publish(desk, judul="Cara reset kata sandi", publik="1")
    signed_in_only = publish(desk, judul="Konfigurasi server internal")
    draft = publish(desk, judul="Draf belum terbit", status="draft")
    anonymous = visitor(app)
    listed = texts(anonymous.get("/pengetahuan"), '//a[@class="article-title"]')
    assert listed == ["Cara reset kata sandi"]
    assert anonymous.get(f"/pengetahuan/{public.id}").status_code == 200
    assert anonymous.get(f"/pengetahuan/{signed_in_only.id}").status_code == 302
    assert anonymous.get(f"/pengetahuan/{draft.id}").status_code == 302
    pengguna = visitor(app, PB)
    assert sorted(texts(pengguna.get("/pengetahuan"), '//a[@class="article-title"]')) == [
        "Cara reset kata sandi", "Konfigurasi server internal"]
    assert pengguna.get(f"/pengetahuan/{draft.id}").status_code == 404


def test_an_article_body_with_script_and_javascript_links_is_shown_harmless(
        app: Flask, desk: Desk) -> None:
    article = publish(desk, isi='<script>alert("x")</script> [klik](javascript:alert(1)) '
                               '<img src=x onerror=alert(1)>')
    page = visitor(app, PB).get(f"/pengetahuan/{article.id}")
    body = html(page).xpath('//article[@id="isi-artikel"]')[0]
    assert body.xpath(".//script") == [] and body.xpath(".//img") == []
    assert body.xpath(".//a") == []
    assert "<script>" in body.text_content()


def test_the_intake_form_finds_an_article_by_code_and_words_and_it_closes_the_request(
        app: Flask, desk: Desk) -> None:
    article = publish(desk, guided(desk).id)
    person = visitor(app, PB)
    assert 'id="saran-pengetahuan"' in person.get("/permintaan/baru").text
    by_code = items(person.get("/pengetahuan/saran?kode_error=ERR-UPLOAD-413"))
    assert [(i["kind"], i["id"]) for i in by_code] == [("article", article.id)]
    assert "ERR-UPLOAD-413" in by_code[0]["reason"]
    by_words = items(person.get("/pengetahuan/saran?judul=penawaran+tidak+terunggah"
                                "&deskripsi=dokumen+penawaran"))
    assert [i["id"] for i in by_words] == [article.id]
    assert "penawaran" in by_words[0]["reason"]
    sent = person.post("/permintaan/baru", {**STEP_DATA["step01_eskalasi"]},
                       content_type="multipart/form-data")
    request_page = sent.headers["Location"]
    page = person.get(request_page)
    assert "Ini menyelesaikan masalah saya" in page.text
    request_id = int(request_page.rsplit("/", 1)[1])
    # Not another person's request.
    other = visitor(app, PS).post(f"/permintaan/{request_id}/selesai",
                                  {"artikel": str(article.id)})
    assert other.status_code == 404
    solved = person.post(f"/permintaan/{request_id}/selesai", {"artikel": str(article.id)})
    assert solved.status_code == 302
    page = person.get(request_page)
    assert texts(page, '//dd[@id="status-permintaan"]') != ["Terbuka"]
    assert article.title in texts(page, '//p[@id="diselesaikan-artikel"]')[0]
    assert html(page).xpath('//section[@aria-labelledby="jawaban-title"]') == []
    assert "Ini menyelesaikan masalah saya" not in page.text
    again = person.post(f"/permintaan/{request_id}/selesai", {"artikel": str(article.id)})
    assert again.status_code == 409
    figures = visitor(app, HD).get("/pengetahuan/angka")
    assert texts(figures, '//dd[@id="terhindarkan"]') == ["1"]
    dashboard = visitor(app, HD).get("/dasbor")  # the same figures on the dashboard
    assert texts(dashboard, '//dd[@data-knowledge="avoided"]') == ["1"]
    assert texts(dashboard, '//dd[@data-knowledge="used"]') == ["1"]
    assert html(visitor(app, AB).get("/dasbor")).xpath('//*[@id="dasbor-pengetahuan"]') == []
    assert desk.pending(article.sources[0].ticket_id) == []  # nothing escalated
    assert all(r.ok for r in engine.verify_tickets(desk.database.uow()))


def test_suggestions_of_a_pengguna_are_never_tickets_over_http(app: Flask,
                                                               desk: Desk) -> None:
    guided(desk, admin=AS, reporter=PS, judul="Gagal unggah di Surabaya")
    guided(desk)
    for username in (PB, PS):
        found = items(visitor(app, username).get(
            "/pengetahuan/saran?judul=gagal+unggah&kode_error=ERR-UPLOAD-413"))
        assert all(item["kind"] == "article" for item in found)
    admin = items(visitor(app, AB).get("/pengetahuan/saran?judul=gagal+unggah"))
    assert [i["title"] for i in admin if i["kind"] == "ticket"] == [
        STEP_DATA["step01_eskalasi"]["judul"]]


def test_helpdesk_task_pages_show_similar_items_and_reply_templates(app: Flask,
                                                                    desk: Desk) -> None:
    publish(desk, guided(desk).id)
    engine.save_template(desk.database.uow(), desk.user(HD),
                         {"nama": "Panduan umum", "isi": "Untuk tiket {nomor}: ...",
                          "tempat": ["4"]})
    ticket = desk.open()
    helpdesk = visitor(app, HD)
    step2 = helpdesk.get(f"/tugas/{desk.task(ticket, 'step02_terima').id}")
    assert texts(step2, '//section[@id="artikel-tiket-serupa"]//li/a')
    desk.run(ticket, "step02_terima", ("step03_kewenangan", {"kewenangan": "LPSE"}))
    step4 = helpdesk.get(f"/tugas/{desk.task(ticket, 'step04_panduan').id}")
    assert f"Untuk tiket {ticket.number}: ..." in texts(step4, '//ul[@class="template-texts"]//pre')
    assert "reply-templates.js" in step4.text


def test_junk_typed_into_search_and_suggestions_is_never_a_server_error(app: Flask,
                                                                        desk: Desk) -> None:
    publish(desk, judul="Gagal unggah dokumen", publik="1")
    junk = ['"', "unggah*", "NEAR(a b)", "a OR", "-", "'; DROP TABLE x; --", "\x00unggah",
            "unggah" * 400, "üñíçødé ünggah", "{nomor}", "a AND NOT b", ":", "\\"]
    for person in (visitor(app), visitor(app, PB), visitor(app, HD)):
        for typed in junk:
            answer = person.get("/pengetahuan", query_string={"q": typed})
            # A NUL in a query is refused app-wide (400); nothing is a server error.
            assert answer.status_code == (400 if "\x00" in typed else 200), typed
    helpdesk = visitor(app, HD)
    for typed in junk:
        answer = helpdesk.get("/pengetahuan/saran",
                              query_string={"judul": typed, "kode_error": typed})
        assert answer.status_code == (400 if "\x00" in typed else 200), typed


def test_a_changed_knowledge_event_fails_verify_all(desk: Desk) -> None:
    publish(desk, judul="Panduan asli")
    assert all(r.ok for r in engine.verify_tickets(desk.database.uow()))
    desk.tamper("UPDATE events SET data = :data WHERE stream = 'knowledge' AND seq = 1",
                data='{"article": 1, "title": "Panduan palsu"}')
    failed = [r for r in engine.verify_tickets(desk.database.uow()) if not r.ok]
    assert [r.ticket_number for r in failed] == ["knowledge"]


def test_the_admin_s_step_1_form_looks_up_suggestions_as_they_type(app: Flask) -> None:
    page = visitor(app, AB).get("/tiket/baru")
    assert html(page).xpath('//aside[@id="saran-pengetahuan"]/@data-url') == [
        "/pengetahuan/saran"]
    assert "knowledge-suggestions.js" in page.text


def test_helpdesk_adds_changes_and_deletes_a_reply_template_on_its_page(app: Flask) -> None:
    helpdesk = visitor(app, HD)
    added = helpdesk.post("/pengetahuan/templat", {"nama": "Salam", "isi": "Yth. {pelapor}",
                                                   "tempat": ["14"]})
    assert added.status_code == 302
    page = helpdesk.get("/pengetahuan/templat")
    [link] = html(page).xpath('//table[@id="daftar-templat"]//a/@href')
    template_id = link.split("templat=")[1].split("#")[0]
    form = helpdesk.get(link)
    assert html(form).xpath('//input[@name="templat"]/@value') == [template_id]
    assert html(form).xpath('//input[@id="nama"]/@value') == ["Salam"]
    changed = helpdesk.post("/pengetahuan/templat", {"templat": template_id, "nama": "Salam",
                                                     "isi": "Yth. Bapak/Ibu {pelapor}",
                                                     "tempat": ["14", "data"]})
    assert changed.status_code == 302
    assert texts(helpdesk.get("/pengetahuan/templat"), '//table[@id="daftar-templat"]//td'
                 )[:2] == ["Salam", "Solusi (langkah 14), Permintaan data"]
    taken = helpdesk.post("/pengetahuan/templat", {"nama": "Salam", "isi": "x",
                                                   "tempat": ["4"]})
    assert taken.status_code == 422 and "nama" in field_errors(taken)
    assert helpdesk.post(f"/pengetahuan/templat/{template_id}/hapus").status_code == 302
    assert html(helpdesk.get("/pengetahuan/templat")).xpath(
        '//table[@id="daftar-templat"]') == []
