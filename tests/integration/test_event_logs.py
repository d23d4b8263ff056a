"""The event logs for process-mining tools (issue 16), read back by pm4py: XES and OCEL 2.0
hold every closed ticket and every step event, named by SOP step, with the lane and a
pseudonym; and a log of valid SOP paths replays on our diagram with fitness 1.0.

pm4py is AGPL and only a test dependency: the application never imports it.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

import engine
from cli.main import main
from engine.audit.event_log import pseudonym
from engine.process.files import DEFAULT_DIAGRAM
from tests.desk import Desk
from tests.integration.api_client import Api
from tests.integration.test_sop_paths import PATHS, names
from tests.pages import visitor

KEY = "test-key"  # the app fixture's SECRET_KEY


@contextmanager
def quiet() -> Iterator[Any]:
    """pm4py, its warnings (optional speed-ups, pandas) silenced for the call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py  # test-only (AGPL): imported here, never by the app
        yield pm4py


def closed_tickets(desk: Desk) -> dict[str, tuple[engine.Ticket, list[str]]]:
    """One closed ticket per SOP path (its steps, step 1 included), and an open one."""
    made = {}
    for name in sorted(PATHS):
        ticket = desk.run(desk.open(), *PATHS[name])
        assert ticket.status == "closed"
        made[name] = (ticket, ["step01_eskalasi", *names(PATHS[name])])
    desk.run(desk.open(), "step02_terima")  # open: not in the log
    return made


def test_the_xes_log_read_by_pm4py_has_every_closed_ticket_and_step(
        desk: Desk, tmp_path: Path) -> None:
    made = closed_tickets(desk)
    log = engine.event_log(desk.database.uow(), desk.user("auditor"), KEY)
    path = tmp_path / "log.xes"
    path.write_bytes(engine.to_xes(log))
    with quiet() as pm4py:
        frame = pm4py.read_xes(str(path))
    by_case = {number: list(group["task"]) for number, group in
               frame.sort_values(["case:concept:name", "time:timestamp"], kind="stable")
               .groupby("case:concept:name", sort=False)}
    assert by_case == {ticket.number: steps for ticket, steps in made.values()}
    assert len(frame) == sum(len(steps) for _, steps in made.values())
    assert set(frame["lifecycle:transition"]) == {"complete"}
    step5 = frame[frame["sop_step"] == 5]
    assert set(step5["concept:name"]) == {
        "Langkah 5: Menilai kejelasan dan kelengkapan informasi permasalahan"}
    assert set(frame[frame["task"] == "step09_kirim_data_pengguna"]["org:role"]) == {
        "Pengguna SPSE"}
    assert set(frame[frame["task"] == "step17_tutup"]["org:role"]) == {"Admin LPSE"}
    # People are pseudonyms, one per person, the same in every export.
    resources = set(frame["org:resource"])
    assert resources == {pseudonym(KEY, username)
                         for username in ("admin.bandung", "helpdesk.lkpp",
                                          "pengguna.bandung")}
    assert all(r.startswith("pengguna-") and len(r) == len("pengguna-") + 12
               for r in resources)
    assert "helpdesk.lkpp" not in path.read_text()
    again = engine.event_log(desk.database.uow(), desk.user("auditor"), KEY)
    assert engine.to_xes(again) == path.read_bytes()


def test_the_ocel_log_read_by_pm4py_has_every_event_and_object(
        desk: Desk, tmp_path: Path) -> None:
    made = closed_tickets(desk)
    log = engine.event_log(desk.database.uow(), desk.user("auditor"), KEY, names=True)
    path = tmp_path / "log.jsonocel"
    path.write_text(engine.ocel_json(log), encoding="utf-8")
    with quiet() as pm4py:
        ocel = pm4py.read_ocel2_json(str(path))
    total = sum(len(steps) for _, steps in made.values())
    assert len(ocel.events) == total
    tickets = ocel.objects[ocel.objects["ocel:type"] == "ticket"]
    assert set(tickets["ocel:oid"]) == {ticket.number for ticket, _ in made.values()}
    assert set(ocel.objects[ocel.objects["ocel:type"] == "lpse"]["ocel:oid"]) == {
        "lpse:kota-bandung"}
    per_ticket = Counter(ocel.relations[ocel.relations["ocel:type"] == "ticket"]["ocel:oid"])
    assert per_ticket == {ticket.number: len(steps) for ticket, steps in made.values()}
    assert set(ocel.events["org:resource"]) == {"admin.bandung", "helpdesk.lkpp",
                                                "pengguna.bandung"}


