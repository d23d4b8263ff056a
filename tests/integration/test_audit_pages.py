"""The auditor area: only auditors, nothing changed by them, reads logged, exports that
parse and re-verify independently, search filters, and report figures from known tickets."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

import engine
from engine.evidence import chain
from tests.desk import Desk
from tests.pages import html, visitor
from web.audit.charts import bar_chart

LOOP: list[str | tuple[str, dict[str, Any]]] = [
    ("step05_kelengkapan", {"perlu_data_tambahan": True}), "step06_minta_data",
    "step07_terima_permintaan", "step08_data_pengguna", "step10_kirim_data",
    "step11_terima_data"]
SOLVE: list[str | tuple[str, dict[str, Any]]] = [
    "step12_penanganan", "step13_cek_selesai", "step14_balas_selesai", "step15_periksa"]
NOT_SOLVED = ("step16_konfirmasi", {"terselesaikan": False,
                                    "alasan_belum_selesai": "Masih gagal unggah."})
OTHERS = ("pengguna.bandung", "admin.bandung", "pengguna.surabaya", "admin.surabaya",
          "helpdesk.lkpp", "pemilik.proses")


def audit_paths(ticket_id: int) -> list[str]:
    ticket = f"/audit/tiket/{ticket_id}"
    return ["/audit/", "/audit/laporan", "/audit/log-baca", "/audit/ekspor.csv", ticket,
            f"{ticket}/verifikasi", f"{ticket}/replay", f"{ticket}/replay.json",
            f"{ticket}/ekspor.json", f"{ticket}/ekspor.csv", f"{ticket}/cetak"]


def state(desk: Desk) -> tuple[Any, ...]:
    """What an auditor must never change: tickets, tasks, events."""
    with desk.database.engine.connect() as connection:
        return tuple(connection.execute(text(sql)).all() for sql in (
            "SELECT id, status, revision, event_count, last_hash FROM tickets ORDER BY id",
            "SELECT id, completed_at FROM tasks ORDER BY id",
            "SELECT stream, seq, hash FROM events ORDER BY stream, seq"))


def reads(desk: Desk) -> list[tuple[str, str, int | None]]:
    with desk.database.engine.connect() as connection:
        return [(r[0], r[1], r[2]) for r in connection.execute(text(
            "SELECT username, what, ticket_id FROM audit_reads ORDER BY id"))]


@pytest.fixture
def looped(desk: Desk) -> engine.Ticket:
    """A ticket that went around the data-request loop twice and is now at step 12."""
    return desk.run(desk.open(judul='=HYPERLINK("http://x")'), "step02_terima",
                    "step03_kewenangan", *LOOP, *LOOP, "step05_kelengkapan")


def test_every_other_role_gets_404_everywhere(app: Flask, desk: Desk,
                                              looped: engine.Ticket) -> None:
    for username in OTHERS:
        person = visitor(app, username)
        for path in audit_paths(looped.id):
            assert person.get(path).status_code == 404, (username, path)
        assert "/audit/" not in person.get("/tiket").text, username
    anonymous = app.test_client()
    assert anonymous.get("/audit/").status_code == 302
    assert reads(desk) == []


def test_the_auditor_reads_everything_and_changes_nothing_but_the_read_log(
        app: Flask, desk: Desk, looped: engine.Ticket) -> None:
    auditor = visitor(app, "auditor")
    before = state(desk)
    for path in audit_paths(looped.id):
        response = auditor.get(path)
        assert response.status_code == 200, path
    assert state(desk) == before
    assert reads(desk) == [("auditor", "export-range-csv", None),
                           ("auditor", "history", looped.id),
                           ("auditor", "replay", looped.id),
                           ("auditor", "export-json", looped.id),
                           ("auditor", "export-csv", looped.id), ("auditor", "print", looped.id)]
    log = auditor.get("/audit/log-baca")
    assert html(log).xpath('//tr[@data-what="print"]/td[3]/a/text()') == [looped.number]


def test_the_history_shows_every_event_with_what_it_changed(
        app: Flask, desk: Desk, looped: engine.Ticket) -> None:
    page = visitor(app, "auditor").get(f"/audit/tiket/{looped.id}")
    tree = html(page)
    steps = tree.xpath('//li[@class="audit-event"]/@data-step')
    assert steps == desk.trail(looped)
    assert steps.count("step06_minta_data") == 2
    second_request = tree.xpath('//li[@class="audit-event"][@data-seq="10"]')[0]
    assert second_request.get("data-step") == "step05_kelengkapan"
    changes = second_request.xpath('.//ul[@class="changes"]/li/@data-field')
    assert changes == []  # the same answer as the first time: nothing changed
    last = tree.xpath('//li[@class="audit-event"][last()]')[0]
    assert last.xpath('.//ul[@class="changes"]/li[@data-field="perlu_data_tambahan"]'
                      '//del/text()') == ["Ya"]
    assert last.xpath('.//ul[@class="changes"]/li[@data-field="perlu_data_tambahan"]'
                      '//ins/text()') == ["Tidak"]


def test_the_history_shows_other_event_types_generically(app: Flask, desk: Desk,
                                                         looped: engine.Ticket) -> None:
    append_event(desk, looped, "something_new", {"note": "<b>bold</b>", "n": 3})
    page = visitor(app, "auditor").get(f"/audit/tiket/{looped.id}")
    [entry] = html(page).xpath('//li[@data-type="something_new"]')
    assert "something_new" in entry.text_content()
    assert "<b>bold</b>" in entry.text_content() and not entry.xpath(".//b")


def append_event(desk: Desk, ticket: engine.Ticket, kind: str, data: dict[str, Any],
                 at: str | None = None) -> None:
    """Append a correctly chained event to a ticket's stream (as another module would)."""
    stream = f"ticket:{ticket.id}"
    with desk.database.engine.begin() as connection:
        count, head = connection.execute(text(
            "SELECT event_count, last_hash FROM tickets WHERE id = :t"), {"t": ticket.id}).one()
        event = chain.seal(stream, count + 1, head, actor="system", role="system", type=kind,
                           data=data, at=at)
        columns = chain.event_columns(event)
        json_cast = ("CAST(:data AS json)" if connection.dialect.name == "postgresql"
                     else ":data")
        connection.execute(text(
            "INSERT INTO events (stream, ticket_id, seq, at, actor, role, type, task, "
            f"sop_step, data, prev_hash, hash) VALUES (:stream, :ticket_id, :seq, :at, "
            f":actor, :role, :type, :task, :sop_step, {json_cast}, :prev_hash, :hash)"),
            {**columns, "data": json.dumps(columns["data"]), "stream": stream,
             "ticket_id": ticket.id})
        connection.execute(text("UPDATE tickets SET event_count = :n, last_hash = :h "
                                "WHERE id = :t"), {"n": event.seq, "h": event.hash,
                                                   "t": ticket.id})


