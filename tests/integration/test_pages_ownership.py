"""Task ownership in the pages (issue 13): Ambil, Lepas, Tugaskan ke, Ambil alih, the inbox's
"Tugas saya" and "Antrean", completing a held task, and the workload page."""

from __future__ import annotations

import re

from flask import Flask

import engine
from engine import Database, Ticket
from tests.desk import Desk
from tests.pages import Visitor, texts, visitor

HD, HD2 = "helpdesk.lkpp", "helpdesk2.lkpp"


def step2(ticket: Ticket) -> str:
    [task] = ticket.tasks
    return task.id


def panel(person: Visitor, task_id: str) -> str:
    """The ownership panel's text on the task page."""
    [text] = texts(person.get(f"/tugas/{task_id}"), '//section[@id="kepemilikan"]')
    return text


def assignee(database: Database, desk: Desk, task_id: str) -> str | None:
    return engine.get_task(database.uow(), desk.user(HD), task_id).assignee


def test_ambil_holds_the_task_and_the_colleague_sees_it_held(
        app: Flask, desk: Desk, database: Database) -> None:
    task_id = step2(desk.open())
    first, second = visitor(app, HD), visitor(app, HD2)
    assert "Belum ada yang mengambil" in panel(first, task_id)
    claimed = first.post(f"/tugas/{task_id}/ambil")
    assert claimed.status_code == 303 and claimed.headers["Location"].endswith(
        f"/tugas/{task_id}#kepemilikan")
    assert assignee(database, desk, task_id) == HD
    assert "Anda sedang mengerjakan" in panel(first, task_id)
    held = panel(second, task_id)
    assert "Sedang dikerjakan oleh Helpdesk LKPP (helpdesk.lkpp)" in held
    # A claim by the colleague now is refused, and says who holds it.
    refused = second.post(f"/tugas/{task_id}/ambil")
    assert refused.status_code == 409
    assert texts(refused, '//p[@id="ownership-problem"]') == [
        "Tugas ini sedang dikerjakan oleh Helpdesk LKPP (helpdesk.lkpp)."]
    assert assignee(database, desk, task_id) == HD


def test_completing_a_held_task_in_the_page_is_409_naming_the_holder_and_keeps_the_answers(
        app: Flask, desk: Desk, database: Database) -> None:
    ticket = desk.open()
    task_id = step2(ticket)
    visitor(app, HD).post(f"/tugas/{task_id}/ambil")
    refused = visitor(app, HD2).post(f"/tugas/{task_id}",
                                     {"catatan_telaah": "Catatan yang tidak boleh hilang"})
    assert refused.status_code == 409
    assert "Tugas ini sedang dikerjakan oleh Helpdesk LKPP (helpdesk.lkpp)." in refused.text
    assert "Catatan yang tidak boleh hilang" in refused.text
    assert desk.pending(ticket) == ["step02_terima"]


def test_ambil_alih_asks_before_taking_over(app: Flask, desk: Desk, database: Database) -> None:
    task_id = step2(desk.open())
    visitor(app, HD).post(f"/tugas/{task_id}/ambil")
    second = visitor(app, HD2)
    unasked = second.post(f"/tugas/{task_id}/tugaskan", {"username": HD2})
    assert unasked.status_code == 422 and assignee(database, desk, task_id) == HD
    assert "Saya mengambil alih" in texts(unasked, '//p[@id="ownership-problem"]')[0]
    taken = second.post(f"/tugas/{task_id}/tugaskan", {"username": HD2, "ambil_alih": "1"})
    assert taken.status_code == 303 and assignee(database, desk, task_id) == HD2


def test_tugaskan_ke_offers_the_people_who_may_do_it_and_refuses_others(
        app: Flask, desk: Desk, database: Database) -> None:
    task_id = step2(desk.open())
    agent = visitor(app, HD)
    offered = texts(agent.get(f"/tugas/{task_id}"), '//select[@id="tugaskan-ke"]/option')
    assert offered == ["Helpdesk LKPP (helpdesk.lkpp)", "Helpdesk LKPP 2 (helpdesk2.lkpp)"]
    refused = agent.post(f"/tugas/{task_id}/tugaskan", {"username": "admin.bandung"})
    assert refused.status_code == 422 and assignee(database, desk, task_id) is None
    assert texts(refused, '//p[@id="ownership-problem"]') == [
        "admin.bandung tidak dapat mengerjakan tugas ini."]
    given = agent.post(f"/tugas/{task_id}/tugaskan", {"username": HD2, "ambil_alih": "1"})
    assert given.status_code == 303 and assignee(database, desk, task_id) == HD2


def test_lepas_puts_the_task_back_in_the_queue_and_only_its_holder_may(
        app: Flask, desk: Desk, database: Database) -> None:
    task_id = step2(desk.open())
    first, second = visitor(app, HD), visitor(app, HD2)
    first.post(f"/tugas/{task_id}/ambil")
    refused = second.post(f"/tugas/{task_id}/lepas")
    assert refused.status_code == 403 and assignee(database, desk, task_id) == HD
    assert "Hanya Helpdesk LKPP (helpdesk.lkpp)" in texts(
        refused, '//p[@id="ownership-problem"]')[0]
    released = first.post(f"/tugas/{task_id}/lepas")
    assert released.status_code == 303 and assignee(database, desk, task_id) is None


