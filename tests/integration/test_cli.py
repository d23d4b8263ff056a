"""The `eskalasi` command line: init, validate, deploy, verify, with CONTRACT.md's exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine import Database
from tests.desk import Desk
from tests.integration.command_line import run


def test_init_demo_is_idempotent(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "init", "--demo")
    assert code == 0 and "deployed escalation.bpmn as version 1" in out
    assert "9 account(s) added" in out
    code, out = run(capsys, "init", "--demo")
    assert code == 0 and "deployed" not in out and "0 account(s) added" in out


def test_validate_prints_file_line_message_and_exits_1(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diagram = workdir / "processes" / "escalation.bpmn"
    assert run(capsys, "validate", str(diagram)) == (0, f"{diagram}: valid\n")
    diagram.write_text(diagram.read_text().replace('name="sopStep" value="9"',
                                                   'name="sopStep" value="nine"'))
    code, out = run(capsys, "validate", str(diagram))
    assert code == 1
    lines = [line.split(":", 2) for line in out.splitlines()]
    assert [path for path, _, _ in lines] == [str(diagram)] * 2
    assert all(number.isdigit() for _, number, _ in lines)
    assert any("sopStep 'nine' is not a step number" in message for _, _, message in lines)
    assert any("SOP step(s) 9 are carried out by no element" in m for _, _, m in lines)


def test_validate_names_a_broken_form_file(workdir: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    form = workdir / "processes" / "forms" / "step17_tutup.json"
    form.write_text("{")
    code, out = run(capsys, "validate", str(workdir / "processes" / "escalation.bpmn"))
    assert code == 1 and out.startswith(f"{form}:1: not valid JSON")


def test_deploy_refuses_an_invalid_diagram_and_stores_nothing(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "init")
    hostile = workdir / "hostile.bpmn"
    hostile.write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM '
                       '"file:///etc/passwd">]>\n<x>&e;</x>\n')
    code, out = run(capsys, "deploy", str(hostile))
    assert code == 1 and f"{hostile}:2: DOCTYPE" in out and "not deployed" in out
    with Database(engine.Settings.from_environment()) as database:
        assert len(engine.list_versions(database.uow(), engine.command_line_operator("tests"))) == 1


def test_deploy_a_changed_diagram_then_verify_all(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "init", "--demo")
    diagram = workdir / "processes" / "escalation.bpmn"
    diagram.write_text(diagram.read_text().replace('name="Mulai"', 'name="Mulai eskalasi"'))
    code, out = run(capsys, "deploy", str(diagram), "--note", "rename start")
    assert code == 0 and "deployed, version 2" in out
    database = Database(engine.Settings.from_environment())  # disposed at the end
    desk = Desk(database)
    ticket = desk.run(desk.open(), "step02_terima")
    code, out = run(capsys, "verify", "--all")
    assert code == 0 and "1 ticket(s) checked, 0 failed" in out
    desk.tamper("UPDATE events SET actor = 'someone' WHERE seq = 2")
    code, out = run(capsys, "verify", ticket.number)
    assert code == 1 and f"{ticket.number}: FAILED" in out
    database.dispose()


def test_verify_an_unknown_ticket_says_so(workdir: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "init")
    code, out = run(capsys, "verify", "ESK-1999-000001")
    assert code == 1 and "no ticket 'ESK-1999-000001'" in out


def test_the_console_script_is_installed(workdir: Path) -> None:
    script = Path(sys.executable).parent / "eskalasi"
    diagram = workdir / "processes" / "escalation.bpmn"
    diagram.write_text("<not-closed")
    done = subprocess.run([str(script), "validate", str(diagram)], capture_output=True,
                          text=True, env={**os.environ}, timeout=120)
    assert done.returncode == 1
    assert done.stdout.startswith(f"{diagram}:1: malformed XML")


def test_an_unreachable_database_is_one_clear_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ESKALASI_DATABASE_URL",
                       "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    for command in (["init"], ["verify", "--all"]):
        code, out = run(capsys, *command)
        assert code == 1
        assert out.startswith("eskalasi: the database is unavailable")
        assert "Traceback" not in out


def test_verify_before_init_says_what_to_do(workdir: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "verify", "--all")
    assert code == 1 and "run `eskalasi init` first" in out


def test_init_demo_gives_the_accounts_the_demo_password_of_the_environment(
        workdir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ESKALASI_DEMO_PASSWORD", "lain-kali-saja")
    assert run(capsys, "init", "--demo")[0] == 0
    with Database(engine.Settings.from_environment()) as database:
        assert engine.authenticate(database.uow(), "auditor", "lain-kali-saja") is not None
        assert engine.authenticate(database.uow(), "helpdesk.lkpp", "eskalasi-demo") is None


def test_a_bad_setting_is_one_clear_line(workdir: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ESKALASI_SMTP_HOST", "mail.lkpp.test")
    monkeypatch.setenv("ESKALASI_SMTP_PORT", "dua lima")
    code, out = run(capsys, "worker", "--once")
    assert code == 2
    assert out == "eskalasi: ESKALASI_SMTP_PORT must be a whole number, not 'dua lima'\n"
