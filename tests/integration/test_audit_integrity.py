"""Tampering with the database directly, as someone with database access could: verify
names each edit, deletion, swap and truncation, the ticket row's head and the day
checkpoints included; the replay shortcut never hides a difference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import text

import engine
from cli.main import main
from engine.evidence.checkpoints import list_checkpoints
from engine.persistence.tables import Base
from tests.desk import Desk, append_only_lifted

LOOP: list[str | tuple[str, dict[str, Any]]] = [
    ("step05_kelengkapan", {"perlu_data_tambahan": True}), "step06_minta_data",
    "step07_terima_permintaan", "step08_data_pengguna", "step10_kirim_data",
    "step11_terima_data"]
TO_THE_END: list[str | tuple[str, dict[str, Any]]] = [
    "step05_kelengkapan", "step12_penanganan", "step13_cek_selesai", "step14_balas_selesai",
    "step15_periksa", "step16_konfirmasi", "step17_tutup"]
TOMORROW = datetime.now(UTC) + timedelta(days=1)


class _AnyHash:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and len(other) == 64


ANY_HASH = _AnyHash()


def closed_ticket(desk: Desk, **changes: Any) -> engine.Ticket:
    """A ticket around the data-request loop once, then solved and closed (16 events)."""
    return desk.run(desk.open(**changes), "step02_terima", "step03_kewenangan", *LOOP,
                    *TO_THE_END)


def scalar(desk: Desk, sql: str, **params: object) -> Any:
    with desk.database.engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def verify(desk: Desk, ticket: engine.Ticket, anchor: str | None = None) -> engine.Verification:
    [result] = engine.verify_tickets(desk.database.uow(), [ticket.number], anchor=anchor)
    return result


def verify_all(desk: Desk, anchor: str | None = None) -> dict[str, engine.Verification]:
    return {r.ticket_number: r for r in engine.verify_tickets(desk.database.uow(),
                                                              anchor=anchor)}


def stream(ticket: engine.Ticket) -> str:
    return f"ticket:{ticket.id}"


def test_untouched_tickets_and_checkpoints_verify(desk: Desk) -> None:
    closed = closed_ticket(desk)
    still_open = desk.run(desk.open(), "step02_terima")
    assert engine.record_checkpoints(desk.database.uow(), TOMORROW)
    results = verify_all(desk)
    assert set(results) == {closed.number, still_open.number}
    assert all(r.ok for r in results.values()), results


SWAP = "UPDATE events SET seq = :new WHERE stream = :s AND seq = :old"
# Each way of tampering with a closed ticket's events (statements run with :s, its stream)
# and the words the problem that reports it must hold.
TAMPERING: dict[str, tuple[list[tuple[str, dict[str, object]]], tuple[str, ...]]] = {
    "an event's data edited": (
        [("UPDATE events SET data = :data WHERE stream = :s AND seq = 3",
          {"data": '{"form": {"kewenangan": "LPSE", "alasan_kewenangan": "Diubah."}}'})],
        ("event 3", "edited")),
    "an event deleted": (
        [("DELETE FROM events WHERE stream = :s AND seq = 6", {})], ("deleted or reordered",)),
    "two events swapped": (
        [(SWAP, {"old": 7, "new": -7}), (SWAP, {"old": 8, "new": 7}),
         (SWAP, {"old": -7, "new": 8})], ("event 7", "prev_hash")),
    "the newest events deleted (the ticket head tells)": (
        [("DELETE FROM events WHERE stream = :s AND seq > 13", {})],
        ("records 16 events but 13 are stored",)),
}


@pytest.mark.parametrize(("statements", "words"), TAMPERING.values(), ids=list(TAMPERING))
def test_tampering_with_a_ticket_s_events_is_reported(
        desk: Desk, statements: list[tuple[str, dict[str, object]]],
        words: tuple[str, ...]) -> None:
    ticket = closed_ticket(desk)
    for sql, params in statements:
        desk.tamper(sql, s=stream(ticket), **params)
    result = verify(desk, ticket)
    assert not result.ok
    assert any(all(word in p for word in words) for p in result.problems), result.problems


def _truncate_with_the_head(desk: Desk) -> tuple[engine.Ticket, Any]:
    """Delete a ticket's newest events and rewind its row to the state it had then: its
    head, status and stored workflow, so the ticket alone looks consistent."""
    ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan")
    with desk.database.engine.connect() as connection:
        saved = connection.execute(text(
            "SELECT workflow, event_count, last_hash, status FROM tickets WHERE id = :t"),
            {"t": ticket.id}).one()
    ticket = desk.run(ticket, *TO_THE_END)
    assert ticket.status == "closed"
    return ticket, saved


def _rewind(desk: Desk, ticket: engine.Ticket, saved: Any) -> None:
    desk.tamper("DELETE FROM events WHERE stream = :s AND seq > :n", s=stream(ticket),
                n=saved.event_count)
    with desk.database.engine.begin() as connection:
        connection.execute(text(
            "UPDATE tickets SET workflow = :w, event_count = :n, last_hash = :h, "
            "status = :st, closed_at = NULL WHERE id = :t"),
            {"w": saved.workflow, "n": saved.event_count, "h": saved.last_hash,
             "st": saved.status, "t": ticket.id})


def test_truncation_with_the_ticket_head_rewound_passes_without_a_checkpoint(
        desk: Desk) -> None:
    """What the checkpoints are for: events and ticket row rewound together look fine."""
    ticket, saved = _truncate_with_the_head(desk)
    _rewind(desk, ticket, saved)
    assert verify(desk, ticket).ok


def test_truncation_with_the_ticket_head_rewound_is_caught_by_the_day_checkpoint(
        desk: Desk) -> None:
    ticket, saved = _truncate_with_the_head(desk)
    [checkpoint] = engine.record_checkpoints(desk.database.uow(), TOMORROW)
    assert checkpoint.heads[stream(ticket)][0] == 10
    _rewind(desk, ticket, saved)
    result = verify(desk, ticket)
    assert not result.ok
    assert result.problems == ("the day checkpoint recorded 10 events but only 3 are stored "
                               "(the newest events were deleted)",)


def test_a_ticket_deleted_altogether_is_named_by_the_checkpoint(desk: Desk) -> None:
    kept, gone = closed_ticket(desk), desk.run(desk.open(), "step02_terima")
    engine.record_checkpoints(desk.database.uow(), TOMORROW)
    with desk.database.engine.begin() as connection, append_only_lifted(connection):
        for table in reversed(Base.metadata.sorted_tables):
            if "ticket_id" in table.c:
                connection.execute(table.delete().where(table.c.ticket_id == gone.id))
        connection.execute(text("DELETE FROM tickets WHERE id = :t"), {"t": gone.id})
    results = verify_all(desk)
    assert results[kept.number].ok
    assert results["checkpoints"].problems == (
        f"{stream(gone)}: recorded in a day checkpoint but the ticket no longer exists",)


def _two_days_of_checkpoints(desk: Desk) -> list[Any]:
    with time_machine.travel(datetime.now(UTC) - timedelta(days=2), tick=True):
        desk.run(desk.open(), "step02_terima")
    closed_ticket(desk)  # the first change of today checkpoints the day travelled to
    engine.record_checkpoints(desk.database.uow(), TOMORROW)
    with desk.database.uow() as uow:
        written = list_checkpoints(uow.session)
    assert [c.seq for c in written] == [1, 2]
    return written


def test_an_edited_checkpoint_is_reported(desk: Desk) -> None:
    first, _ = _two_days_of_checkpoints(desk)
    desk.tamper("UPDATE audit_checkpoints SET heads = :data WHERE seq = 1",
                data='{"ticket:1": [1, "' + "0" * 64 + '"]}')
    problems = verify_all(desk)["checkpoints"].problems
    assert f"checkpoint 1 ({first.day}): content does not match its hash (it was edited)" \
        in problems


def test_a_deleted_checkpoint_is_reported(desk: Desk) -> None:
    _two_days_of_checkpoints(desk)
    desk.tamper("DELETE FROM audit_checkpoints WHERE seq = 1")
    problems = verify_all(desk)["checkpoints"].problems
    assert any("a checkpoint was deleted" in p for p in problems), problems
    assert any("does not follow the checkpoint before it" in p for p in problems), problems


def test_the_newest_checkpoint_deleted_is_caught_by_the_anchor_kept_outside(
        desk: Desk) -> None:
    _, newest = _two_days_of_checkpoints(desk)
    assert "checkpoints" not in verify_all(desk, anchor=newest.hash)
    desk.tamper("DELETE FROM audit_checkpoints WHERE seq = 2")
    problems = verify_all(desk, anchor=newest.hash)["checkpoints"].problems
    assert any(newest.hash in p for p in problems), problems


def test_checkpoints_are_written_once_per_day(desk: Desk) -> None:
    desk.run(desk.open(), "step02_terima")
    assert len(engine.record_checkpoints(desk.database.uow(), TOMORROW)) == 1
    assert engine.record_checkpoints(desk.database.uow(), TOMORROW) == []
    assert engine.record_checkpoints(desk.database.uow()) == []  # today has not ended


def test_the_replay_shortcut_still_sees_another_ticket_s_stored_state(desk: Desk) -> None:
    """Two tickets on the same path (so the second skips the engine): the second's stored
    workflow swapped for the first's still differs in its data, and is reported."""
    first = closed_ticket(desk, judul="Judul pertama")
    second = closed_ticket(desk, judul="Judul kedua")
    assert all(r.ok for r in verify_all(desk).values())
    desk.tamper("UPDATE tickets SET workflow = (SELECT workflow FROM tickets WHERE id = :a) "
                "WHERE id = :b", a=first.id, b=second.id)
    results = verify_all(desk)
    assert results[first.number].ok
    assert any("replay gives different data" in p and "Judul kedua" in p
               for p in results[second.number].problems), results[second.number].problems


