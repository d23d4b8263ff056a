"""Who may see and do what, and bad input that changes nothing."""

from __future__ import annotations

import pytest

import engine
from engine import Conflict, Forbidden, InvalidData, NotFound
from tests.desk import STEP_DATA, Desk


def snapshot(desk: Desk, ticket_id: int) -> tuple[list[str], list[str]]:
    return desk.pending(ticket_id), desk.trail(ticket_id)


def test_helpdesk_sees_step_2_and_no_admin_or_user_sees_it(desk: Desk) -> None:
    ticket = desk.open()
    for username in ("admin.bandung", "pengguna.bandung", "admin.surabaya", "auditor",
                     "pemilik.proses"):
        assert engine.list_tasks(desk.database.uow(), desk.user(username)) == []
    inbox = engine.list_tasks(desk.database.uow(), desk.user("helpdesk.lkpp"))
    assert [(t.ticket_id, t.spec_name) for t in inbox] == [(ticket.id, "step02_terima")]


def test_admin_cannot_see_other_lpse_tickets_or_tasks(desk: Desk) -> None:
    ticket = desk.open()
    desk.run(ticket, "step02_terima", "step03_kewenangan",
             ("step05_kelengkapan", {"perlu_data_tambahan": True}), "step06_minta_data")
    task = desk.task(ticket, "step07_terima_permintaan")
    other = desk.user("admin.surabaya")
    assert engine.list_tasks(desk.database.uow(), other) == []
    assert engine.list_tickets(desk.database.uow(), other) == []
    with pytest.raises(NotFound):
        engine.get_ticket(desk.database.uow(), other, ticket.id)
    with pytest.raises(NotFound):
        engine.get_task(desk.database.uow(), other, task.id)
    with pytest.raises(NotFound):
        engine.list_events(desk.database.uow(), other, ticket.id)
    before = snapshot(desk, ticket.id)
    with pytest.raises(NotFound):
        engine.complete_task(desk.database.uow(), other, task.id,
                             STEP_DATA["step07_terima_permintaan"])
    assert snapshot(desk, ticket.id) == before


def test_pengguna_sees_only_the_tickets_they_reported(desk: Desk) -> None:
    mine = desk.open()
    desk.open(admin="admin.surabaya", reporter="pengguna.surabaya")
    seen = engine.list_tickets(desk.database.uow(), desk.user("pengguna.bandung"))
    assert [t.id for t in seen] == [mine.id]
    assert engine.list_tickets(desk.database.uow(), desk.user("pemilik.proses")) == []
    assert len(engine.list_tickets(desk.database.uow(), desk.user("auditor"))) == 2


def test_wrong_lane_cannot_complete_a_task_and_nothing_changes(desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    before = snapshot(desk, ticket.id)
    for username in ("admin.bandung", "pengguna.bandung", "auditor", "pemilik.proses"):
        with pytest.raises(NotFound):
            engine.complete_task(desk.database.uow(), desk.user(username), task.id, {})
    assert snapshot(desk, ticket.id) == before


def test_completing_a_task_twice_is_a_conflict_and_records_one_event(desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    helpdesk = desk.user("helpdesk.lkpp")
    engine.complete_task(desk.database.uow(), helpdesk, task.id, {})
    before = snapshot(desk, ticket.id)
    with pytest.raises(Conflict):
        engine.complete_task(desk.database.uow(), helpdesk, task.id, {})
    assert snapshot(desk, ticket.id) == before
    assert desk.trail(ticket) == ["step01_eskalasi", "step02_terima"]


def test_invalid_form_data_gives_a_message_per_field_and_keeps_the_task(desk: Desk) -> None:
    ticket = desk.open()
    desk.do(ticket, "step02_terima")
    task = desk.task(ticket, "step03_kewenangan")
    before = snapshot(desk, ticket.id)
    with pytest.raises(InvalidData) as refused:
        engine.complete_task(desk.database.uow(), desk.user("helpdesk.lkpp"), task.id,
                             {"kewenangan": "Pusat", "extra": 1})
    assert set(refused.value.errors) == {"kewenangan", "alasan_kewenangan", "extra"}
    assert refused.value.errors["alasan_kewenangan"] == ["Wajib diisi."]
    assert snapshot(desk, ticket.id) == before


def test_phone_confirmation_needs_when_and_whom(desk: Desk) -> None:
    ticket = desk.open()
    desk.run(ticket, "step02_terima", "step03_kewenangan",
             ("step05_kelengkapan", {"perlu_data_tambahan": True}))
    with pytest.raises(InvalidData) as refused:
        desk.do(ticket, "step06_minta_data", konfirmasi_telepon=True)
    assert set(refused.value.errors) == {"waktu_telepon", "pihak_dihubungi"}
    with pytest.raises(InvalidData) as bad_time:
        desk.do(ticket, "step06_minta_data", konfirmasi_telepon=True, waktu_telepon="besok",
                pihak_dihubungi="Budi")
    assert set(bad_time.value.errors) == {"waktu_telepon"}


def test_rating_must_be_between_1_and_5(desk: Desk) -> None:
    ticket = desk.open()
    desk.run(ticket, "step02_terima", "step03_kewenangan", "step05_kelengkapan",
             "step12_penanganan", "step13_cek_selesai", "step14_balas_selesai",
             "step15_periksa", "step16_konfirmasi")
    for rating in (0, 6, "5"):
        with pytest.raises(InvalidData) as refused:
            desk.do(ticket, "step17_tutup", rating=rating)
        assert list(refused.value.errors) == ["rating"]
    assert desk.do(ticket, "step17_tutup", rating=4).status == "closed"


def test_only_an_admin_of_the_reporters_lpse_opens_a_ticket(desk: Desk) -> None:
    with pytest.raises(InvalidData) as refused:
        desk.open(admin="admin.surabaya", reporter="pengguna.bandung")
    assert list(refused.value.errors) == ["reporter"]
    with pytest.raises(InvalidData):
        desk.open(reporter="admin.bandung")
    for username in ("helpdesk.lkpp", "pengguna.bandung", "auditor"):
        with pytest.raises(Forbidden):
            desk.open(admin=username)
    assert engine.list_tickets(desk.database.uow(), desk.user("auditor")) == []


def test_step_1_form_is_checked_before_anything_is_stored(desk: Desk) -> None:
    with pytest.raises(InvalidData) as refused:
        desk.open(judul="", tipe_tiket="Keluhan", deskripsi=None)
    assert set(refused.value.errors) == {"judul", "tipe_tiket", "deskripsi"}
    assert engine.list_tickets(desk.database.uow(), desk.user("auditor")) == []


def test_field_names_that_could_reach_the_sandbox_are_refused(desk: Desk) -> None:
    ticket = desk.open()
    with pytest.raises(InvalidData) as refused:
        desk.do(ticket, "step02_terima", __builtins__={"x": 1})
    assert "__builtins__" in refused.value.errors
