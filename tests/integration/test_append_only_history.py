"""History that cannot be rewritten quietly (issue 11, part 7): the database refuses every
change to an event, checkpoints every 15 minutes, and their hashes leave the database (the
witness file) for `eskalasi verify --anchor/--witness` to hold the chain to.

The attack of issue 11: rewriting a ticket's events and its head on the same day, before a
checkpoint, and `eskalasi verify` said ok. Now the app's own connection cannot rewrite an
event at all; a database administrator who lifts the triggers is caught by the next
checkpoint's witness line for every event older than the last checkpoint, and only the
events of the last period (at most 15 minutes) have nothing outside the database yet.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import engine
from cli.main import main
from engine import Database
from engine.evidence import checkpoints
from engine.evidence.checkpoints import checkpoint_hash, list_checkpoints
from engine.settings import Settings, SettingsError
from tests.desk import Desk
from tests.integration.migrations import move
from tests.integration.smtp import SmtpServer, address

MORNING = datetime(2026, 11, 24, 10, 2, tzinfo=UTC)
TO_THE_END: list[str | tuple[str, dict[str, Any]]] = [
    "step05_kelengkapan", "step12_penanganan", "step13_cek_selesai", "step14_balas_selesai",
    "step15_periksa", "step16_konfirmasi", "step17_tutup"]


@pytest.fixture
def witness(tmp_path: Path) -> Path:
    """Where the witness file goes (other storage, in production)."""
    return tmp_path / "saksi" / "checkpoints.txt"


@pytest.fixture
def witnessed(database_url: str, witness: Path) -> Iterator[Desk]:
    """The desk on a database whose checkpoints are also written to the witness file."""
    witness.parent.mkdir()
    with Database(Settings(database_url=database_url, witness_file=witness)) as database:
        yield Desk(database)


def scalar(desk: Desk, sql: str, **params: object) -> Any:
    with desk.database.engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def stream(ticket: engine.Ticket) -> str:
    return f"ticket:{ticket.id}"


def verify(desk: Desk, anchor: str | None = None,
           witness: Path | None = None) -> dict[str, engine.Verification]:
    return {r.ticket_number: r for r in engine.verify_tickets(
        desk.database.uow(), anchor=anchor, witness=witness)}


def failures(results: dict[str, engine.Verification]) -> dict[str, tuple[str, ...]]:
    return {number: r.problems for number, r in results.items() if not r.ok}


def head_of(desk: Desk, ticket: engine.Ticket) -> Any:
    with desk.database.engine.connect() as connection:
        return connection.execute(text(
            "SELECT workflow, event_count, last_hash, status FROM tickets WHERE id = :t"),
            {"t": ticket.id}).one()


def rewrite(desk: Desk, ticket: engine.Ticket, saved: Any) -> None:
    """What a database administrator can do: lift the triggers, drop the ticket's newest
    events and rewind its row to the head it had, so the ticket alone looks consistent."""
    desk.tamper("DELETE FROM events WHERE stream = :s AND seq > :n", s=stream(ticket),
                n=saved.event_count)
    desk.tamper("UPDATE tickets SET workflow = :w, event_count = :n, last_hash = :h, "
                "status = :st, closed_at = NULL WHERE id = :t", w=saved.workflow,
                n=saved.event_count, h=saved.last_hash, st=saved.status, t=ticket.id)


def rewrite_checkpoints(desk: Desk, ticket: engine.Ticket, saved: Any) -> None:
    """...and rewrite the checkpoint chain to agree with the rewound head."""
    with desk.database.uow() as uow:
        written = list_checkpoints(uow.session)
    prev = written[0].prev_hash
    for checkpoint in written:
        heads = dict(checkpoint.heads)
        if stream(ticket) in heads:
            heads[stream(ticket)] = [saved.event_count, saved.last_hash]
        new = checkpoint_hash(prev, checkpoint.seq, checkpoint.day, heads)
        desk.tamper("UPDATE audit_checkpoints SET heads = :data, prev_hash = :p, hash = :h "
                    "WHERE seq = :n", data=json.dumps(heads), p=prev, h=new, n=checkpoint.seq)
        prev = new


def test_the_app_s_own_connection_cannot_update_or_delete_an_event(desk: Desk) -> None:
    ticket = desk.run(desk.open(), "step02_terima")
    before = scalar(desk, "SELECT hash FROM events WHERE stream = :s AND seq = 2",
                    s=stream(ticket))
    for sql in ("UPDATE events SET actor = 'someone' WHERE stream = :s AND seq = 2",
                "DELETE FROM events WHERE stream = :s AND seq = 2",
                "DELETE FROM events"):
        with pytest.raises(DBAPIError, match="events are append-only"), \
                desk.database.engine.begin() as connection:
            connection.execute(text(sql), {"s": stream(ticket)})
    assert scalar(desk, "SELECT hash FROM events WHERE stream = :s AND seq = 2",
                  s=stream(ticket)) == before
    assert scalar(desk, "SELECT COUNT(*) FROM events WHERE stream = :s", s=stream(ticket)) == 2
    assert not failures(verify(desk))


def test_an_event_changed_through_the_orm_is_refused_at_commit(desk: Desk) -> None:
    from engine.persistence.tables import EventRow

    ticket = desk.open()
    with pytest.raises(DBAPIError, match="events are append-only"), \
            desk.database.uow() as uow:
        row = uow.session.query(EventRow).filter_by(stream=stream(ticket)).one()
        row.actor = "someone"
        uow.commit()
    assert scalar(desk, "SELECT actor FROM events WHERE stream = :s", s=stream(ticket)) \
        == "admin.bandung"


def test_truncating_the_events_is_refused_on_postgresql(desk: Desk) -> None:
    if desk.database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (DELETE FROM events is refused above)")
    desk.open()
    count = scalar(desk, "SELECT COUNT(*) FROM events")
    with pytest.raises(DBAPIError, match="events are append-only"), \
            desk.database.engine.begin() as connection:
        connection.execute(text("TRUNCATE events CASCADE"))
    assert scalar(desk, "SELECT COUNT(*) FROM events") == count


def test_the_issue_s_rewrite_before_a_checkpoint_is_refused_to_the_app(desk: Desk) -> None:
    """The row of issue 11, as the app's role: deleting the newest events is refused, so
    the ticket's head cannot be rewound to match them."""
    ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan")
    saved = head_of(desk, ticket)
    ticket = desk.run(ticket, *TO_THE_END)
    with pytest.raises(DBAPIError, match="events are append-only"), \
            desk.database.engine.begin() as connection:
        connection.execute(text("DELETE FROM events WHERE stream = :s AND seq > :n"),
                           {"s": stream(ticket), "n": saved.event_count})
    assert scalar(desk, "SELECT COUNT(*) FROM events WHERE stream = :s",
                  s=stream(ticket)) == 10
    assert not failures(verify(desk))


