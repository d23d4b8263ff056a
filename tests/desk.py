"""A small helper for tests: act as a demo user, with sensible form data for every step."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, text

import engine
from engine import Database, Task, Ticket, User

STEP_DATA: dict[str, dict[str, Any]] = {
    "step01_eskalasi": {
        "judul": "Gagal unggah dokumen penawaran",
        "aplikasi": "SPSE 4.5",
        "kode_error": "ERR-UPLOAD-413",
        "kode_tender": "12345678",
        "tipe_tiket": "Permasalahan",
        "deskripsi": "Penyedia tidak dapat mengunggah dokumen penawaran sejak pagi.",
    },
    "step02_terima": {"catatan_telaah": "Sudah dipelajari."},
    "step03_kewenangan": {"kewenangan": "LKPP", "alasan_kewenangan": "Masalah server pusat."},
    "step04_panduan": {"panduan": "Silakan ikuti panduan reset akun di LPSE Anda."},
    "step05_kelengkapan": {"perlu_data_tambahan": False},
    "step06_minta_data": {"data_diminta": "Tangkapan layar galat", "konfirmasi_telepon": False},
    "step07_terima_permintaan": {},
    "step08_data_pengguna": {"perlu_data_pengguna": False},
    "step09_kirim_data_pengguna": {"data_dari_pengguna": "Tangkapan layar terlampir."},
    "step10_kirim_data": {"data_tambahan": "Log server LPSE terlampir."},
    "step11_terima_data": {},
    "step12_penanganan": {"tindakan": "Memperbaiki konfigurasi batas unggah."},
    "step13_cek_selesai": {"masalah_selesai": True},
    "step14_balas_selesai": {"solusi": "Batas unggah sudah dinaikkan."},
    "step15_periksa": {"hasil_pemeriksaan": "Sudah bisa unggah."},
    "step16_konfirmasi": {"terselesaikan": True},
    "step17_tutup": {"rating": 5, "komentar": "Terima kasih."},
}

# Who does each step on a Bandung ticket.
STEP_ACTOR = {
    "step01_eskalasi": "admin.bandung",
    "step07_terima_permintaan": "admin.bandung",
    "step08_data_pengguna": "admin.bandung",
    "step10_kirim_data": "admin.bandung",
    "step17_tutup": "admin.bandung",
    "step09_kirim_data_pengguna": "pengguna.bandung",
    "step15_periksa": "pengguna.bandung",
    "step16_konfirmasi": "pengguna.bandung",
}


@contextmanager
def append_only_lifted(connection: Connection) -> Iterator[None]:
    """Inside the connection's transaction, what a database administrator can do: drop (on
    PostgreSQL, disable) the triggers that refuse changes to events; they come back after."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE events DISABLE TRIGGER USER"))
        yield
        connection.execute(text("ALTER TABLE events ENABLE TRIGGER USER"))
        return
    triggers = connection.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
    )).all()
    for name, _ in triggers:
        connection.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _, sql in triggers:
        connection.execute(text(sql))


class Desk:
    """Does what the demo users do, through the engine's public API."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def user(self, username: str) -> User:
        """The demo user with this username."""
        return engine.get_user(self.database.uow(), username)

    def tamper(self, sql: str, **params: object) -> None:
        """Change the database behind the engine's back, as a database administrator could:
        the triggers that keep events append-only are lifted for the statement and put back
        (`:data` is JSON text; PostgreSQL is told so)."""
        if self.database.engine.dialect.name == "postgresql":
            sql = sql.replace(":data", "CAST(:data AS json)")
        with self.database.engine.begin() as connection, append_only_lifted(connection):
            connection.execute(text(sql), params)

    def open(self, admin: str = "admin.bandung", reporter: str = "pengguna.bandung",
             **changes: Any) -> Ticket:
        """Open a ticket with the step-1 sample data, changed as asked."""
        data = {**STEP_DATA["step01_eskalasi"], **changes}
        return engine.open_ticket(self.database.uow(), self.user(admin), reporter, data)

    def task(self, ticket: Ticket | int, step: str, username: str | None = None) -> Task:
        """The pending task of `step` on the ticket, as its user sees it in their inbox."""
        ticket_id = ticket if isinstance(ticket, int) else ticket.id
        actor = self.user(username or STEP_ACTOR.get(step, "helpdesk.lkpp"))
        for task in engine.list_tasks(self.database.uow(), actor):
            if task.ticket_id == ticket_id and task.spec_name == step:
                return task
        raise AssertionError(f"{actor.username} has no pending {step} on ticket {ticket_id}")

    def do(self, ticket: Ticket | int, step: str, username: str | None = None,
           **changes: Any) -> Ticket:
        """Complete `step` with its sample data (changed as asked) as the right user."""
        task = self.task(ticket, step, username)
        actor = self.user(username or STEP_ACTOR.get(step, "helpdesk.lkpp"))
        data = {**STEP_DATA[step], **changes}
        return engine.complete_task(self.database.uow(), actor, task.id, data)

    def run(self, ticket: Ticket, *steps: str | tuple[str, dict[str, Any]]) -> Ticket:
        """Complete several steps in turn; a step may carry data changes."""
        for step in steps:
            name, changes = (step, {}) if isinstance(step, str) else step
            ticket = self.do(ticket, name, **changes)
        return ticket

    def pending(self, ticket: Ticket | int) -> list[str]:
        """The spec names of the ticket's pending tasks, as Helpdesk LKPP sees the ticket."""
        ticket_id = ticket if isinstance(ticket, int) else ticket.id
        found = engine.get_ticket(self.database.uow(), self.user("helpdesk.lkpp"), ticket_id)
        return [task.spec_name for task in found.tasks]

    def trail(self, ticket: Ticket | int) -> list[str]:
        """The steps the ticket went through, from its audit events."""
        ticket_id = ticket if isinstance(ticket, int) else ticket.id
        events = engine.list_events(self.database.uow(), self.user("auditor"), ticket_id)
        return [event.task or event.type for event in events]