def reverify(document: dict[str, Any]) -> str:
    """README's independent check of an exported history: hashlib and json only."""
    prev = "0" * 64
    for n, event in enumerate(document["events"], start=1):
        body = {k: event[k] for k in ("seq", "at", "actor", "role", "type", "task",
                                      "sop_step", "data", "prev_hash")}
        body["stream"] = document["stream"]
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode()
        assert event["seq"] == n and event["prev_hash"] == prev, f"event {n}: out of order"
        assert hashlib.sha256(prev.encode() + canonical).hexdigest() == event["hash"], \
            f"event {n}: edited"
        prev = event["hash"]
    assert prev == document["head"]["last_hash"], "the newest events are missing"
    return prev


def test_the_json_export_re_verifies_independently_and_an_edit_does_not(
        app: Flask, desk: Desk, looped: engine.Ticket) -> None:
    response = visitor(app, "auditor").get(f"/audit/tiket/{looped.id}/ekspor.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.data)
    assert document["ticket"]["number"] == looped.number
    assert len(document["events"]) == document["head"]["event_count"] == 16
    assert reverify(document) == document["events"][-1]["hash"]
    document["events"][3]["data"]["form"]["perlu_data_tambahan"] = False
    with pytest.raises(AssertionError, match="event 4: edited"):
        reverify(document)


def test_the_csv_exports_parse_and_never_start_a_formula(
        app: Flask, desk: Desk, looped: engine.Ticket) -> None:
    other = desk.open(admin="admin.surabaya", reporter="pengguna.surabaya")
    auditor = visitor(app, "auditor")
    one = list(csv.DictReader(io.StringIO(
        auditor.get(f"/audit/tiket/{looped.id}/ekspor.csv").text)))
    assert [int(r["seq"]) for r in one] == list(range(1, 17))
    assert {r["ticket"] for r in one} == {looped.number}
    assert json.loads(one[0]["data"])["form"]["judul"] == '=HYPERLINK("http://x")'
    today = datetime.now(UTC).date()
    body = auditor.get(
        f"/audit/ekspor.csv?dari={today - timedelta(days=1)}&sampai={today + timedelta(days=1)}"
    ).text
    assert body.startswith("\ufeff")  # the BOM: Excel reads the file as UTF-8
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert {r["ticket"] for r in rows} == {looped.number, other.number}
    assert len(rows) == 17
    assert rows[0]["langkah 1: judul"] == "'=HYPERLINK(\"http://x\")"
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())
    empty = list(csv.DictReader(io.StringIO(auditor.get(
        "/audit/ekspor.csv?dari=2001-01-01&sampai=2001-12-31").text.removeprefix("\ufeff"))))
    assert empty == []


