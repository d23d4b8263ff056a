"""The engine speaks in codes; each page and API answer says it in the caller's language.

Indonesian by default, English on the switch (pages) or by Accept-Language (API): the
engine's refusals, the form fields' messages, the diagram's validation problems, and the
names the owners give steps and fields in both languages (`nameEn`, `x-title-en`).
"""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.desk import STEP_DATA, Desk
from tests.integration.api_client import Api
from tests.pages import Visitor, field_errors, html, texts, visitor

ENGLISH = {"Accept-Language": "en"}
START = {"reporter": "pengguna.bandung", **STEP_DATA["step01_eskalasi"]}


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    return Api(app, client)


def in_english(app: Flask, username: str) -> Visitor:
    """A signed-in visitor who switched the pages to English."""
    person = visitor(app, username)
    person.post("/bahasa", {"lang": "en", "next": "/tugas"})
    return person


def test_an_engine_refusal_in_the_api_speaks_indonesian_unless_english_is_asked(
        api: Api) -> None:
    body = {"reporter": "pengguna.surabaya", "data": STEP_DATA["step01_eskalasi"]}
    indonesian = api.post("/tickets", "admin.bandung", json=body)
    english = api.post("/tickets", "admin.bandung", json=body, headers=ENGLISH)
    assert indonesian.status_code == english.status_code == 422
    assert indonesian.json["errors"] == {
        "reporter": ["Pelapor harus Pengguna SPSE dari LPSE Anda."]}
    assert english.json["errors"] == {
        "reporter": ["The reporter must be an SPSE user of your LPSE."]}
    assert english.json["detail"] == "Some fields are not valid; see `errors`."
    assert set(english.json) == {"type", "title", "status", "detail", "errors"}


def test_form_field_messages_in_the_api_follow_accept_language(api: Api, desk: Desk) -> None:
    task = desk.task(desk.open(), "step02_terima")
    data = {**STEP_DATA["step02_terima"], "catatan_telaah": 5}
    indonesian = api.post(f"/tasks/{task.id}/complete", "helpdesk.lkpp", json={"data": data})
    english = api.post(f"/tasks/{task.id}/complete", "helpdesk.lkpp", json={"data": data},
                       headers=ENGLISH)
    assert indonesian.json["errors"] == {"catatan_telaah": ["Harus berupa teks."]}
    assert english.json["errors"] == {"catatan_telaah": ["Must be text."]}


def test_a_not_found_detail_follows_accept_language(api: Api) -> None:
    missing = "/tasks/00000000-0000-4000-8000-000000000000"
    assert api.get(missing, "helpdesk.lkpp").json["detail"] == "Tugas tidak ditemukan."
    english = api.get(missing, "helpdesk.lkpp", headers=ENGLISH)
    assert english.json["detail"] == "The task was not found."


def test_validation_problems_follow_the_callers_language(api: Api) -> None:
    broken = b"<bpmn:definitions"
    answers = [api.post("/process-versions/validate", "pemilik.proses", data=broken,
                        content_type="application/xml", headers=headers)
               for headers in ({}, ENGLISH)]
    messages = [answer.json["problems"][0]["message"] for answer in answers]
    assert messages[0].startswith("Berkas bukan BPMN yang utuh: ")
    assert messages[1].startswith("malformed XML: ")


def test_a_field_error_on_an_english_page_is_english(app: Flask, desk: Desk) -> None:
    exe = b"MZ\x90\x00" + b"\x00" * 60
    for person, words in ((visitor(app, "admin.bandung"), "jenis berkas tidak diterima"),
                          (in_english(app, "admin.bandung"), "this kind of file is not "
                                                             "accepted")):
        response = person.post("/tiket/baru", {**START, "lampiran": [(io.BytesIO(exe),
                                                                      "alat.exe")]},
                               content_type="multipart/form-data")
        assert response.status_code == 422
        assert words in field_errors(response)["lampiran"]