def test_checkpoints_are_written_every_15_minutes_and_witnessed(
        witnessed: Desk, witness: Path) -> None:
    desk = witnessed
    with time_machine.travel(MORNING, tick=False) as clock:
        ticket = desk.open()                                    # 10:02
        clock.move_to(MORNING + timedelta(minutes=14))          # 10:16
        desk.do(ticket, "step02_terima")                        # closes 10:00-10:15
        first = engine.latest_checkpoint(desk.database.uow())
        assert first is not None and first.day == "2026-11-24T10:15Z"
        assert first.heads[stream(ticket)][0] == 1              # as it stood at 10:15
        desk.do(ticket, "step03_kewenangan")                    # same period: no checkpoint
        clock.move_to(MORNING + timedelta(minutes=30))          # 10:32, no change
        assert checkpoints.close_ended_periods(desk.database.engine) == 1
        second = engine.latest_checkpoint(desk.database.uow())
        assert second is not None and second.day == "2026-11-24T10:30Z"
        assert second.heads[stream(ticket)][0] == 3
        assert engine.record_checkpoints(desk.database.uow()) == []  # nothing new since
    lines = witness.read_text().splitlines()
    assert [line.split()[1:] for line in lines] == [
        ["2026-11-24T10:15Z", first.hash], ["2026-11-24T10:30Z", second.hash]]
    assert checkpoints.read_witness(witness) == [first.hash, second.hash]
    assert not failures(verify(desk, witness=witness))