def test_verify_from_the_ticket_page_reports_a_tampered_ticket(
        app: Flask, desk: Desk, looped: engine.Ticket) -> None:
    auditor = visitor(app, "auditor")
    page = auditor.get(f"/audit/tiket/{looped.id}/verifikasi")
    assert html(page).xpath('//section[@id="hasil-verifikasi"]/@data-ok') == ["true"]
    desk.tamper("UPDATE events SET actor = 'someone' WHERE stream = :s AND seq = 5",
                s=f"ticket:{looped.id}")
    page = auditor.get(f"/audit/tiket/{looped.id}/verifikasi")
    assert html(page).xpath('//section[@id="hasil-verifikasi"]/@data-ok') == ["false"]
    assert any("event 5" in p for p in html(page).xpath('//ul[@class="problems"]/li/text()'))


def test_replay_frames_follow_the_ticket_around_the_loop_twice(
        desk: Desk, looped: engine.Ticket) -> None:
    view = engine.audit_replay(desk.database.uow(), desk.user("auditor"), looped.id)
    assert view.problems == ()
    assert [f.seq for f in view.frames] == list(range(1, 17))
    currents = [f.current for f in view.frames]
    assert currents[0] == ("step02_terima",)
    assert currents.count(("step07_terima_permintaan",)) == 2
    assert currents[-1] == ("step12_penanganan",)
    assert "step11_terima_data" in view.frames[-1].completed
    assert dict((f.name, f.value) for f in view.frames[3].data)["perlu_data_tambahan"] is True
    assert dict((f.name, f.value) for f in view.frames[-1].data)["perlu_data_tambahan"] is False
    assert len(view.frames[-1].taken_flows) > len(view.frames[3].taken_flows)


def search(app: Flask, query: str) -> list[str]:
    page = visitor(app, "auditor").get(f"/audit/?{query}")
    assert page.status_code == 200
    return [str(number) for number in html(page).xpath("//tr[@data-ticket]/@data-ticket")]


