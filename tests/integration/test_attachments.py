"""Attachments through the pages: every accepted kind checked by content and served with the
right headers (images and PDF shown, the rest downloaded, never sniffed), each file listed
once on the ticket page, and a file of an earlier step carried into the next (the same
stored file, recorded in the event)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

import engine
from engine.persistence.tables import AttachmentRow
from tests.attachments import samples
from tests.desk import STEP_DATA, Desk
from tests.pages import PNG, Visitor, field_errors, html, visitor

START = {"reporter": "pengguna.bandung", **STEP_DATA["step01_eskalasi"]}


def open_with(admin: Visitor, *named: tuple[str, bytes]) -> int:
    """Open a ticket on /tiket/baru with these files; its id."""
    response = admin.post("/tiket/baru", {
        **START, "lampiran": [(io.BytesIO(content), name) for name, content in named]},
        content_type="multipart/form-data")
    assert response.status_code == 302, field_errors(response)
    return int(response.location.rsplit("/", 1)[1])


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def stored_files(app: Flask) -> list[Path]:
    return [p for p in Path(app.config["ATTACHMENTS_DIR"]).rglob("*") if p.is_file()]


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("error.log", samples.LOG, "text/plain; charset=utf-8"),
    ("lpse.csv", samples.LATIN1_CSV, "text/csv; charset=iso-8859-1"),
    ("arsip.zip", samples.ZIP, "application/zip"),
    ("surat.docx", samples.DOCX,
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("hitung.ods", samples.ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    ("lama.xls", samples.XLS, "application/vnd.ms-excel"),
])
def test_logs_text_zip_and_office_documents_are_accepted_and_always_downloaded(
        app: Flask, name: str, content: bytes, content_type: str) -> None:
    admin = visitor(app, "admin.bandung")
    ticket_id = open_with(admin, (name, content))
    answer = admin.get(f"/tiket/{ticket_id}/lampiran/{sha(content)}")
    assert answer.status_code == 200
    assert answer.data == content
    assert answer.headers["Content-Type"] == content_type
    assert answer.headers["Content-Disposition"].startswith("attachment")
    assert name in answer.headers["Content-Disposition"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in answer.headers["Content-Security-Policy"]
    answer.close()


def test_an_image_is_shown_inline_with_a_thumbnail_and_a_pdf_inline_in_a_frame(
        app: Flask) -> None:
    admin = visitor(app, "admin.bandung")
    ticket_id = open_with(admin, ("layar.png", PNG), ("panduan.pdf", samples.MINIMAL_PDF))
    page = html(admin.get(f"/tiket/{ticket_id}"))
    picture_url = f"/tiket/{ticket_id}/lampiran/{sha(PNG)}"
    pdf_url = f"/tiket/{ticket_id}/lampiran/{sha(samples.MINIMAL_PDF)}"
    [thumbnail] = page.xpath('//li[contains(@class, "file-image")]//img')
    assert (thumbnail.get("src"), thumbnail.get("loading"), thumbnail.get("alt")) == (
        picture_url, "lazy", "layar.png")
    assert page.xpath('//li[contains(@class, "file-pdf")]//iframe/@src') == [pdf_url]
    picture = admin.get(picture_url)
    assert picture.headers["Content-Disposition"].startswith("inline")
    assert picture.headers["X-Content-Type-Options"] == "nosniff"
    picture.close()
    pdf = admin.get(pdf_url)
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("inline")
    policy = pdf.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "frame-ancestors 'self'" in policy
    assert pdf.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    pdf.close()


@pytest.mark.parametrize(("name", "content", "words"), [
    ("error.log", b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)), "bukan berkas teks"),
    ("surat.docx", b"PK\x03\x04 bukan zip", "bukan arsip ZIP yang utuh"),
    ("surat.docx", samples.ZIP, "bukan dokumen .docx"),
    ("arsip.zip", samples.ZIP_BOMB, "isi ZIP terlalu besar bila dibuka"),
])
def test_a_file_whose_content_is_not_what_its_name_says_is_refused_and_opens_nothing(
        app: Flask, desk: Desk, name: str, content: bytes, words: str) -> None:
    admin = visitor(app, "admin.bandung")
    response = admin.post("/tiket/baru", {**START, "lampiran": [(io.BytesIO(content), name)]},
                          content_type="multipart/form-data")
    assert response.status_code == 422
    error = field_errors(response)["lampiran"]
    assert f"{name}: " in error and words in error
    assert engine.list_tickets(desk.database.uow(), desk.user("helpdesk.lkpp")) == []
    assert stored_files(app) == []


def test_the_same_file_in_three_steps_is_listed_once(app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    ticket_id = open_with(admin, ("layar.png", PNG))
    helpdesk = visitor(app, "helpdesk.lkpp")
    step2 = desk.task(ticket_id, "step02_terima")
    sent = helpdesk.post(f"/tugas/{step2.id}", {  # the same screenshot uploaded again
        **STEP_DATA["step02_terima"], "lampiran": [(io.BytesIO(PNG), "layar-lagi.png")]},
        content_type="multipart/form-data")
    assert sent.status_code == 302
    step3 = desk.task(ticket_id, "step03_kewenangan")
    sent = helpdesk.post(f"/tugas/{step3.id}", {**STEP_DATA["step03_kewenangan"],
                                                 "teruskan": sha(PNG)})
    assert sent.status_code == 302
    page = html(helpdesk.get(f"/tiket/{ticket_id}"))
    [item] = page.xpath('//li[@data-sha256]')
    assert item.get("data-sha256") == sha(PNG)
    assert len(item.xpath('.//img')) == 1
    steps = item.xpath('.//p[contains(@class, "file-steps")]')[0].text_content()
    assert [part.strip()[-11:] for part in steps.split("→")] == [
        "(Langkah 1)", "(Langkah 2)", "(Langkah 3)"]
    # Each entry names the file once, linking to that one place in the list.
    for seq in (1, 2, 3):
        assert page.xpath(f'//article[@data-seq="{seq}"]//p[@class="entry-attachments"]'
                          '/a/@href') == [f"#{item.get('id')}"]
    # The file itself is linked from its list item only (its thumbnail and its name).
    url = f"/tiket/{ticket_id}/lampiran/{sha(PNG)}"
    assert len(page.xpath(f'//a[@href="{url}"]')) == 2
    assert len(page.xpath(f'//li[@data-sha256]//a[@href="{url}"]')) == 2


def test_a_forwarded_file_is_the_same_stored_file_recorded_in_the_event(
        app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    ticket_id = open_with(admin, ("error.log", samples.LOG), ("layar.png", PNG))
    helpdesk = visitor(app, "helpdesk.lkpp")
    task = desk.task(ticket_id, "step02_terima")
    form = html(helpdesk.get(f"/tugas/{task.id}"))
    assert form.xpath('//form[@class="task-form"]//input[@name="teruskan"]/@value') == [
        sha(samples.LOG), sha(PNG)]
    sent = helpdesk.post(f"/tugas/{task.id}", {**STEP_DATA["step02_terima"],
                                               "teruskan": sha(samples.LOG)})
    assert sent.status_code == 302
    events = engine.list_events(desk.database.uow(), desk.user("helpdesk.lkpp"), ticket_id)
    assert events[1].data["attachments"] == [{
        "sha256": sha(samples.LOG), "filename": "error.log",
        "content_type": "text/plain; charset=utf-8", "size": len(samples.LOG),
        "forwarded_from": 1}]
    with desk.database.uow() as uow:
        rows = uow.session.execute(select(AttachmentRow.event_seq, func.count()).where(
            AttachmentRow.ticket_id == ticket_id, AttachmentRow.sha256 == sha(samples.LOG))
            .group_by(AttachmentRow.event_seq).order_by(AttachmentRow.event_seq)).all()
    assert [tuple(row) for row in rows] == [(1, 1), (2, 1)]
    assert len(stored_files(app)) == 2  # no copy
    assert engine.verify_ticket(desk.database.uow(), desk.user("auditor"), ticket_id).ok


def test_forwarding_a_file_that_is_not_the_tickets_is_refused_and_changes_nothing(
        app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    other = open_with(admin, ("layar.png", PNG))
    ticket_id = open_with(admin, ("error.log", samples.LOG))
    helpdesk = visitor(app, "helpdesk.lkpp")
    task = desk.task(ticket_id, "step02_terima")
    for forwarded in (sha(PNG), "../../etc/passwd", "a" * 64):
        sent = helpdesk.post(f"/tugas/{task.id}", {**STEP_DATA["step02_terima"],
                                                   "teruskan": forwarded})
        assert sent.status_code == 422
        assert field_errors(sent)["lampiran"] == (
            "Berkas yang diteruskan bukan lampiran tiket ini.")
    assert desk.pending(ticket_id) == ["step02_terima"]
    assert other != ticket_id


def test_a_reporter_cannot_forward_the_file_of_an_internal_note(app: Flask) -> None:
    database: engine.Database = app.extensions["eskalasi.database"]  # the app's file store
    desk = Desk(database)
    ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan",
                      ("step05_kelengkapan", {"perlu_data_tambahan": True}), "step06_minta_data")
    ticket = desk.do(ticket, "step07_terima_permintaan")
    ticket = desk.do(ticket, "step08_data_pengguna", perlu_data_pengguna=True,
                     permintaan_ke_pengguna="Mohon kirim tangkapan layar.")
    engine.add_comment(database.uow(), desk.user("helpdesk.lkpp"), ticket.id,
                       "Log server untuk tim", internal=True,
                       attachments=[engine.Upload("server.log", samples.LOG)])
    reporter = visitor(app, "pengguna.bandung")
    task = desk.task(ticket, "step09_kirim_data_pengguna")
    form = html(reporter.get(f"/tugas/{task.id}"))
    assert form.xpath('//input[@name="teruskan"]') == []
    sent = reporter.post(f"/tugas/{task.id}", {**STEP_DATA["step09_kirim_data_pengguna"],
                                               "teruskan": sha(samples.LOG)})
    assert sent.status_code == 422
    assert field_errors(sent)["lampiran"] == "Berkas yang diteruskan bukan lampiran tiket ini."
    assert desk.pending(ticket) == ["step09_kirim_data_pengguna"]