def test_a_validation_problem_on_an_indonesian_page_is_indonesian(app: Flask) -> None:
    hostile = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               b"\n<d>&x;</d>")
    for person, words in ((visitor(app, "pemilik.proses"), "deklarasi DOCTYPE dan entitas "
                                                           "tidak diizinkan"),
                          (in_english(app, "pemilik.proses"), "DOCTYPE and entity "
                                                              "declarations are not allowed")):
        page = person.post("/proses/unggah", {"name": "Rusak", "diagram": [
            (io.BytesIO(hostile), "rusak.bpmn")]}, content_type="multipart/form-data")
        assert page.status_code == 422
        assert any(words in line for line in texts(page, "//li")), texts(page, "//li")


def test_english_pages_show_the_owners_english_step_names_and_field_texts(
        app: Flask, desk: Desk) -> None:
    task = desk.task(desk.open(), "step02_terima")
    indonesian = visitor(app, "helpdesk.lkpp").get(f"/tugas/{task.id}")
    english = in_english(app, "helpdesk.lkpp").get(f"/tugas/{task.id}")
    assert texts(indonesian, "//h1") == ["Menerima dan mempelajari permasalahan"]
    assert texts(english, "//h1") == ["Receive and study the problem"]
    assert html(english).xpath('//label[@for="catatan_telaah"]/text()')[0].strip() == (
        "Review Notes")
    assert html(indonesian).xpath('//label[@for="catatan_telaah"]/text()')[0].strip() == (
        "Catatan Telaah")
    inbox = in_english(app, "helpdesk.lkpp").get("/tugas")
    assert any("Receive and study the problem" in cell for cell in texts(inbox, "//td"))


def test_english_choices_keep_the_indonesian_values(app: Flask) -> None:
    form = in_english(app, "admin.bandung").get("/tiket/baru")
    tree = html(form)
    labels = [" ".join(label.text_content().split())
              for label in tree.xpath('//fieldset[@id="tipe_tiket"]//label')]
    assert labels == ["Problem", "Suggestion", "Service Request"]
    assert tree.xpath('//fieldset[@id="tipe_tiket"]//input/@value') == [
        "Permasalahan", "Usulan", "Permintaan Layanan"]


def test_the_sop_document_counts_working_days_in_the_pages_language(app: Flask) -> None:
    english = in_english(app, "pemilik.proses").get("/proses/sop")
    limits = texts(english, '//td[@class="sop-time"]')
    assert "1 working day" in limits and "1 working days" not in limits
    assert "4 working hours" in limits
    assert "Receive and study the problem" in texts(english, '//td[@class="sop-activity"]')
    indonesian = visitor(app, "pemilik.proses").get("/proses/sop")
    assert "1 hari kerja" in texts(indonesian, '//td[@class="sop-time"]')


def test_the_read_log_names_what_was_read_in_the_pages_language(
        app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    auditor = visitor(app, "auditor")
    auditor.get(f"/audit/tiket/{ticket.id}")
    row = '//tr[@data-what="history"]/td[4]'
    assert texts(auditor.get("/audit/log-baca"), row) == ["Riwayat tiket"]
    assert texts(in_english(app, "auditor").get("/audit/log-baca"), row) == ["Ticket history"]


def test_the_ticket_and_audit_histories_use_the_owners_english_names(
        app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    desk.do(ticket, "step02_terima")
    for username, path in (("helpdesk.lkpp", f"/tiket/{ticket.id}"),
                           ("auditor", f"/audit/tiket/{ticket.id}")):
        english = " ".join(texts(in_english(app, username).get(path), "//main"))
        indonesian = " ".join(texts(visitor(app, username).get(path), "//main"))
        assert "Receive and study the problem" in english and "Review Notes" in english, path
        assert "Menerima dan mempelajari permasalahan" in indonesian, path
        assert "Catatan Telaah" in indonesian and "Review Notes" not in indonesian, path