def test_the_ownership_forms_need_the_csrf_token(app: Flask, desk: Desk,
                                                 database: Database) -> None:
    task_id = step2(desk.open())
    agent = visitor(app, HD)
    for action in ("ambil", "lepas", "tugaskan"):
        assert agent.post(f"/tugas/{task_id}/{action}", {"username": HD},
                          csrf=False).status_code == 400
    assert assignee(database, desk, task_id) is None


def test_the_inbox_has_tugas_saya_and_antrean(app: Flask, desk: Desk) -> None:
    mine, theirs, free = (step2(desk.open()) for _ in range(3))
    agent = visitor(app, HD)
    agent.post(f"/tugas/{mine}/ambil")
    visitor(app, HD2).post(f"/tugas/{theirs}/ambil")

    def listed(query: str) -> set[str]:
        page = agent.get(f"/tugas{query}")
        assert page.status_code == 200
        return set(re.findall(r'data-task-id="([0-9a-f-]{36})"', page.text))

    assert listed("?tampil=saya") == {mine}
    assert listed("?tampil=antrean") == {free}
    assert {mine, theirs, free} <= listed("")
    assert listed("?tampil=nonsense") == listed("")
    page = agent.get("/tugas")
    assert texts(page, '//nav[contains(@class,"inbox-views")]/a') == [
        "Semua", "Tugas saya", "Antrean"]
    assert "Helpdesk LKPP 2" in texts(page, f'//tr[@data-task-id="{theirs}"]/td')


def test_the_workload_page_counts_per_person_for_helpdesk_and_admins_only(
        app: Flask, desk: Desk) -> None:
    task_id = step2(desk.open())
    visitor(app, HD).post(f"/tugas/{task_id}/ambil")
    page = visitor(app, HD).get("/beban-kerja")
    assert page.status_code == 200
    [row] = texts(page, '//tr[@data-person="helpdesk.lkpp"]')
    assert row.endswith("1 0")
    admin = visitor(app, "admin.bandung").get("/beban-kerja")
    assert admin.status_code == 200 and texts(admin, '//tr[@data-person="admin.bandung"]')
    assert not texts(admin, '//tr[@data-person="helpdesk.lkpp"]')
    for other in ("pengguna.bandung", "auditor", "pemilik.proses"):
        assert visitor(app, other).get("/beban-kerja").status_code == 404, other


def test_a_pengguna_task_page_has_no_ownership_panel(app: Flask, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan",
                      ("step05_kelengkapan", {"perlu_data_tambahan": True}),
                      "step06_minta_data", "step07_terima_permintaan",
                      ("step08_data_pengguna", {"perlu_data_pengguna": True,
                                                "permintaan_ke_pengguna": "Mohon kirim."}))
    task = desk.task(ticket, "step09_kirim_data_pengguna")
    page = visitor(app, "pengguna.bandung").get(f"/tugas/{task.id}")
    assert page.status_code == 200 and 'id="kepemilikan"' not in page.text


def test_the_ticket_history_tells_who_took_released_and_assigned_the_task(
        app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    task_id = step2(ticket)
    agent = visitor(app, HD)
    agent.post(f"/tugas/{task_id}/ambil")
    agent.post(f"/tugas/{task_id}/lepas")
    agent.post(f"/tugas/{task_id}/tugaskan", {"username": HD2, "ambil_alih": "1"})
    page = agent.get(f"/tiket/{ticket.id}")
    assert texts(page, '//strong[@class="ownership-event"]') == [
        "Tugas diambil", "Tugas dilepas", "Tugas ditugaskan"]


def test_a_task_in_the_queue_can_be_taken_from_the_inbox(
        app: Flask, desk: Desk, database: Database) -> None:
    task_id = step2(desk.open())
    agent = visitor(app, HD)
    queue = agent.get("/tugas?tampil=antrean")
    assert texts(queue, f'//tr[@data-task-id="{task_id}"]//button') == ["Ambil"]
    taken = agent.post(f"/tugas/{task_id}/ambil")
    assert taken.status_code == 303 and assignee(database, desk, task_id) == HD
    assert not texts(agent.get("/tugas"), f'//tr[@data-task-id="{task_id}"]//button')
    # A Pengguna SPSE's inbox has no views and nothing to take.
    assert not texts(visitor(app, "pengguna.bandung").get("/tugas"), "//td//button")


def test_the_audit_pages_read_a_ticket_with_claims(app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    task_id = step2(ticket)
    agent = visitor(app, HD)
    agent.post(f"/tugas/{task_id}/ambil")
    agent.post(f"/tugas/{task_id}/tugaskan", {"username": HD2, "ambil_alih": "1"})
    desk.do(ticket, "step02_terima", HD2)
    auditor = visitor(app, "auditor")
    for suffix in ("", "/verifikasi", "/replay", "/replay.json", "/ekspor.json", "/ekspor.csv",
                   "/cetak"):
        page = auditor.get(f"/audit/tiket/{ticket.id}{suffix}")
        assert page.status_code == 200, suffix
    assert "task_assigned" in auditor.get(f"/audit/tiket/{ticket.id}/ekspor.json").text
