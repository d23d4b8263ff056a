"""Daftar Tiket and GET /api/v1/tickets (issue 13): search (best match first), the current
step, whose turn, holder and due time columns, sorting by due time, filters kept in the
page links, and the audit search by words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from flask import Flask

import engine
from tests.desk import Desk
from tests.integration.api_client import Api
from tests.pages import html, texts, visitor


@pytest.fixture
def three(desk: Desk) -> dict[str, engine.Ticket]:
    """An upload problem at step 3 (its step 2 note internal), a login problem at step 2,
    and a Surabaya ticket."""
    upload = desk.open(judul="Gagal unggah dokumen penawaran",
                       deskripsi="PT Maju Jaya Konstruksi tidak dapat mengunggah berkas.")
    desk.do(upload, "step02_terima", catatan_telaah="Kemungkinan kuota penyimpanan penuh.")
    login = desk.open(judul="Tidak bisa masuk akun", kode_error="AUTH-401",
                      deskripsi="Kata sandi ditolak, unggah tidak dicoba.")
    other = desk.open(admin="admin.surabaya", reporter="pengguna.surabaya",
                      judul="Gagal unggah dokumen kualifikasi")
    return {"upload": upload, "login": login, "other": other}


def numbers(response_text: str) -> list[str]:
    """The ticket numbers of a list page, in order."""
    return [str(n) for n in lxml.html.fromstring(response_text).xpath("//tr/@data-ticket")]


def test_the_list_page_searches_and_shows_step_turn_holder_and_due(
        app: Flask, three: dict[str, engine.Ticket]) -> None:
    helpdesk = visitor(app, "helpdesk.lkpp")
    page = helpdesk.get("/tiket?q=unggah")
    assert page.status_code == 200
    assert set(numbers(page.text)) == {three["upload"].number, three["login"].number,
                                       three["other"].number}
    page = helpdesk.get("/tiket?q=%22Maju+Jaya%22")
    assert numbers(page.text) == [three["upload"].number]
    row = f'//tr[@data-ticket="{three["upload"].number}"]'
    assert texts(page, f'{row}/td[@data-column="step"]')[0].startswith("3. ")
    assert texts(page, f'{row}/td[@data-column="lane"]') == ["Helpdesk LKPP"]
    assert texts(page, f'{row}/td[@data-column="assignee"]') == ["—"]
    due = texts(page, f'{row}/td[@data-column="due"]')[0]
    assert "WIB" in due and "T" not in due.split()[0], due
    assert html(page).xpath('//input[@name="q"]/@value') == ['"Maju Jaya"']


def test_the_pengguna_never_finds_internal_text_or_others_tickets_on_the_page(
        app: Flask, three: dict[str, engine.Ticket]) -> None:
    reporter = visitor(app, "pengguna.bandung")
    assert numbers(reporter.get("/tiket?q=kuota+penyimpanan").text) == []
    assert numbers(reporter.get("/tiket?q=kualifikasi").text) == []
    assert set(numbers(reporter.get("/tiket?q=unggah").text)) == {
        three["upload"].number, three["login"].number}
    admin = visitor(app, "admin.bandung")
    assert numbers(admin.get("/tiket?q=kuota+penyimpanan").text) == [three["upload"].number]


def test_filters_are_kept_in_the_page_links(app: Flask, desk: Desk) -> None:
    for n in range(27):
        desk.open(judul=f"Gagal unggah nomor {n}")
    helpdesk = visitor(app, "helpdesk.lkpp")
    page = helpdesk.get("/tiket?q=unggah&langkah=2&urut=tenggat")
    assert len(numbers(page.text)) == 25
    following = html(page).xpath('//a[@rel="next"]/@href')[0]
    assert "q=unggah" in following and "langkah=2" in following and "urut=tenggat" in following
    assert len(numbers(helpdesk.get(following).text)) == 2


def test_a_step_and_lpse_filter_narrow_the_list(
        app: Flask, desk: Desk, three: dict[str, engine.Ticket]) -> None:
    helpdesk = visitor(app, "helpdesk.lkpp")
    assert numbers(helpdesk.get("/tiket?langkah=3").text) == [three["upload"].number]
    options = html(helpdesk.get("/tiket")).xpath('//select[@name="lpse"]/option')
    surabaya = next(o.get("value") for o in options if o.text == "LPSE Kota Surabaya")
    assert numbers(helpdesk.get(f"/tiket?lpse={surabaya}").text) == [three["other"].number]
    # An Admin LPSE is offered no LPSE choice (they see one LPSE's tickets).
    admin = visitor(app, "admin.bandung")
    assert not html(admin.get("/tiket")).xpath('//select[@name="lpse"]')


def test_sorting_by_due_time_puts_the_overdue_first(
        app: Flask, desk: Desk, three: dict[str, engine.Ticket]) -> None:
    past = datetime.now(UTC) - timedelta(days=3)
    desk.tamper("UPDATE tasks SET due_at = :due WHERE ticket_id = :ticket "
                "AND completed_at IS NULL", due=past, ticket=three["login"].id)
    helpdesk = visitor(app, "helpdesk.lkpp")
    page = helpdesk.get("/tiket?urut=tenggat")
    assert numbers(page.text)[0] == three["login"].number
    first = html(page).xpath("//tbody/tr")[0]
    assert first.get("data-overdue") == "1"
    assert "Terlambat" in first.text_content()


def test_nonsense_filters_are_ignored_not_errors(app: Flask,
                                                 three: dict[str, engine.Ticket]) -> None:
    helpdesk = visitor(app, "helpdesk.lkpp")
    for query in ("langkah=abc", "lpse=-1", "urut=x", "penanggung=zzz", "q=%22", "q=AND+OR",
                  "q=" + "x" * 3000, "halaman=0"):
        assert helpdesk.get(f"/tiket?{query}").status_code == 200, query


def test_the_api_answers_q_best_match_first(api: Api, desk: Desk,
                                            three: dict[str, engine.Ticket]) -> None:
    many = desk.open(judul="Unggah gagal, unggah ulang gagal",
                     deskripsi="Unggah, unggah lagi, tetap gagal unggah dokumen.")
    found = api.get("/tickets?q=unggah", "helpdesk.lkpp").json["items"]
    assert found[0]["number"] == many.number
    assert {t["number"] for t in found} == {many.number, three["upload"].number,
                                            three["login"].number, three["other"].number}
    helpdesk = "helpdesk.lkpp"
    assert [t["number"] for t in api.get("/tickets?q=AUTH-401", helpdesk).json["items"]] == [
        three["login"].number]
    assert [t["number"] for t in api.get("/tickets?step=3", helpdesk).json["items"]] == [
        three["upload"].number]
    assert [t["number"] for t in api.get("/tickets?q=unggah&lpse=kota-surabaya",
                                         helpdesk).json["items"]] == [three["other"].number]
    assert api.get("/tickets?sort=sideways", helpdesk).status_code == 422
    assert api.get("/tickets?q=kuota", "admin.bandung").json["items"] != []
    assert api.get("/tickets?q=kuota", "pengguna.bandung").json["items"] == []
    assert api.get("/tickets?q=kualifikasi", "pengguna.bandung").json["items"] == []


def test_the_audit_search_finds_tickets_by_words(app: Flask,
                                                 three: dict[str, engine.Ticket]) -> None:
    auditor = visitor(app, "auditor")
    page = auditor.get("/audit/?nomor=unggah")
    assert page.status_code == 200
    assert set(numbers(page.text)) == {three["upload"].number, three["login"].number,
                                       three["other"].number}
    assert numbers(auditor.get("/audit/?nomor=Maju+Jaya").text) == [three["upload"].number]
    assert numbers(auditor.get(f"/audit/?nomor={three['login'].number}").text) == [
        three["login"].number]


def test_the_inbox_searches_through_the_ticket_list(
        app: Flask, three: dict[str, engine.Ticket]) -> None:
    helpdesk = visitor(app, "helpdesk.lkpp")
    inbox = html(helpdesk.get("/tugas"))
    form = inbox.xpath('//form[contains(@class, "inbox-search")]')[0]
    assert form.get("action") == "/tiket" and form.get("method") == "get"
    assert form.xpath('.//input[@name="q"]')
    page = helpdesk.get(f"{form.get('action')}?q=%22Maju+Jaya%22")
    assert numbers(page.text) == [three["upload"].number]


def test_the_holder_column_and_filter_follow_claims(
        app: Flask, api: Api, desk: Desk, three: dict[str, engine.Ticket]) -> None:
    helpdesk = desk.user("helpdesk.lkpp")
    task = desk.task(three["upload"], "step03_kewenangan")
    engine.claim_task(desk.database.uow(), helpdesk, task.id)
    page = visitor(app, "helpdesk.lkpp").get("/tiket?penanggung=saya")
    assert numbers(page.text) == [three["upload"].number]
    row = f'//tr[@data-ticket="{three["upload"].number}"]/td[@data-column="assignee"]'
    assert texts(page, row) == [helpdesk.full_name]
    unclaimed = numbers(visitor(app, "helpdesk.lkpp").get("/tiket?penanggung=belum").text)
    assert three["upload"].number not in unclaimed and three["login"].number in unclaimed
    assert numbers(visitor(app, "helpdesk2.lkpp").get("/tiket?penanggung=saya").text) == []
    mine = api.get("/tickets?assignee=me", "helpdesk.lkpp").json["items"]
    assert [t["number"] for t in mine] == [three["upload"].number]


def test_the_search_boxes_say_what_to_type_with_its_quotes_intact(app: Flask) -> None:
    helpdesk = visitor(app, "helpdesk.lkpp")
    for path, name in (("/tiket", "q"), ("/tugas", "q")):
        hints = html(helpdesk.get(path)).xpath(f'//input[@name="{name}"]/@placeholder')
        assert hints == ['Kata, "frasa", nomor tiket, kode error'], (path, hints)
    audit = html(visitor(app, "auditor").get("/audit/"))
    assert audit.xpath('//input[@name="nomor"]/@placeholder') == [
        'ESK-2026-000123, 123, unggah, "PT Maju", SPSE-123']
    assert '"frasa"' in audit.xpath('//input[@name="nomor"]/@title')[0]