def test_a_checkpoint_at_midnight_is_labelled_with_the_day_that_ended(desk: Desk) -> None:
    with time_machine.travel(MORNING, tick=False) as clock:
        desk.open()
        clock.move_to(datetime(2026, 11, 25, 0, 7, tzinfo=UTC))
        [written] = engine.record_checkpoints(desk.database.uow())
    assert written.day == "2026-11-24"
    assert checkpoints.end_of(written.day) == datetime(2026, 11, 25, tzinfo=UTC)
    assert checkpoints.label_of(datetime(2026, 11, 25, 9, 45, tzinfo=UTC)) == "2026-11-25T09:45Z"


def test_the_period_comes_from_the_settings(desk: Desk) -> None:
    with time_machine.travel(MORNING, tick=False) as clock:
        desk.open()
        clock.move_to(MORNING + timedelta(minutes=30))          # 10:32
        assert engine.record_checkpoints(desk.database.uow(), minutes=60) == []  # 10:00
        [written] = engine.record_checkpoints(desk.database.uow(), minutes=5)
    assert written.day == "2026-11-24T10:30Z"
    assert Settings.from_environment({}).checkpoint_minutes == 15
    assert Settings.from_environment({"ESKALASI_CHECKPOINT_MINUTES": "5"}).checkpoint_minutes == 5
    for bad in ("0", "1441", "lima"):
        with pytest.raises(SettingsError, match="ESKALASI_CHECKPOINT_MINUTES"):
            Settings.from_environment({"ESKALASI_CHECKPOINT_MINUTES": bad})
    assert Settings.from_environment(
        {"ESKALASI_WITNESS_FILE": "/mnt/saksi/eskalasi.txt"}).witness_file == Path(
        "/mnt/saksi/eskalasi.txt")


def _checkpointed_ticket(desk: Desk) -> tuple[engine.Ticket, Any]:
    """A ticket worked through at 10:02-10:05, checkpointed at 10:16: the saved head is
    the one it had after step 3, before the rest of the events."""
    with time_machine.travel(MORNING, tick=False) as clock:
        ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan")
        saved = head_of(desk, ticket)
        clock.move_to(MORNING + timedelta(minutes=3))
        ticket = desk.run(ticket, *TO_THE_END)
        clock.move_to(MORNING + timedelta(minutes=14))
        # What the worker does each round (the period is 15 minutes unless configured).
        checkpoints.close_ended_days(desk.database.engine)
    return ticket, saved


def test_a_rewrite_of_events_already_checkpointed_is_caught_the_same_day(desk: Desk) -> None:
    """The row of issue 11, as a database administrator: the events and head of a ticket
    rewritten the same day. The 15-minute checkpoint already holds its head: caught."""
    ticket, saved = _checkpointed_ticket(desk)
    rewrite(desk, ticket, saved)
    problems = failures(verify(desk))
    assert problems == {ticket.number: (
        "the day checkpoint recorded 10 events but only 3 are stored "
        "(the newest events were deleted)",)}


