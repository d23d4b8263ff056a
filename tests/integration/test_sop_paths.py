"""Every path through the SOP, through the engine's use cases on a real database."""

from __future__ import annotations

from typing import Any

import pytest

import engine
from engine import Database
from engine.process import definitions
from tests.desk import Desk

YES, NO = True, False
HAPPY_END = ["step12_penanganan", "step13_cek_selesai", "step14_balas_selesai",
             "step15_periksa", "step16_konfirmasi", "step17_tutup"]
ADMIN_ROUND = [("step05_kelengkapan", {"perlu_data_tambahan": YES}), "step06_minta_data",
               "step07_terima_permintaan", ("step08_data_pengguna", {"perlu_data_pengguna": NO}),
               "step10_kirim_data", "step11_terima_data"]
USER_ROUND = [("step05_kelengkapan", {"perlu_data_tambahan": YES}),
              ("step06_minta_data", {"konfirmasi_telepon": YES,
                                     "waktu_telepon": "2026-11-28T09:30:00+07:00",
                                     "pihak_dihubungi": "Budi, Admin LPSE Kota Bandung"}),
              "step07_terima_permintaan",
              ("step08_data_pengguna", {"perlu_data_pengguna": YES,
                                        "permintaan_ke_pengguna": "Kirim tangkapan layar."}),
              "step09_kirim_data_pengguna", "step10_kirim_data", "step11_terima_data"]
NO_MORE_DATA = [("step05_kelengkapan", {"perlu_data_tambahan": NO})]

PATHS: dict[str, list[Any]] = {
    "lpse_authority": ["step02_terima",
                       ("step03_kewenangan", {"kewenangan": "LPSE",
                                              "alasan_kewenangan": "Pengaturan akun lokal."}),
                       "step04_panduan"],
    "data_from_admin_only": ["step02_terima", "step03_kewenangan", *ADMIN_ROUND,
                             *NO_MORE_DATA, *HAPPY_END],
    "data_from_user_through_admin": ["step02_terima", "step03_kewenangan", *USER_ROUND,
                                     *NO_MORE_DATA, *HAPPY_END],
    "several_rounds_of_requests": ["step02_terima", "step03_kewenangan", *ADMIN_ROUND,
                                   *USER_ROUND, *ADMIN_ROUND, *NO_MORE_DATA, *HAPPY_END],
    "not_solved_then_solved": ["step02_terima", "step03_kewenangan", *NO_MORE_DATA,
                               "step12_penanganan",
                               ("step13_cek_selesai", {"masalah_selesai": NO}),
                               *HAPPY_END],
    "user_says_not_solved_then_confirms": [
        "step02_terima", "step03_kewenangan", *NO_MORE_DATA, *HAPPY_END[:4],
        ("step16_konfirmasi", {"terselesaikan": NO,
                               "alasan_belum_selesai": "Masih gagal unggah."}),
        *HAPPY_END],
}


def names(steps: list[Any]) -> list[str]:
    return [s if isinstance(s, str) else s[0] for s in steps]


@pytest.mark.parametrize("path", sorted(PATHS))
def test_each_sop_path_runs_to_its_end_and_closes_the_ticket(desk: Desk, path: str) -> None:
    ticket = desk.open()
    assert desk.pending(ticket) == ["step02_terima"]
    ticket = desk.run(ticket, *PATHS[path])
    assert ticket.status == "closed"
    assert ticket.closed_at is not None
    assert ticket.tasks == ()
    assert desk.trail(ticket) == ["step01_eskalasi", *names(PATHS[path])]


def test_lpse_authority_ends_at_step_4_without_reaching_step_5(desk: Desk) -> None:
    ticket = desk.open()
    desk.run(ticket, "step02_terima")
    ticket = desk.do(ticket, "step03_kewenangan", kewenangan="LPSE")
    assert desk.pending(ticket) == ["step04_panduan"]
    ticket = desk.do(ticket, "step04_panduan")
    assert ticket.status == "closed"
    assert "step05_kelengkapan" not in desk.trail(ticket)


@pytest.mark.parametrize("path", sorted(PATHS))
def test_a_path_stopped_in_the_middle_finishes_with_a_new_engine(
        database_url: str, path: str) -> None:
    steps = PATHS[path]
    middle = len(steps) // 2
    first = Database(database_url)
    ticket = Desk(first).open()
    Desk(first).run(ticket, *steps[:middle])
    expected_pending = names(steps)[middle]
    first.dispose()
    definitions._PARSED.clear()  # as if the process had restarted

    second = Database(database_url)
    desk = Desk(second)
    assert desk.pending(ticket.id) == [expected_pending]
    finished = desk.run(desk_ticket(desk, ticket.id), *steps[middle:])
    assert finished.status == "closed"
    assert desk.trail(ticket.id) == ["step01_eskalasi", *names(steps)]
    second.dispose()


def desk_ticket(desk: Desk, ticket_id: int) -> Any:
    return engine.get_ticket(desk.database.uow(), desk.user("helpdesk.lkpp"), ticket_id)


def test_pending_task_names_its_lane_step_and_form(desk: Desk) -> None:
    ticket = desk.open()
    desk.run(ticket, "step02_terima", "step03_kewenangan",
             ("step05_kelengkapan", {"perlu_data_tambahan": True}), "step06_minta_data")
    task = desk.task(ticket, "step07_terima_permintaan")
    assert task.lane == "Admin LPSE"
    assert task.sop_step == 7
    assert task.lpse == "LPSE Kota Bandung"
    assert task.form["type"] == "object"
    assert task.documentation
    assert task.ticket_number.startswith("ESK-")
