"""Replay and the audit hash chain: a clean history verifies, tampering does not."""

from __future__ import annotations

import engine
from tests.desk import Desk


def closed_ticket(desk: Desk) -> engine.Ticket:
    ticket = desk.open()
    return desk.run(ticket, "step02_terima", "step03_kewenangan",
                    ("step05_kelengkapan", {"perlu_data_tambahan": True}), "step06_minta_data",
                    "step07_terima_permintaan", "step08_data_pengguna", "step10_kirim_data",
                    "step11_terima_data", "step05_kelengkapan", "step12_penanganan",
                    "step13_cek_selesai", "step14_balas_selesai", "step15_periksa",
                    "step16_konfirmasi", "step17_tutup")


def verify(desk: Desk, ticket: engine.Ticket) -> engine.Verification:
    [result] = engine.verify_tickets(desk.database.uow(), [ticket.number])
    return result


def test_a_clean_history_verifies(desk: Desk) -> None:
    closed = closed_ticket(desk)
    still_open = desk.run(desk.open(), "step02_terima")
    results = engine.verify_tickets(desk.database.uow())
    assert {r.ticket_number: r.ok for r in results} == {closed.number: True,
                                                        still_open.number: True}


def test_an_edited_event_is_reported(desk: Desk) -> None:
    ticket = closed_ticket(desk)
    desk.tamper("UPDATE events SET data = :data WHERE stream = :s AND seq = 4",
                data='{"perlu_data_tambahan": false}', s=f"ticket:{ticket.id}")
    result = verify(desk, ticket)
    assert not result.ok
    assert any("event 4" in p and "edited" in p for p in result.problems)


def test_an_edited_actor_is_reported(desk: Desk) -> None:
    ticket = closed_ticket(desk)
    desk.tamper("UPDATE events SET actor = 'admin.surabaya' WHERE stream = :s AND seq = 2",
                s=f"ticket:{ticket.id}")
    assert any("event 2" in p for p in verify(desk, ticket).problems)


def test_a_deleted_event_is_reported(desk: Desk) -> None:
    ticket = closed_ticket(desk)
    desk.tamper("DELETE FROM events WHERE stream = :s AND seq = 6", s=f"ticket:{ticket.id}")
    result = verify(desk, ticket)
    assert not result.ok
    assert any("deleted or reordered" in p for p in result.problems)


def test_reordered_events_are_reported(desk: Desk) -> None:
    ticket = closed_ticket(desk)
    stream = f"ticket:{ticket.id}"
    desk.tamper("UPDATE events SET seq = -1 WHERE stream = :s AND seq = 7", s=stream)
    desk.tamper("UPDATE events SET seq = 7 WHERE stream = :s AND seq = 8", s=stream)
    desk.tamper("UPDATE events SET seq = 8 WHERE stream = :s AND seq = -1", s=stream)
    result = verify(desk, ticket)
    assert not result.ok
    assert any("prev_hash" in p or "edited" in p for p in result.problems)


def test_the_newest_event_deleted_is_reported(desk: Desk) -> None:
    ticket = closed_ticket(desk)
    desk.tamper("DELETE FROM events WHERE stream = :s AND seq = (SELECT MAX(seq) FROM events "
                "WHERE stream = :s)", s=f"ticket:{ticket.id}")
    assert not verify(desk, ticket).ok


def test_a_workflow_that_disagrees_with_its_events_is_reported(desk: Desk) -> None:
    ticket = closed_ticket(desk)
    other = desk.run(desk.open(), "step02_terima")
    desk.tamper("UPDATE tickets SET workflow = (SELECT workflow FROM tickets WHERE id = :o) "
                "WHERE id = :t", o=other.id, t=ticket.id)
    result = verify(desk, ticket)
    assert not result.ok
    assert any("replay gives different" in p for p in result.problems)
