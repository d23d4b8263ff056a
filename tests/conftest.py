"""Fixtures shared by every tier: a real database (SQLite file or PostgreSQL) and the desk."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Integer, create_engine, text

import engine
from engine import Database
from engine.persistence.tables import Base
from tests.desk import Desk, append_only_lifted
from tests.integration.smtp import SmtpServer
from web import create_app
from web.config import DATABASE_EXTENSION

POSTGRES_URL = os.environ.get("ESKALASI_TEST_DATABASE_URL", "")


def reset_postgres(url: str) -> None:
    """Drop and recreate the public schema: every test starts from nothing."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    admin.dispose()


class PostgresSnapshot:
    """The PostgreSQL test database right after `eskalasi init --demo`, restorable per test.

    Initialising (migrations, deploying, hashing demo passwords) takes a second; truncating
    the tables and putting the few initial rows back takes a few milliseconds.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.rows: dict[str, list[dict[str, object]]] | None = None

    def take(self) -> None:
        reset_postgres(self.url)
        database = Database(self.url)
        engine.init(database, demo=True)
        with database.engine.connect() as connection:
            self.rows = {table.name: [dict(row._mapping) for row in
                                      connection.execute(table.select())]
                         for table in Base.metadata.sorted_tables}
        database.dispose()

    def restore(self) -> None:
        if self.rows is None:
            self.take()
            return
        tables = Base.metadata.sorted_tables
        connection_engine = create_engine(self.url)
        with connection_engine.begin() as connection, append_only_lifted(connection):
            names = ", ".join(table.name for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            for table in tables:
                if self.rows[table.name]:
                    connection.execute(table.insert(), self.rows[table.name])
                if "id" in table.c and isinstance(table.c.id.type, Integer):
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"))
        connection_engine.dispose()

    def forget(self) -> None:
        """The schema is about to be dropped: take a new snapshot next time."""
        self.rows = None


@pytest.fixture(scope="session")
def postgres_snapshot() -> PostgresSnapshot | None:
    """The restorable initial PostgreSQL state, when the suite runs on PostgreSQL."""
    return PostgresSnapshot(POSTGRES_URL) if POSTGRES_URL else None


@pytest.fixture(scope="session")
def initialised_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One initialised SQLite file (schema, first version, demo data), copied per test."""
    path = tmp_path_factory.mktemp("template") / "eskalasi.sqlite3"
    database = Database(f"sqlite:///{path}")
    engine.init(database, demo=True)
    database.dispose()
    return path


@pytest.fixture
def empty_database_url(tmp_path: Path, postgres_snapshot: PostgresSnapshot | None) -> str:
    """A database with nothing in it: a new SQLite file, or a wiped PostgreSQL schema."""
    if postgres_snapshot is not None:
        postgres_snapshot.forget()
        reset_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / 'eskalasi.sqlite3'}"


@pytest.fixture
def database_url(tmp_path: Path, initialised_sqlite: Path,
                 postgres_snapshot: PostgresSnapshot | None) -> str:
    """A database after `eskalasi init --demo`."""
    if postgres_snapshot is not None:
        postgres_snapshot.restore()
        return POSTGRES_URL
    path = tmp_path / "eskalasi.sqlite3"
    shutil.copy(initialised_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The initialised database, opened."""
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def desk(database: Database) -> Desk:
    """Acts as the demo users on the initialised database."""
    return Desk(database)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The web app on the initialised database (demo accounts, password eskalasi-demo)."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-key",
                      "ATTACHMENTS_DIR": str(tmp_path / "attachments")})
    yield app
    app.extensions[DATABASE_EXTENSION].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app (CSRF is on, as in production)."""
    return app.test_client()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback (aiosmtpd), running; tests may stop and restart it."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