def test_a_rewrite_with_the_checkpoints_rewritten_too_is_caught_by_the_witness(
        witnessed: Desk, witness: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    ticket, saved = _checkpointed_ticket(witnessed)
    rewrite(witnessed, ticket, saved)
    rewrite_checkpoints(witnessed, ticket, saved)
    assert not failures(verify(witnessed))  # the database alone agrees with itself again
    [kept] = checkpoints.read_witness(witness)
    problems = failures(verify(witnessed, anchor=kept))
    assert problems == {"checkpoints": (
        f"no checkpoint has the hash {kept} kept outside the database "
        f"(checkpoints were deleted or rewritten)",)}
    monkeypatch.setenv("ESKALASI_DATABASE_URL", str(witnessed.database.engine.url
                                                    .render_as_string(hide_password=False)))
    assert main(["verify", "--all", "--witness", str(witness)]) == 1
    out = capsys.readouterr().out
    assert f"no checkpoint has the hash {kept}" in out
    assert main(["verify", "--all", "--anchor", kept]) == 1


def test_events_newer_than_the_last_checkpoint_are_kept_by_the_triggers_alone(
        witnessed: Desk, witness: Path) -> None:
    """The limit, said plainly: events written after the last checkpoint have no copy
    outside the database yet. The app cannot rewrite them (the triggers); a database
    administrator who drops the triggers can, and verify cannot tell until then."""
    with time_machine.travel(MORNING, tick=False) as clock:
        ticket = witnessed.open()
        clock.move_to(MORNING + timedelta(minutes=14))
        ticket = witnessed.do(ticket, "step02_terima")          # checkpoint of 10:15: 1 event
        saved = head_of(witnessed, ticket)
        ticket = witnessed.run(ticket, "step03_kewenangan", *TO_THE_END)
    with pytest.raises(DBAPIError, match="events are append-only"), \
            witnessed.database.engine.begin() as connection:
        connection.execute(text("DELETE FROM events WHERE stream = :s AND seq > :n"),
                           {"s": stream(ticket), "n": saved.event_count})
    rewrite(witnessed, ticket, saved)
    assert not failures(verify(witnessed, witness=witness))


def test_verify_refuses_a_witness_file_it_cannot_read(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESKALASI_DATABASE_URL", database_url)
    assert main(["verify", "--all", "--witness", str(tmp_path / "missing.txt")]) == 1
    assert "cannot read the witness file" in capsys.readouterr().err
    garbled = tmp_path / "garbled.txt"
    garbled.write_text("2026-11-24T10:16:00+00:00 2026-11-24T10:15Z not-a-hash\n")
    assert main(["verify", "--all", "--witness", str(garbled)]) == 1
    assert f"{garbled}:1: not a witness line" in capsys.readouterr().err


def test_a_witness_file_that_cannot_be_written_leaves_the_checkpoint_standing(
        database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    nowhere = tmp_path / "not-mounted" / "checkpoints.txt"
    with Database(Settings(database_url=database_url, witness_file=nowhere)) as database:
        desk = Desk(database)
        with time_machine.travel(MORNING, tick=False) as clock:
            desk.open()
            clock.move_to(MORNING + timedelta(minutes=20))
            [written] = engine.record_checkpoints(database.uow())
        assert engine.latest_checkpoint(database.uow()) == written
    assert any("could not append checkpoint" in r.getMessage() for r in caplog.records)


def test_each_day_s_last_checkpoint_is_mailed_to_the_auditors_once(
        desk: Desk, with_emails: None, smtp: SmtpServer) -> None:
    from engine.background import worker

    with time_machine.travel(MORNING, tick=False) as clock:
        desk.open()
        clock.move_to(MORNING + timedelta(minutes=20))          # 10:22: checkpoint 10:15
        assert worker.Worker(desk.database, smtp.settings).run_once().checkpoints == 1
        assert mailed(desk) == []                               # the day has not ended
        desk.open()
        clock.move_to(datetime(2026, 11, 25, 0, 5, tzinfo=UTC))
        first = worker.Worker(desk.database, smtp.settings)
        assert first.run_once().checkpoints == 1                # the day's last: 2026-11-24
        last = engine.latest_checkpoint(desk.database.uow())
        assert last is not None and last.day == "2026-11-24"
        first.run_once()
        worker.Worker(desk.database, smtp.settings).run_once()  # another worker, same day
    subject = f"Checkpoint audit 2026-11-24: {last.hash[:12]}"
    assert mailed(desk) == [("auditor", subject)]
    [mail] = smtp.to(address("auditor"))
    assert mail.subject == subject
    assert f"\n{last.hash}\r\n" in mail.body
    assert f"eskalasi verify --all --anchor {last.hash}" in mail.body


def mailed(desk: Desk) -> list[tuple[str, str]]:
    with desk.database.engine.connect() as connection:
        return [(row[0], row[1]) for row in connection.execute(text(
            "SELECT u.username, n.subject FROM notifications n JOIN users u "
            "ON u.id = n.user_id WHERE n.kind = 'audit_checkpoint' ORDER BY n.id"))]


def test_migration_0013_goes_down_and_up_again(empty_database_url: str) -> None:
    # Up to 0013 and the migrations above it: a ticket needs today's schema.

    def refuses_a_delete() -> bool:
        try:
            with database.engine.begin() as connection:
                connection.execute(text("DELETE FROM events"))
        except DBAPIError as err:
            return "append-only" in str(err)
        return False

    with Database(empty_database_url) as database:
        engine.init(database, demo=True)
        assert refuses_a_delete()
        move(database.engine, "0012")
        assert not refuses_a_delete()           # the events went: no trigger stopped it
        move(database.engine, "head")
        Desk(database).open()                   # an event to delete
        assert refuses_a_delete()
