"""Migration 0014 (each LPSE's helpdesk email) goes down and up again, keeping the directory."""

from __future__ import annotations

import io

from sqlalchemy import inspect, text

import engine
from engine import Database
from tests.integration.migrations import move


def test_migration_0014_goes_down_and_up_keeping_the_lpses(empty_database_url: str) -> None:
    def columns() -> list[str]:
        return [column["name"] for column in inspect(database.engine).get_columns("lpse")]

    with Database(empty_database_url) as database:
        engine.init(database, demo=True)
        administrator = engine.command_line_administrator("tests")
        engine.import_directory(database.uow(), administrator, io.BytesIO(
            b"kode,nama,zona_waktu,email\nkota-ambon,LPSE Kota Ambon,WIT,lpse@ambon.go.id\n"))
        assert "email" in columns()
        move(database.engine, "0013")
        assert "email" not in columns()
        with database.engine.connect() as connection:
            assert connection.execute(text(
                "SELECT timezone FROM lpse WHERE code = 'kota-ambon'")).scalar_one() == (
                "Asia/Jayapura")
        move(database.engine, "head")
        assert "email" in columns()
        assert engine.get_lpse(database.uow(), administrator, "kota-ambon").email is None
        engine.edit_lpse(database.uow(), administrator, "kota-ambon", "LPSE Kota Ambon", "WIT",
                         "lpse@ambon.go.id")
        assert engine.get_lpse(database.uow(), administrator,
                               "kota-ambon").email == "lpse@ambon.go.id"