def test_search_by_number_lpse_dates_status_step_overdue_and_rating(
        app: Flask, desk: Desk, looped: engine.Ticket) -> None:
    rated = desk.run(desk.open(), "step02_terima", "step03_kewenangan",
                     "step05_kelengkapan", *SOLVE, "step16_konfirmasi",
                     ("step17_tutup", {"rating": 4}))
    surabaya = desk.open(admin="admin.surabaya", reporter="pengguna.surabaya")
    with desk.database.engine.begin() as connection:
        connection.execute(text("UPDATE tasks SET due_at = :past WHERE ticket_id = :t AND "
                                "completed_at IS NULL"),
                           {"past": datetime.now(UTC) - timedelta(hours=1), "t": looped.id})
        lpse = connection.execute(text("SELECT id FROM lpse WHERE name LIKE '%Surabaya%'")
                                  ).scalar()
    everyone = {looped.number, rated.number, surabaya.number}
    today = datetime.now(UTC).date()
    assert set(search(app, "")) == everyone
    assert search(app, f"nomor={rated.number[-6:]}") == [rated.number]
    assert search(app, f"nomor={rated.id}") == [rated.number]
    assert search(app, f"nomor={rated.number.lower()}") == [rated.number]
    assert set(search(app, f"nomor={rated.number[:8]}")) == everyone
    assert search(app, "nomor=ESK-1999") == []
    assert search(app, "nomor=99999999999") == []
    assert search(app, f"lpse={lpse}") == [surabaya.number]
    assert search(app, "status=closed") == [rated.number]
    assert search(app, "langkah=12") == [looped.number]
    assert search(app, "langkah=2") == [surabaya.number]
    assert search(app, "terlambat=1") == [looped.number]
    assert search(app, "rating=4") == [rated.number]
    assert search(app, "rating=5") == []
    assert set(search(app, f"dari={today - timedelta(days=1)}&sampai={today + timedelta(days=1)}"
                      )) == everyone
    assert search(app, f"dari={today + timedelta(days=2)}") == []
    assert set(search(app, "dari=nonsense&langkah=x&rating=9")) == everyone
    assert set(search(app, "dari=0001-01-01&sampai=9999-12-31&lpse=x")) == everyone


def test_report_figures_from_a_known_set_of_tickets(app: Flask, desk: Desk) -> None:
    start = ["step02_terima", "step03_kewenangan", "step05_kelengkapan"]
    solved = desk.run(desk.open(), *start, *SOLVE, "step16_konfirmasi",
                      ("step17_tutup", {"rating": 5}))
    desk.run(desk.open(), "step02_terima", ("step03_kewenangan", {"kewenangan": "LPSE"}),
             "step04_panduan")
    desk.run(desk.open(), *start, *SOLVE, NOT_SOLVED, *SOLVE, "step16_konfirmasi",
             ("step17_tutup", {"rating": 2}))
    waiting = desk.run(desk.open(admin="admin.surabaya", reporter="pengguna.surabaya"),
                       "step02_terima")
    for lane in ("Helpdesk LKPP", "Helpdesk LKPP", "Admin LPSE"):
        append_event(desk, waiting if lane == "Admin LPSE" else solved, chain.STEP_OVERDUE,
                     {"task": "step03_kewenangan", "sop_step": 3, "lane": lane,
                      "holder": None, "charged_to": lane, "due_at": "2026-01-01T00:00:00"})
    report = engine.audit_report(desk.database.uow(), desk.user("auditor"))
    assert report.tickets == 4
    assert [(f.label, f.value) for f in report.per_lpse] == [("LPSE Kota Bandung", 3),
                                                             ("LPSE Kota Surabaya", 1)]
    month = datetime.now(UTC).astimezone(engine.audit.inspection.ZONE).strftime("%Y-%m")
    assert [(f.label, f.value) for f in report.per_month] == [(month, 4)]
    assert (report.lpse_authority.part, report.lpse_authority.whole) == (1, 3)
    assert (report.reopened.part, report.reopened.whole) == (1, 2)
    assert report.average_rating == 3.5
    assert [f.value for f in report.ratings] == [0, 1, 0, 0, 1]
    assert {f.label: f.value for f in report.overdue_per_lane} == {
        "Pengguna SPSE": 0, "Admin LPSE": 1, "Helpdesk LKPP": 2}
    steps = {f.label.split(".")[0]: f.count for f in report.hours_per_step}
    assert steps["12"] == 3 and steps["16"] == 3 and steps["4"] == 1
    assert [f.label for f in report.hours_per_lane] == list(engine.LANES)
    page = visitor(app, "auditor").get("/audit/laporan")
    tree = html(page)
    assert tree.xpath('//dd[@id="jumlah-tiket"]/text()') == ["4"]
    assert tree.xpath('//section[@id="grafik-per_lpse"]//*[local-name()="g"]/@data-label') == [
        "LPSE Kota Bandung", "LPSE Kota Surabaya"]
    assert "33.3%" in tree.xpath('string(//dd[@id="kewenangan-lpse"])')
    assert "50.0%" in tree.xpath('string(//dd[@id="dibuka-kembali"])')
    assert tree.xpath('string(//dd[@id="rata-rating"])').strip() == "3.50"
    later = visitor(app, "auditor").get("/audit/laporan?dari=2001-01-01&sampai=2001-01-31")
    assert html(later).xpath('//dd[@id="jumlah-tiket"]/text()') == ["0"]


