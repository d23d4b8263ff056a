"""Opening tickets with attachments, the ticket list and page, diagram and attachments."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask

import engine
from tests.desk import STEP_DATA, Desk
from tests.pages import PNG, field_errors, html, texts, visitor

START = {"reporter": "pengguna.bandung", **STEP_DATA["step01_eskalasi"]}


def files(*named: tuple[str, bytes]) -> list[tuple[io.BytesIO, str]]:
    """Files for a multiple file input, as the test client sends them."""
    return [(io.BytesIO(content), name) for name, content in named]


def ticket_count(desk: Desk) -> int:
    return len(engine.list_tickets(desk.database.uow(), desk.user("helpdesk.lkpp")))


def test_the_admin_opens_a_ticket_with_a_screenshot(app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    form = admin.get("/tiket/baru")
    assert form.status_code == 200
    tree = html(form)
    assert tree.xpath('//form[@enctype="multipart/form-data"]//input[@name="lampiran"]/@multiple')
    assert tree.xpath('//select[@name="reporter"]/option/@value') == ["", "pengguna.bandung"]
    assert texts(form, '//form[@class="task-form"]//button') == ["Kirim"]
    response = admin.post("/tiket/baru", {**START, "lampiran": files(("layar.png", PNG))},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    ticket = engine.list_tickets(desk.database.uow(), desk.user("admin.bandung"))[0]
    assert response.location == f"/tiket/{ticket.id}"
    page = admin.get(response.location)
    assert texts(page, '//p[contains(@class, "flash")]') == [
        f"Tiket {ticket.number} berhasil dibuat."]
    assert re.fullmatch(r"ESK-\d{4}-\d{6}", ticket.number)
    # The entry names its file, linking to the file's one place in the list of files.
    [anchor] = html(page).xpath('//article[@class="entry"]//a/@href')
    links = html(page).xpath(f'//li[@id="{anchor[1:]}"]//p[@class="file-name"]/a/@href')
    assert len(links) == 1 and links[0].startswith(f"/tiket/{ticket.id}/lampiran/")
    picture = admin.get(links[0])
    assert picture.status_code == 200
    assert picture.data == PNG
    assert picture.mimetype == "image/png"
    assert picture.headers["X-Content-Type-Options"] == "nosniff"
    assert picture.headers["Content-Disposition"].startswith("inline")
    assert "layar.png" in picture.headers["Content-Disposition"]
    picture.close()


def test_a_refused_file_type_is_a_field_error_and_opens_nothing(
        app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    for name, content in (("alat.exe", b"MZ\x90\x00" + b"\x00" * 60),
                          ("layar.png", b"<html><script>alert(1)</script></html>")):
        response = admin.post("/tiket/baru", {**START, "lampiran": files((name, content))},
                              content_type="multipart/form-data")
        assert response.status_code == 422
        assert "jenis berkas tidak diterima" in field_errors(response)["lampiran"]
        assert html(response).xpath('//input[@name="judul"]/@value') == [START["judul"]]
        assert html(response).xpath('//select[@name="reporter"]/option[@selected]/@value') == [
            "pengguna.bandung"]
    assert ticket_count(desk) == 0


def test_too_many_files_are_refused(app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    six = files(*((f"layar{n}.png", PNG) for n in range(6)))
    response = admin.post("/tiket/baru", {**START, "lampiran": six},
                          content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Paling banyak 5 berkas sekaligus." in field_errors(response)["lampiran"]
    assert ticket_count(desk) == 0


def test_a_file_too_large_for_the_server_is_a_413_field_error(app: Flask, desk: Desk) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 4096
    admin = visitor(app, "admin.bandung")
    response = admin.post("/tiket/baru", {**START, "lampiran": files(("besar.png", PNG * 100))},
                          content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Berkas terlalu besar" in field_errors(response)["lampiran"]
    assert ticket_count(desk) == 0


def test_a_file_over_the_engine_limit_is_a_field_error(
        app: Flask, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    # 20 MB would make a slow test
    monkeypatch.setattr("engine.tickets.attachments.MAX_BYTES", 1024)
    admin = visitor(app, "admin.bandung")
    response = admin.post("/tiket/baru", {**START, "lampiran": files(("besar.png", PNG * 20))},
                          content_type="multipart/form-data")
    assert response.status_code == 422
    assert "besar.png: lebih besar dari" in field_errors(response)["lampiran"]
    assert ticket_count(desk) == 0


def test_invalid_start_data_shows_errors_in_place_and_keeps_values(
        app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    other_lpse = admin.post("/tiket/baru", {**START, "reporter": "pengguna.surabaya"})
    assert other_lpse.status_code == 422
    assert field_errors(other_lpse) == {
        "reporter": "Pelapor harus Pengguna SPSE dari LPSE Anda."}
    response = admin.post("/tiket/baru", {**START, "judul": "abc",
                                          "deskripsi": "Baris 1\r\nBaris 2"})
    assert response.status_code == 422
    assert field_errors(response) == {"judul": "Minimal 5 karakter."}
    tree = html(response)
    assert tree.xpath('//input[@name="judul"]/@value') == ["abc"]
    assert tree.xpath('//input[@name="judul"]/@aria-describedby') == ["judul-help judul-error"]
    assert tree.xpath('//textarea[@name="deskripsi"]/text()') == ["Baris 1\nBaris 2"]
    assert tree.xpath('//select[@name="aplikasi"]/option[@selected]/@value') == ["SPSE 4.5"]
    assert tree.xpath('//input[@name="tipe_tiket"][@checked]/@value') == ["Permasalahan"]
    assert ticket_count(desk) == 0


def test_only_an_admin_may_open_tickets(app: Flask) -> None:
    for username in ("helpdesk.lkpp", "pengguna.bandung", "auditor"):
        person = visitor(app, username)
        assert person.get("/tiket/baru").status_code == 404
        assert person.post("/tiket/baru", START).status_code == 404


def test_the_ticket_list_shows_status_and_lpse(app: Flask, desk: Desk) -> None:
    first = desk.open()
    desk.run(first, "step02_terima", ("step03_kewenangan", {"kewenangan": "LPSE"}),
             "step04_panduan")
    second = desk.open(judul="Tiket kedua")
    page = visitor(app, "admin.bandung").get("/tiket")
    # Nomor, Judul, Langkah saat ini, Giliran, Penanggung jawab, Batas waktu, Status, LPSE,
    # Dibuat (issue 13's columns).
    rows = [texts(page, f"//tbody/tr[{n}]/td") for n in (1, 2)]
    assert rows[0][:5] + rows[0][6:8] == [
        second.number, "Tiket kedua", "2. Menerima dan mempelajari permasalahan",
        "Helpdesk LKPP", "—", "Terbuka", "LPSE Kota Bandung"]
    assert rows[0][5].endswith("WIB") and rows[0][8].endswith("WIB")
    assert rows[1][:8] == [first.number, "Gagal unggah dokumen penawaran", "—", "—", "—",
                           "—", "Ditutup", "LPSE Kota Bandung"]
    assert texts(visitor(app, "pengguna.surabaya").get("/tiket"), '//p[@class="empty"]') == [
        "Tidak ada tiket."]


def test_the_ticket_page_shows_its_position_and_whose_turn(app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    helpdesk = visitor(app, "helpdesk.lkpp").get(f"/tiket/{ticket.id}")
    assert helpdesk.status_code == 200
    position = texts(helpdesk, '//*[@id="posisi-tiket"]')[0]
    assert "Menerima dan mempelajari permasalahan (Langkah 2)" in position
    assert "Giliran: Helpdesk LKPP" in position
    task = desk.task(ticket, "step02_terima")
    assert html(helpdesk).xpath('//*[@id="posisi-tiket"]//a/@href') == [f"/tugas/{task.id}"]
    assert texts(helpdesk, '//*[@id="posisi-tiket"]//a') == ["Kerjakan"]
    admin = visitor(app, "admin.bandung").get(f"/tiket/{ticket.id}")
    assert html(admin).xpath('//*[@id="posisi-tiket"]//a') == []
    assert texts(admin, '//*[@id="status-tiket"]') == ["Terbuka"]
    entry = html(admin).xpath('//article[@class="entry"]')[0]
    assert entry.get("data-seq") == "1" and entry.get("data-step") == "step01_eskalasi"
    assert html(admin).xpath('//div[@id="diagram"]/@data-source') == [
        f"/tiket/{ticket.id}/diagram.json"]


def test_the_diagram_json_has_the_highlights(app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    response = visitor(app, "pengguna.bandung").get(f"/tiket/{ticket.id}/diagram.json")
    assert response.status_code == 200
    view = response.get_json()
    assert set(view) == {"xml", "completed", "taken_flows", "current"}
    assert view["xml"].lstrip().startswith("<?xml")
    assert "step01_eskalasi" in view["completed"]
    assert view["current"] == ["step02_terima"]


def test_another_lpse_never_sees_a_bandung_ticket(app: Flask, desk: Desk) -> None:
    admin = visitor(app, "admin.bandung")
    admin.post("/tiket/baru", {**START, "judul": "Rahasia Bandung",
                               "lampiran": files(("layar.png", PNG))},
               content_type="multipart/form-data")
    ticket = engine.list_tickets(desk.database.uow(), desk.user("admin.bandung"))[0]
    attachment = engine.ticket_history(desk.database.uow(), desk.user("admin.bandung"),
                                       ticket.id).attachments[0]
    task = desk.task(ticket, "step02_terima")
    paths = (f"/tiket/{ticket.id}", f"/tiket/{ticket.id}/diagram.json",
             f"/tiket/{ticket.id}/lampiran/{attachment.sha256}", f"/tugas/{task.id}")
    for username in ("admin.surabaya", "pengguna.surabaya"):
        outsider = visitor(app, username)
        missing = outsider.get("/tiket/999999")
        for listing in ("/tugas", "/tiket"):
            page = outsider.get(listing)
            assert ticket.number not in page.text and "Rahasia Bandung" not in page.text
        for path in paths:
            response = outsider.get(path)
            assert response.status_code == 404, (username, path)
            # the same answer as for a ticket that does not exist
            assert texts(response, "//main") == texts(missing, "//main")
    assert visitor(app, "pengguna.bandung").get(paths[0]).status_code == 200
    seen = visitor(app, "auditor").get(paths[2])
    assert seen.status_code == 200
    seen.close()


def test_an_unknown_attachment_is_404(app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    admin = visitor(app, "admin.bandung")
    assert admin.get(f"/tiket/{ticket.id}/lampiran/{'0' * 64}").status_code == 404
    assert admin.get(f"/tiket/{ticket.id}/lampiran/..%2F..%2Fetc%2Fpasswd").status_code == 404
