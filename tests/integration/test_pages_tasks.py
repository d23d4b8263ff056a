"""The task page: the thread, instructions, the server-rendered form and its errors."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import pytest
from flask import Flask

import engine
from tests.desk import Desk
from tests.pages import PNG, field_errors, html, texts, visitor

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def events(desk: Desk, ticket_id: int) -> list[engine.Event]:
    return engine.list_events(desk.database.uow(), desk.user("auditor"), ticket_id)


def test_the_task_page_shows_thread_instructions_time_limit_and_form(
        app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    page = visitor(app, "helpdesk.lkpp").get(f"/tugas/{task.id}")
    assert page.status_code == 200
    assert texts(page, "//h1") == ["Menerima dan mempelajari permasalahan"]
    assert "Pelajari permasalahan" in texts(page, '//p[@class="documentation"]')[0]
    assert task.due_at is not None  # step 2 has a time limit (timeLimit 4h)
    assert html(page).xpath('//*[@id="batas-waktu"]/time/@datetime') == [task.due_at.isoformat()]
    entry = texts(page, '//article[@class="entry"]')[0]
    for shown in ("Admin LPSE Kota Bandung", "Admin LPSE", "Mengeskalasi permasalahan",
                  "(Langkah 1)", "Judul", "Gagal unggah dokumen penawaran", "Tipe Tiket"):
        assert shown in entry
    form = html(page).xpath('//form[@class="task-form"]')[0]
    assert form.get("enctype") == "multipart/form-data"
    assert form.xpath('.//textarea[@id="catatan_telaah"][@name="catatan_telaah"]')
    assert form.xpath('.//label[@for="catatan_telaah"]/text()') == ["Catatan Telaah"]
    assert form.xpath('.//input[@type="file"][@name="lampiran"]/@multiple')
    assert form.xpath('.//input[@name="csrf_token"]')


def test_each_widget_kind_is_rendered_from_the_real_forms(app: Flask, desk: Desk) -> None:
    """text, select, radio (enum), textarea, url, Ya/Tidak, datetime-local and number."""
    admin = visitor(app, "admin.bandung")
    start = html(admin.get("/tiket/baru"))
    assert start.xpath('//input[@id="judul"]/@type') == ["text"]
    assert start.xpath('//input[@id="judul"]/@maxlength') == ["200"]
    assert start.xpath('//input[@id="judul"]/@required') == [""]
    assert start.xpath('//select[@id="aplikasi"]/option/@value')[:2] == ["", "SPSE 4.5"]
    assert start.xpath('//input[@name="tipe_tiket"]/@type') == ["radio"] * 3
    assert start.xpath('//textarea[@id="deskripsi"]')
    assert start.xpath('//p[@id="judul-help"]/text()')[0].startswith("Ringkasan singkat")
    helpdesk = visitor(app, "helpdesk.lkpp")
    ticket = desk.run(desk.open(), "step02_terima")
    step3 = html(helpdesk.get(f"/tugas/{desk.task(ticket, 'step03_kewenangan').id}"))
    legend = step3.xpath('//fieldset[@id="kewenangan"]/legend')[0]
    assert legend.text.strip() == "Kewenangan Penanganan"
    assert legend.xpath('./span[@class="required"]')
    assert step3.xpath('//input[@name="kewenangan"]/@value') == ["LKPP", "LPSE"]
    lpse = desk.run(desk.open(), "step02_terima", ("step03_kewenangan", {"kewenangan": "LPSE"}))
    step4 = html(helpdesk.get(f"/tugas/{desk.task(lpse, 'step04_panduan').id}"))
    assert step4.xpath('//input[@id="tautan_panduan"]/@type') == ["url"]
    ticket = desk.run(ticket, "step03_kewenangan")
    step5 = html(helpdesk.get(f"/tugas/{desk.task(ticket, 'step05_kelengkapan').id}"))
    assert step5.xpath('//input[@name="perlu_data_tambahan"]/@value') == ["true", "false"]
    assert [" ".join(label.text_content().split()) for label in
            step5.xpath('//fieldset[@id="perlu_data_tambahan"]//label')] == ["Ya", "Tidak"]
    ticket = desk.run(ticket, ("step05_kelengkapan", {"perlu_data_tambahan": True}))
    step6 = html(helpdesk.get(f"/tugas/{desk.task(ticket, 'step06_minta_data').id}"))
    assert step6.xpath('//input[@id="waktu_telepon"]/@type') == ["datetime-local"]
    closing = desk.run(desk.open(), "step02_terima", "step03_kewenangan", "step05_kelengkapan",
                       "step12_penanganan", "step13_cek_selesai", "step14_balas_selesai",
                       "step15_periksa", "step16_konfirmasi")
    step17 = html(admin.get(f"/tugas/{desk.task(closing, 'step17_tutup').id}"))
    # The rating is a choice of 1 to 5 with words, not a number box.
    assert step17.xpath('//input[@id="rating"]') == []
    assert step17.xpath('//fieldset[@id="rating"]//input[@type="radio"]/@value') == [
        "1", "2", "3", "4", "5"]
    assert [" ".join(label.text_content().split()) for label in
            step17.xpath('//fieldset[@id="rating"]//label')] == [
        "1 – Sangat buruk", "2 – Buruk", "3 – Cukup", "4 – Baik", "5 – Sangat baik"]


def test_completing_a_task_goes_to_the_ticket_with_a_message(app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    helpdesk = visitor(app, "helpdesk.lkpp")
    response = helpdesk.post(f"/tugas/{task.id}", {
        "catatan_telaah": "Baris satu\r\nBaris dua",
        "lampiran": [(io.BytesIO(PNG), "bukti.png")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.location == f"/tiket/{ticket.id}"
    page = helpdesk.get(response.location)
    assert texts(page, '//p[contains(@class, "flash")]') == [
        "Langkah 2: Menerima dan mempelajari permasalahan selesai."]
    second = html(page).xpath('//article[@data-seq="2"]')[0]
    assert second.get("data-step") == "step02_terima"
    assert second.xpath('.//dd[@class="value"]/text()') == ["Baris satu\nBaris dua"]
    assert second.xpath(".//a/text()") == ["bukti.png"]
    assert desk.pending(ticket) == ["step03_kewenangan"]


def test_invalid_data_is_422_with_errors_in_place_and_values_kept(
        app: Flask, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima")
    task = desk.task(ticket, "step03_kewenangan")
    response = visitor(app, "helpdesk.lkpp").post(f"/tugas/{task.id}", {
        "kewenangan": "LKPP", "alasan_kewenangan": "abc"})
    assert response.status_code == 422
    assert field_errors(response) == {"alasan_kewenangan": "Minimal 5 karakter."}
    tree = html(response)
    assert tree.xpath('//textarea[@id="alasan_kewenangan"]/text()') == ["abc"]
    assert tree.xpath('//textarea[@id="alasan_kewenangan"]/@aria-invalid') == ["true"]
    assert tree.xpath('//input[@name="kewenangan"][@checked]/@value') == ["LKPP"]
    assert desk.pending(ticket) == ["step03_kewenangan"]


def test_an_unreadable_number_is_refused_without_the_engine(app: Flask, desk: Desk) -> None:
    closing = desk.run(desk.open(), "step02_terima", "step03_kewenangan", "step05_kelengkapan",
                       "step12_penanganan", "step13_cek_selesai", "step14_balas_selesai",
                       "step15_periksa", "step16_konfirmasi")
    task = desk.task(closing, "step17_tutup")
    before = len(events(desk, closing.id))
    response = visitor(app, "admin.bandung").post(f"/tugas/{task.id}", {
        "rating": "lima", "komentar": "Bagus"})
    assert response.status_code == 422
    assert field_errors(response) == {"rating": "Harus berupa angka."}
    assert html(response).xpath('//input[@name="rating"][@checked]') == []
    assert len(events(desk, closing.id)) == before


def test_fields_required_only_in_some_cases_get_their_errors_in_place(
        app: Flask, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan",
                      ("step05_kelengkapan", {"perlu_data_tambahan": True}))
    helpdesk = visitor(app, "helpdesk.lkpp")
    task = desk.task(ticket, "step06_minta_data")
    response = helpdesk.post(f"/tugas/{task.id}", {
        "data_diminta": "Tangkapan layar galat", "konfirmasi_telepon": "true"})
    assert response.status_code == 422
    assert field_errors(response) == {"waktu_telepon": "Wajib diisi.",
                                      "pihak_dihubungi": "Wajib diisi."}
    done = helpdesk.post(f"/tugas/{task.id}", {
        "data_diminta": "Tangkapan layar galat", "konfirmasi_telepon": "true",
        "waktu_telepon": "2026-11-28T09:30", "pihak_dihubungi": "Budi, Admin LPSE"})
    assert done.status_code == 302
    assert events(desk, ticket.id)[-1].data["form"] == {
        "data_diminta": "Tangkapan layar galat", "konfirmasi_telepon": True,
        "waktu_telepon": "2026-11-28T02:30:00Z", "pihak_dihubungi": "Budi, Admin LPSE"}
    desk.do(ticket, "step07_terima_permintaan")
    step8 = desk.task(ticket, "step08_data_pengguna")
    admin = visitor(app, "admin.bandung")
    response = admin.post(f"/tugas/{step8.id}", {"perlu_data_pengguna": "true"})
    assert field_errors(response) == {"permintaan_ke_pengguna": "Wajib diisi."}
    desk.run(ticket, "step08_data_pengguna", "step10_kirim_data", "step11_terima_data",
             "step05_kelengkapan", "step12_penanganan", "step13_cek_selesai",
             "step14_balas_selesai", "step15_periksa")
    step16 = desk.task(ticket, "step16_konfirmasi")
    response = visitor(app, "pengguna.bandung").post(f"/tugas/{step16.id}", {
        "terselesaikan": "false"})
    assert response.status_code == 422
    assert field_errors(response) == {"alasan_belum_selesai": "Wajib diisi."}


def test_completing_twice_is_409_with_the_values_shown_back(app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    first, second = visitor(app, "helpdesk.lkpp"), visitor(app, "helpdesk.lkpp")
    assert second.get(f"/tugas/{task.id}").status_code == 200  # both have the form open
    assert first.post(f"/tugas/{task.id}", {"catatan_telaah": "Yang pertama"}).status_code == 302
    stale = second.post(f"/tugas/{task.id}", {"catatan_telaah": "Catatan yang kedua"})
    assert stale.status_code == 409
    assert texts(stale, '//div[@role="alert"]')[0].startswith(
        "Tugas ini sudah diselesaikan oleh orang lain")
    assert texts(stale, '//dl[@class="entered"]//dd') == ["Catatan yang kedua"]
    assert texts(stale, '//dl[@class="entered"]//dt') == ["Catatan Telaah"]
    assert html(stale).xpath('//main//a[@class="button"]/@href') == [f"/tiket/{ticket.id}"]
    assert second.get(f"/tugas/{task.id}").status_code == 404  # no longer pending
    assert [e.data.get("form") for e in events(desk, ticket.id)][-1] == {
        "catatan_telaah": "Yang pertama"}


def test_a_conflict_inside_the_engine_is_409_too(
        app: Flask, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    task = desk.task(desk.open(), "step02_terima")

    def raced(*_args: object, **_kwargs: object) -> None:
        raise engine.Conflict("completed meanwhile")

    monkeypatch.setattr(engine, "complete_task", raced)
    response = visitor(app, "helpdesk.lkpp").post(f"/tugas/{task.id}", {
        "catatan_telaah": "Tetap terlihat"})
    assert response.status_code == 409
    assert texts(response, '//dl[@class="entered"]//dd') == ["Tetap terlihat"]


def test_a_failing_diagram_rule_is_a_clear_message(
        app: Flask, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    task = desk.task(desk.open(), "step02_terima")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise engine.SandboxError("name 'x' is not defined")

    monkeypatch.setattr(engine, "complete_task", broken)
    response = visitor(app, "helpdesk.lkpp").post(f"/tugas/{task.id}", {
        "catatan_telaah": "Masih ada"})
    assert response.status_code == 422
    assert texts(response, '//div[@role="alert"]')[0].startswith(
        "Proses tidak dapat dilanjutkan")
    assert "name 'x'" not in response.text
    assert html(response).xpath('//textarea[@id="catatan_telaah"]/text()') == ["Masih ada"]


def test_a_task_of_someone_else_is_404(app: Flask, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan",
                      ("step05_kelengkapan", {"perlu_data_tambahan": True}),
                      "step06_minta_data")
    admin_task = desk.task(ticket, "step07_terima_permintaan")
    for username in ("admin.surabaya", "helpdesk.lkpp", "pengguna.bandung", "auditor"):
        person = visitor(app, username)
        assert person.get(f"/tugas/{admin_task.id}").status_code == 404
        assert person.post(f"/tugas/{admin_task.id}", {}).status_code == 404
    assert visitor(app, "admin.bandung").get("/tugas/no-such-task").status_code == 404
    assert desk.pending(ticket) == ["step07_terima_permintaan"]


def test_script_typed_into_fields_comes_back_escaped_everywhere(
        app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    opened = admin.post("/tiket/baru", {
        "reporter": "pengguna.bandung", "judul": f"Judul {SCRIPT}", "aplikasi": "SPSE 4.5",
        "tipe_tiket": "Permasalahan", "deskripsi": f"Deskripsi {SCRIPT} selesai",
        "kode_error": '"><img src=x onerror=alert(1)>'})
    assert opened.status_code == 302
    ticket_page = opened.location
    helpdesk = visitor(app, "helpdesk.lkpp")
    inbox = helpdesk.get("/tugas")
    task_page = helpdesk.get(f"/tugas/{html(inbox).xpath('//tbody/tr/@data-task-id')[0]}")
    for response in (inbox, helpdesk.get("/tiket"), helpdesk.get(ticket_page), task_page,
                     admin.get(ticket_page)):
        assert response.status_code == 200
        assert SCRIPT not in response.text
        assert "<img src=x" not in response.text
        assert ESCAPED in response.text
    invalid = admin.post("/tiket/baru", {"judul": SCRIPT, "deskripsi": "x"})
    assert invalid.status_code == 422
    assert SCRIPT not in invalid.text and ESCAPED in invalid.text


def test_email_date_and_file_fields_render_on_the_task_page(
        app: Flask, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real forms have no email, date or file field: show one that has them."""
    task = desk.task(desk.open(), "step02_terima")
    schema = {"type": "object", "required": ["surel"], "properties": {
        "surel": {"type": "string", "title": "Surel", "format": "email"},
        "tanggal": {"type": "string", "title": "Tanggal", "format": "date"},
        "bukti": {"type": "string", "title": "Bukti", "contentMediaType": "image/png"},
        "pilihan": {"type": "string", "enum": ["a", "b", "c", "d", "e"]}}}
    real = engine.get_task

    def with_schema(*args: Any, **kwargs: Any) -> engine.Task:
        return dataclasses.replace(real(*args, **kwargs), form=schema)

    monkeypatch.setattr(engine, "get_task", with_schema)
    page = html(visitor(app, "helpdesk.lkpp").get(f"/tugas/{task.id}"))
    assert page.xpath('//input[@id="surel"]/@type') == ["email"]
    assert page.xpath('//input[@id="surel"]/@required') == [""]
    assert page.xpath('//input[@id="tanggal"]/@type') == ["date"]
    assert page.xpath('//input[@id="bukti"]/@type') == ["file"]
    assert page.xpath('//select[@id="pilihan"]/option/@value') == ["", "a", "b", "c", "d", "e"]
