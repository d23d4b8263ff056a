"""`eskalasi lpse import`, `users import`, `user add|deactivate` (CONTRACT.md): exit codes,
`FILE:LINE: message` for every bad row, all rows or none, re-imports that change nothing,
and the `people` stream that `verify --all` checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

import engine
from engine import Database
from engine.background import outbox
from tests.desk import Desk
from tests.integration.command_line import run
from tests.integration.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "lpse_sample.csv"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> Path:
    """A working directory and the initialised demo database for the command line."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ESKALASI_DATABASE_URL", database_url)
    return tmp_path


def count(database: Database, sql: str) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def column(database: Database, sql: str) -> list[object]:
    with database.engine.connect() as connection:
        return [row[0] for row in connection.execute(text(sql))]


def people_events(database: Database) -> int:
    return count(database, "SELECT COUNT(*) FROM events WHERE stream = 'people'")


def write(path: Path, content: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(content.encode(encoding))
    return path


def test_the_sample_directory_imports_and_a_second_import_changes_nothing(
        cli_env: Path, database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    rows = len(SAMPLE.read_text(encoding="utf-8").splitlines()) - 1
    assert rows >= 300
    code, out = run(capsys, "lpse", "import", str(SAMPLE))
    assert code == 0, out
    # The two demo LPSEs are in the sample: updated (their email), not added twice.
    assert f"{rows - 2} LPSE added, 2 updated, 0 unchanged" in out
    assert count(database, "SELECT COUNT(*) FROM lpse") == rows
    events = people_events(database)
    assert events == rows
    code, out = run(capsys, "lpse", "import", str(SAMPLE))
    assert code == 0 and f"0 LPSE added, 0 updated, {rows} unchanged" in out
    assert people_events(database) == events
    zones = set(column(database, "SELECT DISTINCT timezone FROM lpse"))
    assert zones == {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}


def test_a_spreadsheet_csv_with_bom_semicolons_and_crlf_is_read(
        cli_env: Path, database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(cli_env / "lpse.csv",
                 "\ufeffKode;Nama;Zona_Waktu;Email\r\n"
                 "kabupaten-sleman;LPSE Kabupaten Sleman;wib;lpse@slemankab.go.id\r\n"
                 '"kota-ambon";"LPSE Kota Ambon; Maluku";Asia/Jayapura;\r\n')
    code, out = run(capsys, "lpse", "import", str(path))
    assert code == 0, out
    with database.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT code, name, timezone, email FROM lpse WHERE code IN "
            "('kabupaten-sleman', 'kota-ambon') ORDER BY code")).all()
    assert [tuple(row) for row in rows] == [
        ("kabupaten-sleman", "LPSE Kabupaten Sleman", "Asia/Jakarta", "lpse@slemankab.go.id"),
        ("kota-ambon", "LPSE Kota Ambon; Maluku", "Asia/Jayapura", None)]


def test_every_bad_directory_row_is_named_by_line_and_nothing_is_imported(
        cli_env: Path, database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(cli_env / "lpse.csv",
                 "kode,nama,zona_waktu,email\n"
                 "kota-baru,LPSE Kota Baru,WIB,\n"
                 "kota-mars,LPSE Kota Mars,Mars/Olympus,\n"
                 "kota-baru,LPSE Kota Baru Lagi,WITA,\n"
                 "kota-kosong,,WIT,\n"
                 "kota-surel,LPSE Kota Surel,WIB,bukan-email\n"
                 "Kota Salah,LPSE,WIB,\n"
                 "kota-pendek,LPSE\n")
    before = count(database, "SELECT COUNT(*) FROM lpse")
    code, out = run(capsys, "lpse", "import", str(path))
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith(f"{path}:")]
    assert lines == [
        f"{path}:3: unknown time zone 'Mars/Olympus': use WIB, WITA, WIT or an IANA zone name "
        "(e.g. Asia/Makassar)",
        f"{path}:4: the kode 'kota-baru' already appears on line 2",
        f"{path}:5: the LPSE name is empty",
        f"{path}:6: the email address 'bukan-email' is not valid",
        f"{path}:7: the kode 'Kota Salah' is not valid: lower-case letters, digits and hyphens,"
        " at most 64 characters",
        f"{path}:8: this row has 2 columns, the header row 4",
        f"{path}: nothing imported (6 problem(s))",
    ]
    assert count(database, "SELECT COUNT(*) FROM lpse") == before
    assert people_events(database) == 0


def test_a_file_that_is_not_utf8_or_lacks_columns_is_refused_clearly(
        cli_env: Path, database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    latin = write(cli_env / "latin.csv", "kode,nama,zona_waktu\nkota-a,LPSE Kota Ä,WIB\n",
                  "latin-1")
    code, out = run(capsys, "lpse", "import", str(latin))
    assert code == 1 and f"{latin}:2: the file is not valid UTF-8" in out
    columns = write(cli_env / "columns.csv", "kode,name\nkota-a,LPSE Kota A\n")
    code, out = run(capsys, "lpse", "import", str(columns))
    assert code == 1
    assert f"{columns}:1: column nama, zona_waktu is missing from the header row" in out
    empty = write(cli_env / "empty.csv", "")
    assert run(capsys, "lpse", "import", str(empty))[0] == 1
    code, out = run(capsys, "lpse", "import", str(cli_env / "missing.csv"))
    assert code == 1 and "missing.csv:0: cannot read the file" in out
    assert people_events(database) == 0


def test_users_import_is_all_or_nothing_and_a_second_import_changes_nothing(
        cli_env: Path, database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    good = ("username;nama;email;peran;lpse\r\n"
            "budi.bandung;Budi Santoso;budi@bandung.go.id;pengguna;kota-bandung\r\n"
            "rina.admin;Rina Admin;rina@surabaya.go.id;admin_lpse;kota-surabaya\r\n"
            "agus.helpdesk;Agus;agus@lkpp.go.id;helpdesk;\r\n")
    bad = write(cli_env / "bad.csv", good
                + "budi.bandung;Budi Lagi;budi2@bandung.go.id;pengguna;kota-bandung\r\n"
                + "dewi;Dewi;dewi@x.go.id;raja;\r\n"
                + "eko;Eko;eko@x.go.id;pengguna;\r\n"
                + "fajar;Fajar;fajar@x.go.id;auditor;kota-bandung\r\n"
                + "gita;Gita;budi@bandung.go.id;pengguna;kota-bandung\r\n"
                + "hadi;Hadi;hadi@x.go.id;pengguna;kota-atlantis\r\n")
    users = count(database, "SELECT COUNT(*) FROM users")
    code, out = run(capsys, "users", "import", str(bad))
    assert code == 1
    assert [line.split(": ", 1)[0] for line in out.splitlines()[:5]] == [
        f"{bad}:5", f"{bad}:6", f"{bad}:7", f"{bad}:8", f"{bad}:9"]
    assert "the username 'budi.bandung' already appears on line 2" in out
    assert "unknown role 'raja'; use one of: pengguna, admin_lpse" in out
    assert "the role pengguna needs an LPSE (its kode)" in out
    assert "the role auditor is national; leave the LPSE empty" in out
    assert "the email address 'budi@bandung.go.id' already appears on line 2" in out
    assert count(database, "SELECT COUNT(*) FROM users") == users
    # Rows good in themselves, but an LPSE not in the directory: refused as a whole too.
    unknown = write(cli_env / "unknown.csv", good
                    + "hadi;Hadi;hadi@x.go.id;pengguna;kota-atlantis\r\n")
    code, out = run(capsys, "users", "import", str(unknown))
    assert code == 1 and f"{unknown}:5: no LPSE with the kode 'kota-atlantis'" in out
    assert count(database, "SELECT COUNT(*) FROM users") == users
    path = write(cli_env / "users.csv", good)
    code, out = run(capsys, "users", "import", str(path))
    assert code == 0 and "3 account(s) added, 0 updated, 0 unchanged" in out, out
    events = people_events(database)
    code, out = run(capsys, "users", "import", str(path))
    assert code == 0 and "0 account(s) added, 0 updated, 3 unchanged" in out
    assert people_events(database) == events == 3
    # Each new account got one invitation mail; the re-import sent none.
    assert count(database, "SELECT COUNT(*) FROM outbox WHERE recipient IN ('budi@bandung.go.id',"
                           " 'rina@surabaya.go.id', 'agus@lkpp.go.id')") == 3
    assert count(database, "SELECT COUNT(*) FROM password_tokens") == 3
    changed = write(cli_env / "changed.csv", good.replace("Budi Santoso", "Budi S."))
    code, out = run(capsys, "users", "import", str(changed))
    assert code == 0 and "0 account(s) added, 1 updated, 2 unchanged" in out
    assert count(database, "SELECT COUNT(*) FROM users WHERE full_name = 'Budi S.'") == 1


def test_user_add_and_deactivate_exit_0_or_1(
        cli_env: Path, database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "user", "add", "sari.bandung", "--role", "pengguna",
                    "--email", "sari@bandung.go.id", "--lpse", "kota-bandung",
                    "--name", "Sari")
    assert code == 0, out
    assert "sari.bandung: added (Pengguna SPSE, LPSE Kota Bandung)" in out
    code, out = run(capsys, "user", "add", "sari.bandung", "--role", "pengguna",
                    "--email", "sari2@bandung.go.id", "--lpse", "kota-bandung")
    assert code == 1 and "the username 'sari.bandung' is taken" in out
    code, out = run(capsys, "user", "add", "tono", "--role", "kepala", "--email", "tono@x")
    assert code == 1 and "role: unknown role 'kepala'" in out and "email:" in out
    assert run(capsys, "user", "deactivate", "sari.bandung")[0] == 0
    assert count(database, "SELECT COUNT(*) FROM users WHERE username = 'sari.bandung' "
                           "AND active = false") == 1
    code, out = run(capsys, "user", "deactivate", "nobody")
    assert code == 1 and "nobody" in out
    types = column(database, "SELECT type FROM events WHERE stream = 'people' ORDER BY seq")
    assert types == ["user_added", "user_deactivated"]


def test_verify_all_checks_the_people_stream_and_fails_on_a_tampered_account_event(
        cli_env: Path, database: Database, desk: Desk,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "user", "add", "sari.bandung", "--role", "pengguna", "--email",
               "sari@bandung.go.id", "--lpse", "kota-bandung")[0] == 0
    assert run(capsys, "user", "add", "joko", "--role", "helpdesk", "--email",
               "joko@lkpp.go.id")[0] == 0
    code, out = run(capsys, "verify", "--all")
    assert code == 0 and "all verified" in out
    desk.tamper("UPDATE events SET data = :data WHERE stream = 'people' AND seq = 1",
                data='{"username": "sari.bandung", "name": "Sari", "email": '
                     '"sari@bandung.go.id", "role": "Helpdesk LKPP", "lpse": null}')
    code, out = run(capsys, "verify", "--all")
    assert code == 1
    assert "people: FAILED" in out and "event 1 (user_added): content does not match" in out


def test_an_imported_account_gets_a_mail_whose_link_sets_its_password(
        cli_env: Path, database: Database, smtp: SmtpServer,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write(cli_env / "users.csv", "username,nama,email,peran,lpse\n"
                 "budi.bandung,Budi Santoso,budi@bandung.go.id,pengguna,kota-bandung\n")
    assert run(capsys, "users", "import", str(path))[0] == 0
    outbox.send_due(database, smtp.settings)
    [mail] = smtp.to("budi@bandung.go.id")
    found = re.search(r"/sandi/([A-Za-z0-9_-]+)", mail.body)
    assert found and "budi.bandung" in mail.body
    assert engine.check_link(database.uow(), found.group(1)).username == "budi.bandung"
    engine.set_password_with_token(database.uow(), found.group(1), "kuda-lari-pagi-hijau")
    assert engine.authenticate(database.uow(), "budi.bandung",
                               "kuda-lari-pagi-hijau") is not None