def test_the_replay_shortcut_agrees_with_a_full_replay_on_every_path(desk: Desk) -> None:
    tickets = [closed_ticket(desk, judul=f"Tiket {n}") for n in range(3)]
    tickets.append(desk.run(desk.open(), "step02_terima",
                            ("step03_kewenangan", {"kewenangan": "LPSE"}), "step04_panduan"))
    tickets.append(desk.run(desk.open(), "step02_terima", "step03_kewenangan", *LOOP, *LOOP))
    together = verify_all(desk)
    alone = {t.number: verify(desk, t) for t in tickets}
    assert {n: r.ok for n, r in together.items()} == {n: r.ok for n, r in alone.items()}
    assert all(r.ok for r in together.values())


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ESKALASI_DATABASE_URL", database_url)
    return database_url


def test_verify_all_shows_progress_names_each_failure_and_sums_up(
        desk: Desk, cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = closed_ticket(desk), closed_ticket(desk)
    assert main(["verify", "--all"]) == 0
    captured = capsys.readouterr()
    assert "[##############################] 2/2 100%" in captured.err
    assert "2 ticket(s) checked, 0 failed" in captured.out and "all verified" in captured.out
    desk.tamper("UPDATE events SET actor = 'someone' WHERE stream = :s AND seq = 2",
                s=stream(bad))
    assert main(["verify", "--all"]) == 1
    out = capsys.readouterr().out
    assert f"{bad.number}: FAILED\n  - event 2 (task_completed): content does not match" in out
    assert f"{good.number}:" not in out
    assert "2 ticket(s) checked, 1 failed" in out and f"failed: {bad.number}" in out


def test_checkpoint_command_prints_the_hash_to_keep(
        desk: Desk, cli_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    with time_machine.travel(datetime.now(UTC) - timedelta(days=1), tick=True):
        closed_ticket(desk)
    assert main(["checkpoint"]) == 0
    out = capsys.readouterr().out
    newest = engine.latest_checkpoint(desk.database.uow())
    assert newest is not None and newest.hash in out
    assert main(["verify", "--all", "--anchor", newest.hash]) == 0
    assert main(["verify", "--all", "--anchor", "f" * 64]) == 1
    assert "no checkpoint has the hash" in capsys.readouterr().out


def test_the_first_change_of_a_new_day_checkpoints_the_days_before(desk: Desk) -> None:
    with time_machine.travel(datetime.now(UTC) - timedelta(days=1), tick=True):
        ticket = desk.open()
    assert engine.latest_checkpoint(desk.database.uow()) is None
    desk.do(ticket, "step02_terima")
    newest = engine.latest_checkpoint(desk.database.uow())
    # (the deployment's stream is there too when the demo was set up before this period)
    assert newest is not None and newest.heads[f"ticket:{ticket.id}"] == [1, ANY_HASH]


def test_the_stored_state_read_from_its_tasks_matches_the_workflow_rebuilt(
        desk: Desk) -> None:
    """The fast reading of a stored workflow gives what rebuilding it gives, at every stage
    (else every ticket would take the slow way)."""
    from engine.audit import verify
    from engine.persistence.tables import TicketRow
    from engine.process.versions import definition_of
    from engine.tickets import runtime

    tickets = [desk.open(), desk.run(desk.open(), "step02_terima", "step03_kewenangan", *LOOP),
               closed_ticket(desk),
               desk.run(desk.open(), "step02_terima", ("step03_kewenangan",
                                                       {"kewenangan": "LPSE"}))]
    with desk.database.uow() as uow:
        for ticket in tickets:
            row = uow.session.get(TicketRow, ticket.id)
            assert row is not None
            definition = definition_of(uow.session, row.process_version_id)
            manual = frozenset(n for n, s in definition.spec.task_specs.items() if s.manual)
            rebuilt = runtime.snapshot(runtime.load(row.workflow, definition))
            assert verify.stored_snapshot(row.workflow, manual) == rebuilt, ticket.number


def test_tickets_on_one_path_are_replayed_on_the_engine_once(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.audit import replay, verify

    for rating in (1, 3, 5):
        desk.run(desk.open(judul=f"Rating {rating}"), "step02_terima", "step03_kewenangan",
                 *TO_THE_END[:-1], ("step17_tutup", {"rating": rating}))
    calls: list[int] = []
    real = replay.replay

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(verify, "replay", counted)
    assert all(r.ok for r in verify_all(desk).values())
    assert len(calls) == 1


def test_an_edited_deployment_record_is_reported(desk: Desk) -> None:
    ticket = desk.open()
    assert "process" not in verify_all(desk)
    desk.tamper("UPDATE events SET actor = 'someone else' WHERE stream = 'process' "
                "AND seq = 1")
    results = verify_all(desk)
    assert results[ticket.number].ok
    assert any("event 1 (version_deployed)" in p and "edited" in p
               for p in results["process"].problems), results["process"].problems