def test_a_log_of_valid_paths_replays_on_the_diagram_with_fitness_one(
        desk: Desk, tmp_path: Path) -> None:
    closed_tickets(desk)
    path = tmp_path / "log.xes"
    path.write_bytes(engine.to_xes(engine.event_log(desk.database.uow(),
                                                    desk.user("auditor"), KEY)))
    with quiet() as pm4py:
        frame = pm4py.read_xes(str(path))
        # The diagram's tasks are named as the log's steps after "Langkah N: ".
        frame["concept:name"] = frame["concept:name"].str.split(": ", n=1).str[1]
        diagram = pm4py.read_bpmn(str(DEFAULT_DIAGRAM))
        net, initial, final = pm4py.convert_to_petri_net(diagram)
        fitness = pm4py.fitness_token_based_replay(frame, net, initial, final)
        # A trace the diagram does not allow (step 17 before step 2) does not fit.
        first = frame[frame["case:concept:name"] == frame["case:concept:name"].iloc[0]]
        wrong = first.iloc[::-1].copy()
        wrong["time:timestamp"] = first["time:timestamp"].to_numpy()
        unfit = pm4py.fitness_token_based_replay(wrong, net, initial, final)
    assert fitness["perc_fit_traces"] == 100.0
    assert fitness["log_fitness"] == pytest.approx(1.0)
    assert unfit["perc_fit_traces"] == 0.0


def test_the_log_covers_the_closed_tickets_opened_in_the_range_only(desk: Desk) -> None:
    closed_tickets(desk)
    # The range is in days of WIB (after 17:00 UTC it is already tomorrow in Jakarta).
    today = datetime.now(ZoneInfo(engine.DEFAULT_TIMEZONE)).date()
    now = engine.event_log(desk.database.uow(), desk.user("auditor"), KEY, today, today)
    assert len(now.traces) == len(PATHS)
    old = engine.event_log(desk.database.uow(), desk.user("auditor"), KEY,
                           date(2001, 1, 1), date(2001, 12, 31))
    assert old.traces == () and b"<trace>" not in engine.to_xes(old)


def test_auditors_get_the_logs_from_page_and_api_and_others_do_not(
        app: Flask, desk: Desk) -> None:
    closed_tickets(desk)
    auditor = visitor(app, "auditor")
    page = auditor.get("/audit/ekspor")
    assert page.status_code == 200
    for link in ("/audit/log-peristiwa.xes", "/audit/log-peristiwa.jsonocel",
                 "/audit/ekspor.xlsx", "/audit/ekspor.csv"):
        assert link in page.text
    xes = auditor.get("/audit/log-peristiwa.xes?dari=2020-01-01")
    assert xes.status_code == 200 and xes.mimetype == "application/xml"
    assert xes.data.count(b"<trace>") == len(PATHS)
    assert b"helpdesk.lkpp" not in xes.data
    named = auditor.get("/audit/log-peristiwa.jsonocel?nama=1")
    assert "helpdesk.lkpp" in {e["attributes"][2]["value"]
                               for e in json.loads(named.data)["events"]}
    bad = auditor.get("/audit/log-peristiwa.xes?dari=kemarin")
    assert bad.status_code == 422 and "Tanggal tidak dikenali" in bad.text
    api = Api(app, app.test_client())
    answer = api.get("/exports/xes?from=2020-01-01&to=2099-12-31", "auditor")
    assert answer.status_code == 200 and answer.data.count(b"<trace>") == len(PATHS)
    ocel = api.get("/exports/ocel", "auditor")
    assert len({o["id"] for o in ocel.get_json()["objects"]
                if o["type"] == "ticket"}) == len(PATHS)
    refused = api.get("/exports/xes?from=bukan-tanggal", "auditor")
    assert refused.status_code == 422 and "from" in refused.get_json()["errors"]
    assert api.get("/exports/xes", "helpdesk.lkpp").status_code == 403
    assert visitor(app, "helpdesk.lkpp").get("/audit/log-peristiwa.xes").status_code == 404


