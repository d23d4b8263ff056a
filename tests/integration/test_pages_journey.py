"""A whole ticket through the pages, each step done by the right person in turn."""

from __future__ import annotations

from flask import Flask

from tests.pages import Visitor, html, task_id, texts, visitor

STEPS = (
    ("helpdesk", "step02_terima", {"catatan_telaah": "Sudah dipelajari."}),
    ("helpdesk", "step03_kewenangan", {"kewenangan": "LKPP",
                                       "alasan_kewenangan": "Masalah server pusat."}),
    ("helpdesk", "step05_kelengkapan", {"perlu_data_tambahan": "false"}),
    ("helpdesk", "step12_penanganan", {"tindakan": "Menaikkan batas unggah."}),
    ("helpdesk", "step13_cek_selesai", {"masalah_selesai": "true"}),
    ("helpdesk", "step14_balas_selesai", {"solusi": "Batas unggah sudah dinaikkan."}),
    ("user", "step15_periksa", {"hasil_pemeriksaan": "Sudah bisa unggah."}),
    ("user", "step16_konfirmasi", {"terselesaikan": "true"}),
    ("admin", "step17_tutup", {"rating": "5", "komentar": "Terima kasih."}),
)


def do(person: Visitor, step: str, data: dict[str, str]) -> str:
    """Find the step in the inbox, open it, send its form; the ticket page it lands on."""
    task = task_id(person.get("/tugas"), step)
    assert person.get(f"/tugas/{task}").status_code == 200
    response = person.post(f"/tugas/{task}", data)
    assert response.status_code == 302, (step, response.text)
    return str(response.location)


def test_a_ticket_goes_from_opening_to_closed_through_the_pages(app: Flask) -> None:
    people = {"admin": visitor(app, "admin.bandung"), "helpdesk": visitor(app, "helpdesk.lkpp"),
              "user": visitor(app, "pengguna.bandung")}
    opened = people["admin"].post("/tiket/baru", {
        "reporter": "pengguna.bandung", "judul": "Gagal unggah dokumen penawaran",
        "aplikasi": "SPSE 4.5", "tipe_tiket": "Permasalahan",
        "deskripsi": "Penyedia tidak dapat mengunggah dokumen penawaran sejak pagi."})
    assert opened.status_code == 302
    ticket_page = opened.location
    for who, step, data in STEPS:
        for other, person in people.items():  # only the right person has the step
            if other != who:
                assert f'data-step="{step}"' not in person.get("/tugas").text
        assert do(people[who], step, data) == ticket_page
    for person in people.values():
        page = person.get(ticket_page)
        assert texts(page, '//*[@id="status-tiket"]') == ["Ditutup"]
        assert texts(page, '//*[@id="posisi-tiket"]//p') == ["Selesai"]
        assert html(page).xpath('//article[@class="entry"]/@data-step') == [
            "step01_eskalasi", *(step for _, step, _ in STEPS)]
        assert "Tidak ada tugas." in person.get("/tugas").text
    closed = people["helpdesk"].get("/tiket")
    assert texts(closed, '//tbody/tr/td/span[contains(@class, "status")]') == ["Ditutup"]
