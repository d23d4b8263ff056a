"""A real database outage, not a monkeypatched error: the SQLite file turned into something
that is no database, and a private PostgreSQL server stopped mid-run. The pages answer 503,
the API a 503 problem, the command line one line and exit status 1; never a 500, never a
traceback, never the driver's words (addresses, file names) outside the command line; and
everything works again once the database is back."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

import engine
from cli.main import main as eskalasi
from engine import Database
from tests.integration.api_client import Api
from tests.pages import Visitor, texts, visitor
from web import create_app
from web.config import DATABASE_EXTENSION

PG_BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
REQUIRE_POSTGRES = os.environ.get("ESKALASI_REQUIRE_POSTGRES") == "1"


def make_app(url: str, folder: Path) -> Flask:
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-key",
                       "ATTACHMENTS_DIR": str(folder / "attachments")})


class Site:
    """The three doors to one database: a signed-in page visitor, the API, the CLI."""

    def __init__(self, app: Flask, url: str, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str]) -> None:
        self.app, self.url, self.capsys = app, url, capsys
        self.person: Visitor = visitor(app, "helpdesk.lkpp")
        self.api = Api(app, app.test_client())
        monkeypatch.setenv("ESKALASI_DATABASE_URL", url)

    def assert_up(self) -> None:
        assert self.person.get("/tugas").status_code == 200
        assert self.api.get("/tasks", "helpdesk.lkpp").status_code == 200
        assert self.cli("worker", "--once")[0] == 0
        assert self.cli("verify", "--all")[0] == 0

    def assert_down(self) -> None:
        for command in (["worker", "--once"], ["verify", "--all"]):
            status, errors = self.cli(*command)
            assert status == 1, command
            assert len(errors.splitlines()) == 1 and errors.startswith("eskalasi: "), errors
        reason = errors.split("unavailable:", 1)[-1].strip()  # the driver's own words
        page = self.person.get("/tugas")
        assert page.status_code == 503, page.text[:500]
        assert texts(page, "//h1") == ["Layanan tidak tersedia"]
        assert "Traceback" not in page.text and reason not in page.text
        answer = self.api.get("/tasks", "helpdesk.lkpp")
        assert answer.status_code == 503, answer.text[:500]
        assert answer.json["status"] == 503
        assert "Traceback" not in answer.text and reason not in answer.text

    def cli(self, *argv: str) -> tuple[int, str]:
        """Exit status and stderr of `eskalasi ARGV` on this database."""
        self.capsys.readouterr()
        status = eskalasi(list(argv))
        return status, self.capsys.readouterr().err


@pytest.fixture
def site_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[[str], Site]]:
    monkeypatch.chdir(tmp_path)  # the CLI's instance/ folder
    apps: list[Flask] = []

    def build(url: str) -> Site:
        apps.append(make_app(url, tmp_path))
        return Site(apps[-1], url, monkeypatch, capsys)

    yield build
    for app in apps:
        app.extensions[DATABASE_EXTENSION].dispose()


def not_a_database(path: Path) -> None:
    path.write_bytes(b"this is no SQLite database\n" * 512)


def a_folder(path: Path) -> None:
    path.mkdir()


@pytest.mark.parametrize("break_file", [not_a_database, a_folder])
def test_a_sqlite_file_that_cannot_be_read_is_a_clear_503_and_comes_back(
        tmp_path: Path, initialised_sqlite: Path, site_on: Callable[[str], Site],
        break_file: Callable[[Path], None]) -> None:
    # Garbage or a folder where the file was: unlike chmod 000, it stops root as well.
    path = tmp_path / "eskalasi.sqlite3"
    shutil.copy(initialised_sqlite, path)
    site = site_on(f"sqlite:///{path}")
    site.assert_up()

    site.app.extensions[DATABASE_EXTENSION].dispose()  # pooled connections hold the old file
    path.rename(tmp_path / "aside.sqlite3")
    break_file(path)
    site.assert_down()

    site.app.extensions[DATABASE_EXTENSION].dispose()
    shutil.rmtree(path) if path.is_dir() else path.unlink()
    (tmp_path / "aside.sqlite3").rename(path)
    site.assert_up()


class PrivateServer:
    """A PostgreSQL server of this test's own (initdb into a temporary folder, a free port):
    the shared server the rest of the suite uses is never stopped."""

    def __init__(self) -> None:
        self.bin = Path(PG_BINARIES[-1])
        self.folder = Path(tempfile.mkdtemp(prefix="eskalasi-pg-"))
        self.data = self.folder / "data"
        # initdb refuses to run as root: as root, run the server as the postgres user.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.folder, "postgres", "postgres")
        self.port = free_port()
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                 "--no-sync", "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: str) -> None:
        subprocess.run([*self.as_owner, str(self.bin / program), *args], check=True,
                       capture_output=True, timeout=120)

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off")
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o",
                 options, "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        subprocess.run([*self.as_owner, str(self.bin / "pg_ctl"), "-D", str(self.data),
                        "-m", "immediate", "stop"], capture_output=True, timeout=120)
        shutil.rmtree(self.folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def private_postgres() -> Iterator[PrivateServer]:
    """A running private PostgreSQL server with the demo data (`eskalasi init --demo`)."""
    if not PG_BINARIES:
        if REQUIRE_POSTGRES:
            pytest.fail("no PostgreSQL server binaries in /usr/lib/postgresql, but "
                        "ESKALASI_REQUIRE_POSTGRES=1")
        pytest.skip("needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin)")
    server = PrivateServer()
    try:
        server.start()
        database = Database(server.url)
        engine.init(database, demo=True)
        database.dispose()
        yield server
    finally:
        server.remove()


def test_a_postgresql_server_stopped_mid_run_is_a_clear_503_and_comes_back(
        private_postgres: PrivateServer, site_on: Callable[[str], Site]) -> None:
    site = site_on(private_postgres.url)
    site.assert_up()

    private_postgres.stop()  # the pool's connections are open: they die with the server
    site.assert_down()

    private_postgres.start()
    site.assert_up()