def test_eskalasi_export_writes_the_xes_and_ocel_files(
        desk: Desk, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    made = closed_tickets(desk)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ESKALASI_DATABASE_URL", database_url)
    monkeypatch.setenv("ESKALASI_SECRET_KEY", KEY)
    code = main(["export", "--xes", "log.xes", "--ocel", "log.jsonocel",
                 "--from", "2020-01-01"])
    out = capsys.readouterr().out
    assert code == 0, out
    total = sum(len(steps) for _, steps in made.values())
    assert f"log.xes: {len(PATHS)} ticket(s), {total} event(s), people pseudonymised" in out
    with quiet() as pm4py:
        frame = pm4py.read_xes(str(tmp_path / "log.xes"))
    assert len(frame) == total
    assert len(json.loads((tmp_path / "log.jsonocel").read_text())["events"]) == total
    # The same pseudonyms as the web app's, which signs with the same key.
    log = engine.event_log(desk.database.uow(), desk.user("auditor"), KEY)
    assert (tmp_path / "log.xes").read_bytes() == engine.to_xes(log)
    with pytest.raises(SystemExit) as refused:
        main(["export", "--xes", "x.xes", "--from", "31-12-2026"])
    assert refused.value.code == 2
    assert "'31-12-2026' is not a date" in capsys.readouterr().err
    assert main(["export"]) == 2
    assert not (tmp_path / "x.xes").exists()


def test_a_claimed_task_starts_when_it_was_first_claimed(desk: Desk) -> None:
    ticket = desk.open()
    task = desk.task(ticket, "step02_terima")
    for _ in range(2):  # claiming again changes nothing; the first claim is the start
        engine.claim_task(desk.database.uow(), desk.user("helpdesk.lkpp"), task.id)
    desk.run(ticket, *PATHS["lpse_authority"])
    [trace] = engine.event_log(desk.database.uow(), desk.user("auditor"), KEY).traces
    step2 = [(e.lifecycle, e.resource) for e in trace.events if e.sop_step == 2]
    helpdesk = pseudonym(KEY, "helpdesk.lkpp")
    assert step2 == [("start", helpdesk), ("complete", helpdesk)]
    assert [e.timestamp for e in trace.events] == sorted(e.timestamp for e in trace.events)


def test_the_share_of_closed_tickets_on_a_path_the_diagram_allows(
        app: Flask, desk: Desk) -> None:
    made = closed_tickets(desk)
    auditor = desk.user("auditor")
    assert engine.path_conformance(desk.database.uow(), auditor) == engine.Share(
        len(PATHS), len(PATHS))
    # Step 4 recorded as done right after step 1, step 3 not at all: a path the diagram
    # does not allow.
    ticket, _ = made["lpse_authority"]
    desk.tamper("UPDATE tasks SET completed_at = (SELECT MIN(completed_at) FROM tasks "
                "WHERE ticket_id = :id) WHERE ticket_id = :id AND spec_name = 'step04_panduan'",
                id=ticket.id)
    desk.tamper("UPDATE tasks SET completed_at = NULL WHERE ticket_id = :id "
                "AND spec_name = 'step03_kewenangan'", id=ticket.id)
    assert engine.path_conformance(desk.database.uow(), auditor) == engine.Share(
        len(PATHS) - 1, len(PATHS))
    page = visitor(app, "auditor").get("/audit/ekspor")
    assert f"({len(PATHS) - 1}/{len(PATHS)})" in page.text