def test_chart_labels_are_escaped() -> None:
    svg = str(bar_chart([engine.Figure('<script>alert("x")</script>', 2, 2),
                         engine.Figure("b", 1, 1)], "judul <i>"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<i>" not in svg
    assert svg.count('<rect class="chart-bar"') == 2


def test_the_ticket_page_leads_auditors_only_to_verify_and_replay(
        app: Flask, desk: Desk, looped: engine.Ticket) -> None:
    links = html(visitor(app, "auditor").get(f"/tiket/{looped.id}")).xpath(
        '//p[@class="audit-links"]/a/@href')
    assert links == [f"/audit/tiket/{looped.id}", f"/audit/tiket/{looped.id}/replay",
                     f"/audit/tiket/{looped.id}/verifikasi"]
    helpdesk = html(visitor(app, "helpdesk.lkpp").get(f"/tiket/{looped.id}"))
    assert helpdesk.xpath('//p[@class="audit-links"]') == []


def test_an_auditor_s_reads_outside_the_audit_area_are_logged_too(
        app: Flask, desk: Desk, looped: engine.Ticket) -> None:
    assert visitor(app, "helpdesk.lkpp").get(f"/tiket/{looped.id}").status_code == 200
    assert engine.list_events(desk.database.uow(), desk.user("helpdesk.lkpp"), looped.id)
    assert reads(desk) == []
    assert visitor(app, "auditor").get(f"/tiket/{looped.id}").status_code == 200
    assert engine.list_events(desk.database.uow(), desk.user("auditor"), looped.id)
    assert reads(desk) == [("auditor", "ticket-page", looped.id),
                           ("auditor", "events-api", looped.id)]


def test_the_report_is_served_from_a_snapshot_equal_to_a_live_recompute(
        app: Flask, desk: Desk) -> None:
    desk.run(desk.open(), "step02_terima", ("step03_kewenangan", {"kewenangan": "LPSE"}),
             "step04_panduan")
    auditor = visitor(app, "auditor")
    before = state(desk)
    first = html(auditor.get("/audit/laporan"))  # no snapshot yet: computed once and stored
    assert first.xpath('//dd[@id="jumlah-tiket"]/text()') == ["1"]
    assert "Dihitung pada" in first.xpath('string(//p[@id="dihitung-pada"])')
    stored, computed_at = engine.stored_report(desk.database.uow(), desk.user("auditor"))
    assert stored == engine.audit_report(desk.database.uow(), desk.user("auditor"),
                                         now=computed_at)
    desk.open()
    assert state(desk) != before
    stale = html(auditor.get("/audit/laporan"))  # the snapshot, not yet the new ticket
    assert stale.xpath('//dd[@id="jumlah-tiket"]/text()') == ["1"]
    ranged = html(auditor.get("/audit/laporan?dari=2001-01-01"))  # a date range is live
    assert ranged.xpath('//dd[@id="jumlah-tiket"]/text()') == ["2"]
    assert ranged.xpath('//p[@id="dihitung-pada"]') == []
    for username in OTHERS:
        assert visitor(app, username).post("/audit/laporan/hitung-ulang").status_code == 404
    assert auditor.post("/audit/laporan/hitung-ulang", csrf=False).status_code == 400
    middle = state(desk)
    refreshed = auditor.post("/audit/laporan/hitung-ulang")
    assert refreshed.status_code == 302 and refreshed.headers["Location"].endswith(
        "/audit/laporan")
    assert state(desk) == middle  # recomputing changes no ticket, task or event
    after = html(auditor.get("/audit/laporan"))
    assert after.xpath('//dd[@id="jumlah-tiket"]/text()') == ["2"]
    stored, computed_at = engine.stored_report(desk.database.uow(), desk.user("auditor"))
    assert stored.tickets == 2
    assert stored == engine.audit_report(desk.database.uow(), desk.user("auditor"),
                                         now=computed_at)
