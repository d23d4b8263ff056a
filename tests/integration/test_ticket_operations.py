"""Ticket operations in the diagram (issue 15): the Admin LPSE withdraws a ticket before LKPP
handles it, Helpdesk LKPP closes one as a duplicate of another; both are message events of
escalation.bpmn delivered through the ticket store, in the chain, replayed and verified."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

import engine
from cli.main import main
from engine import Database
from engine.persistence.tables import NotificationRow, TimerRow, UserRow
from tests.desk import Desk
from tests.diagram_edits import NO_SCENARIOS, SOURCE, edit, parsed_forms
from tests.integration.api_client import Api
from tests.pages import field_errors, html, texts, visitor

AB, AS, HD, PB = "admin.bandung", "admin.surabaya", "helpdesk.lkpp", "pengguna.bandung"
OPERATION_ELEMENTS = ("Event_02_ditarik", "EndEvent_ditarik", "Flow_02_ditarik",
                      "Event_02_duplikat", "EndEvent_duplikat", "Flow_02_duplikat")


def cancelled_notices(database: Database, username: str) -> list[NotificationRow]:
    with database.uow() as uow:
        rows = list(uow.session.scalars(
            select(NotificationRow).join(UserRow, UserRow.id == NotificationRow.user_id)
            .where(UserRow.username == username, NotificationRow.kind == "ticket_cancelled")))
        uow.session.expunge_all()
        return rows


def test_the_admin_withdraws_a_ticket_before_lkpp_handles_it(
        api: Api, desk: Desk, database: Database) -> None:
    ticket = desk.open()
    answer = api.post(f"/tickets/{ticket.id}/withdraw", AB,
                      json={"reason": "  Salah LPSE, dibuka ulang.  "})
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "cancelled" and answer.json["tasks"] == []
    assert desk.pending(ticket) == []
    assert api.get("/tasks", HD).json["items"] == [] or all(
        task["ticket_id"] != ticket.id for task in api.get("/tasks", HD).json["items"])
    events = api.get(f"/tickets/{ticket.id}/events", "auditor").json["items"]
    assert events[-1]["type"] == "ticket_withdrawn" and events[-1]["actor"] == AB
    assert events[-1]["data"] == {"reason": "Salah LPSE, dibuka ulang."}
    verified = api.get(f"/tickets/{ticket.id}/verify", "auditor").json
    assert verified["ok"] is True, verified
    with database.uow() as uow:  # step 2's time limit no longer runs
        states = set(uow.session.scalars(select(TimerRow.state).where(
            TimerRow.ticket_id == ticket.id)))
    assert states <= {"cancelled"}
    # Told: the reporter and the helpdesk whose step 2 is gone; not the admin who did it.
    [notice] = cancelled_notices(database, PB)
    assert "ditarik" in notice.subject and "Salah LPSE" in notice.body
    assert cancelled_notices(database, HD) and not cancelled_notices(database, AB)
    with database.uow() as uow:  # step 2's "new task" notice asks nothing any more
        unread = list(uow.session.scalars(select(NotificationRow.kind).where(
            NotificationRow.ticket_id == ticket.id, NotificationRow.read_at.is_(None),
            NotificationRow.kind == "task_assigned")))
    assert unread == []


def test_a_ticket_lkpp_has_studied_can_no_longer_be_withdrawn(api: Api, desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima")
    answer = api.post(f"/tickets/{ticket.id}/withdraw", AB, json={"reason": "Sudah beres"})
    assert answer.status_code == 409
    assert "sudah mulai menanganinya" in answer.json["detail"]
    assert desk.pending(ticket) == ["step03_kewenangan"]


def test_only_the_tickets_admin_withdraws_and_needs_a_reason(api: Api, desk: Desk) -> None:
    ticket = desk.open()
    events = len(api.get(f"/tickets/{ticket.id}/events", "auditor").json["items"])
    assert api.post(f"/tickets/{ticket.id}/withdraw", HD,
                    json={"reason": "x"}).status_code == 403
    assert api.post(f"/tickets/{ticket.id}/withdraw", PB,
                    json={"reason": "x"}).status_code == 403
    assert api.post(f"/tickets/{ticket.id}/withdraw", AS,
                    json={"reason": "x"}).status_code == 404
    for body in ({}, {"reason": "   "}, {"reason": 5}, {"reason": "a\x00b"},
                 {"reason": "x" * 2001}):
        refused = api.post(f"/tickets/{ticket.id}/withdraw", AB, json=body)
        assert refused.status_code == 422, body
        assert list(refused.json["errors"]) == ["reason"]
    assert len(api.get(f"/tickets/{ticket.id}/events", "auditor").json["items"]) == events
    assert desk.pending(ticket) == ["step02_terima"]


def test_the_helpdesk_closes_a_ticket_as_a_duplicate_of_another(
        api: Api, desk: Desk, database: Database) -> None:
    original = desk.open()
    ticket = desk.open(judul="Gagal unggah lagi")
    answer = api.post(f"/tickets/{ticket.id}/duplicate", HD,
                      json={"original": original.number})
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "cancelled" and answer.json["tasks"] == []
    events = api.get(f"/tickets/{ticket.id}/events", "auditor").json["items"]
    assert events[-1]["type"] == "ticket_closed_as_duplicate"
    assert events[-1]["data"] == {"original": original.number, "original_id": original.id}
    verified = api.get(f"/tickets/{ticket.id}/verify", "auditor").json
    assert verified["ok"] is True, verified
    [notice] = cancelled_notices(database, PB)
    assert original.number in notice.body
    assert cancelled_notices(database, AB) and not cancelled_notices(database, HD)
    # The original goes on.
    assert desk.pending(original) == ["step02_terima"]
    again = api.post(f"/tickets/{ticket.id}/duplicate", HD, json={"original": original.number})
    assert again.status_code == 409


def test_a_duplicate_must_name_another_ticket_that_exists(api: Api, desk: Desk) -> None:
    ticket = desk.open()
    for original in ("ESK-1999-999999", ticket.number, "", None):
        refused = api.post(f"/tickets/{ticket.id}/duplicate", HD, json={"original": original})
        assert refused.status_code == 422, original
        assert list(refused.json["errors"]) == ["original"]
    assert api.post(f"/tickets/{ticket.id}/duplicate", AB,
                    json={"original": ticket.number}).status_code == 403
    assert desk.pending(ticket) == ["step02_terima"]


def test_the_auditor_replays_and_verify_passes_for_both_operations(
        api: Api, desk: Desk, database: Database) -> None:
    withdrawn, duplicate, original = desk.open(), desk.open(), desk.open()
    engine.withdraw_ticket(database.uow(), desk.user(AB), withdrawn.id, "Salah buka")
    engine.close_ticket_as_duplicate(database.uow(), desk.user(HD), duplicate.id,
                                     original.number)
    checked = engine.verify_tickets(database.uow())
    assert checked and all(result.ok for result in checked), checked
    view = engine.audit_replay(database.uow(), desk.user("auditor"), withdrawn.id)
    assert not view.problems and len(view.frames) == 2
    assert view.frames[-1].current == ()  # nothing waits after the withdrawal
    assert "Event_02_ditarik" in view.frames[-1].completed or "EndEvent_ditarik" in (
        view.frames[-1].completed)


def withdrawal_removed(root: Any) -> None:
    for element_id in OPERATION_ELEMENTS:
        for found in root.xpath(f"//*[@id='{element_id}'] | //*[@bpmnElement='{element_id}']"
                                f" | //*[local-name()='flowNodeRef'][text()='{element_id}']"):
            found.getparent().remove(found)
    for message in root.xpath("//*[local-name()='message']"):
        message.getparent().remove(message)


def test_a_ticket_on_a_version_without_the_operations_is_refused(
        api: Api, desk: Desk, database: Database) -> None:
    old = edit(withdrawal_removed, SOURCE)
    engine.deploy(database.uow(), desk.user("pemilik.proses"), old, parsed_forms(),
                  scenarios=NO_SCENARIOS)
    ticket = desk.open()
    answer = api.post(f"/tickets/{ticket.id}/withdraw", AB, json={"reason": "Salah"})
    assert answer.status_code == 409
    assert "belum mendukung penarikan tiket" in answer.json["detail"]
    page = html(visitor(api.app, AB).get(f"/tiket/{ticket.id}"))
    assert "Tarik tiket" not in page.text_content()


def test_the_ticket_page_offers_withdrawing_to_its_admin_and_shows_the_reason(
        api: Api, desk: Desk) -> None:
    ticket = desk.open()
    admin = visitor(api.app, AB)
    page = html(admin.get(f"/tiket/{ticket.id}"))
    assert page.xpath('//form[@id="form-tarik"]//button[normalize-space()="Tarik tiket"]')
    assert not page.xpath('//form[@id="form-duplikat"]')
    assert not html(visitor(api.app, PB).get(f"/tiket/{ticket.id}")).xpath(
        '//section[@id="operasi-tiket"]')
    refused = admin.post(f"/tiket/{ticket.id}/tarik", {"reason": "  "})
    assert refused.status_code == 422
    assert field_errors(refused) == {"tarik-reason": "Wajib diisi."}
    assert admin.post(f"/tiket/{ticket.id}/tarik", {"reason": "x"},
                      csrf=False).status_code == 400
    done = admin.post(f"/tiket/{ticket.id}/tarik", {"reason": "Salah pelapor"})
    assert done.status_code == 302
    shown = admin.get(f"/tiket/{ticket.id}")
    assert texts(shown, '//p[@id="tiket-dibatalkan"]') == ["Ditarik: Salah pelapor"]
    assert texts(shown, '//*[@id="status-tiket"]') == ["Dibatalkan"]
    assert not html(shown).xpath('//form[@id="form-tarik"]')
    assert "Dibatalkan" in texts(admin.get("/tiket"), "//table")[0]


def test_the_helpdesk_closes_a_duplicate_on_the_page_which_links_the_original(
        api: Api, desk: Desk) -> None:
    original, ticket = desk.open(), desk.open()
    helpdesk = visitor(api.app, HD)
    assert html(helpdesk.get(f"/tiket/{ticket.id}")).xpath('//form[@id="form-duplikat"]')
    refused = helpdesk.post(f"/tiket/{ticket.id}/duplikat", {"original": ticket.number})
    assert refused.status_code == 422
    assert field_errors(refused) == {
        "duplikat-original": "Tiket tidak dapat menjadi duplikat dari dirinya sendiri."}
    done = helpdesk.post(f"/tiket/{ticket.id}/duplikat", {"original": original.number})
    assert done.status_code == 302
    page = html(visitor(api.app, PB).get(f"/tiket/{ticket.id}"))
    [link] = page.xpath('//p[@id="tiket-dibatalkan"]/a[@id="tiket-asli"]')
    assert link.text == original.number and link.get("href") == f"/tiket/{original.id}"


def test_eskalasi_verify_passes_over_operations_and_catches_a_changed_reason(
        desk: Desk, database: Database, database_url: str,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    withdrawn, duplicate, original = desk.open(), desk.open(), desk.open()
    engine.withdraw_ticket(database.uow(), desk.user(AB), withdrawn.id, "Salah buka")
    engine.close_ticket_as_duplicate(database.uow(), desk.user(HD), duplicate.id,
                                     original.number)
    monkeypatch.setenv("ESKALASI_DATABASE_URL", database_url)
    assert main(["verify", "--all"]) == 0
    assert "3 ticket(s) checked, 0 failed" in capsys.readouterr().out
    desk.tamper("UPDATE events SET data = :data WHERE type = 'ticket_withdrawn'",
                data='{"reason": "Lain"}')
    assert main(["verify", withdrawn.number]) == 1
    assert f"{withdrawn.number}: FAILED" in capsys.readouterr().out


def test_a_withdrawal_racing_step_two_leaves_one_outcome_and_a_chain_that_verifies(
        desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    admin, helpdesk = desk.user(AB), desk.user(HD)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name: str, action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            action()
            outcomes[name] = "ok"
        except (engine.Conflict, engine.NotFound) as err:
            # the loser: the ticket moved on, or the task was withdrawn with it
            outcomes[name] = "refused"
            assert err.message  # a reason people can read
        except Exception as err:  # recorded, so the assertion shows it
            outcomes[name] = repr(err)

    threads = [
        threading.Thread(target=run, args=("withdraw", lambda: engine.withdraw_ticket(
            desk.database.uow(), admin, ticket.id, "Bersamaan"))),
        threading.Thread(target=run, args=("complete", lambda: engine.complete_task(
            desk.database.uow(), helpdesk, task.id, {"catatan_telaah": "Dipelajari"}))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["ok", "refused"], outcomes
    events = [e.type for e in engine.list_events(desk.database.uow(), desk.user("auditor"),
                                                 ticket.id)]
    if outcomes["withdraw"] == "ok":
        assert events == ["ticket_opened", "ticket_withdrawn"] and desk.pending(ticket) == []
    else:
        assert events == ["ticket_opened", "task_completed"]
        assert desk.pending(ticket) == ["step03_kewenangan"]
    [result] = engine.verify_tickets(desk.database.uow(), [ticket.number])
    assert result.ok, result.problems
