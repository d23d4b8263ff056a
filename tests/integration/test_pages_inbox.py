"""Tugas Saya: each role sees the tasks it may complete, and only those."""

from __future__ import annotations

from flask import Flask
from werkzeug.test import TestResponse

import engine
from tests.desk import Desk
from tests.pages import html, texts, visitor

TO_ADMIN = ("step02_terima", "step03_kewenangan",
            ("step05_kelengkapan", {"perlu_data_tambahan": True}), "step06_minta_data")


def rows(response: TestResponse) -> list[dict[str, str]]:
    """The inbox rows as their data attributes."""
    return [dict(row.attrib) for row in html(response).xpath("//tbody/tr")]


def test_the_admin_sees_only_the_tasks_of_their_own_lpse(app: Flask, desk: Desk) -> None:
    bandung = desk.run(desk.open(), *TO_ADMIN)
    surabaya = desk.open("admin.surabaya", "pengguna.surabaya", judul="Masalah di Surabaya")
    desk.run(surabaya, *TO_ADMIN)
    page = visitor(app, "admin.bandung").get("/tugas")
    assert [(r["data-ticket"], r["data-step"]) for r in rows(page)] == [
        (bandung.number, "step07_terima_permintaan")]
    assert surabaya.number not in page.text
    assert "Masalah di Surabaya" not in page.text
    cells = texts(page, "//tbody/tr/td")
    assert cells[0] == bandung.number
    assert cells[1] == "Gagal unggah dokumen penawaran"
    assert cells[2] == "Menerima permintaan data tambahan dari Helpdesk LKPP (Langkah 7)"
    assert cells[3] == "LPSE Kota Bandung"
    assert cells[4].endswith("detik") or cells[4].endswith("menit")
    assert cells[5] not in ("", "—") and "Terlambat" not in cells[5]  # due in 4 working hours
    link = html(page).xpath("//tbody/tr/td/a/@href")
    assert link == [f"/tugas/{rows(page)[0]['data-task-id']}"]


def test_the_helpdesk_sees_every_lpse_and_can_filter(app: Flask, desk: Desk) -> None:
    bandung = desk.run(desk.open(), "step02_terima")
    surabaya = desk.open("admin.surabaya", "pengguna.surabaya")
    helpdesk = visitor(app, "helpdesk.lkpp")
    page = helpdesk.get("/tugas")
    assert [(r["data-ticket"], r["data-step"]) for r in rows(page)] == [
        (bandung.number, "step03_kewenangan"), (surabaya.number, "step02_terima")]
    lpses = dict(engine.list_lpse(desk.database.uow()))
    surabaya_id = next(key for key, name in lpses.items() if name == "LPSE Kota Surabaya")
    assert html(page).xpath('//select[@name="lpse"]/option/text()')[1:] == [
        "LPSE Kota Bandung", "LPSE Kota Surabaya"]
    only_surabaya = helpdesk.get(f"/tugas?lpse={surabaya_id}")
    assert [r["data-ticket"] for r in rows(only_surabaya)] == [surabaya.number]
    only_step_3 = helpdesk.get("/tugas?langkah=3")
    assert [r["data-step"] for r in rows(only_step_3)] == ["step03_kewenangan"]
    nothing = helpdesk.get(f"/tugas?lpse={surabaya_id}&langkah=3")
    assert rows(nothing) == [] and "Tidak ada tugas." in nothing.text
    assert rows(helpdesk.get("/tugas?lpse=abc&langkah=99")) == rows(page)  # nonsense: ignored


def test_only_the_helpdesk_gets_the_filter_and_only_admins_may_open_tickets(
        app: Flask) -> None:
    admin = visitor(app, "admin.bandung").get("/tugas")
    assert html(admin).xpath('//form[@class="filters"]') == []
    assert html(admin).xpath('//a[@href="/tiket/baru"]/text()') == ["Buat Tiket"]
    helpdesk = visitor(app, "helpdesk.lkpp").get("/tugas")
    assert html(helpdesk).xpath('//form[@class="filters"]')
    assert html(helpdesk).xpath('//a[@href="/tiket/baru"]') == []
    for username in ("pengguna.bandung", "auditor", "pemilik.proses"):
        page = visitor(app, username).get("/tugas")
        assert texts(page, '//p[@class="empty"]') == ["Tidak ada tugas."]
        assert html(page).xpath('//a[@href="/tiket/baru"]') == []


def test_the_inbox_shows_25_tasks_a_page(app: Flask, desk: Desk) -> None:
    opened = [desk.open(judul=f"Tiket nomor {n:02d}") for n in range(26)]
    helpdesk = visitor(app, "helpdesk.lkpp")
    first = helpdesk.get("/tugas")
    assert [r["data-ticket"] for r in rows(first)] == [t.number for t in opened[:25]]
    assert html(first).xpath('//nav[@class="pager"]/a/text()') == ["Berikutnya"]
    second = helpdesk.get("/tugas?halaman=2")
    assert [r["data-ticket"] for r in rows(second)] == [opened[25].number]
    assert html(second).xpath('//nav[@class="pager"]/a/text()') == ["Sebelumnya"]
    assert rows(helpdesk.get("/tugas?halaman=x")) == rows(first)
    tickets = helpdesk.get("/tiket?halaman=2")
    assert texts(tickets, "//tbody/tr/td[1]") == [opened[0].number]
