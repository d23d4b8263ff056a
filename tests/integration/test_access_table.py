"""Every demo role against every route of the app, as one table: the status each one gets.

The table covers each (method, rule) of Flask's url_map; a route that is not in it fails
`test_every_route_is_in_the_access_table`, so a new route must say here who may use it.
Besides the status, the lists are checked item by item (nobody sees a ticket or task that
is not theirs), a hidden ticket answers exactly as a missing one does, and no request of
the table changes anything (refusals are refusals; allowed writes are sent invalid data, so
the allowed caller's 422 shows the access check passed without changing the database).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from werkzeug.test import TestResponse

import engine
from engine import Database, Upload
from tests.conftest import POSTGRES_URL, PostgresSnapshot
from tests.desk import STEP_DATA, Desk
from tests.integration.api_client import USERS, Api
from tests.pages import PNG, Visitor, visitor
from web import create_app
from web.config import DATABASE_EXTENSION

ANON = "anonymous"
CALLERS = (ANON, *USERS)
PB, AB, PS, AS = "pengguna.bandung", "admin.bandung", "pengguna.surabaya", "admin.surabaya"
HD, OWNER, AUDITOR = "helpdesk.lkpp", "pemilik.proses", "auditor"
HD2, SYS = "helpdesk2.lkpp", "admin.sistem"  # a second agent; the administrator (issue 12)
IGNORED_METHODS = {"HEAD", "OPTIONS"}
MISSING_TICKET = 987_654
MISSING_TASK = "00000000-0000-4000-8000-000000000000"
# Tables whose rows say what happened to tickets and processes (not sign-in attempts).
STATE_TABLES = ("lpse", "users", "process_versions", "tickets", "tasks", "attachments",
                "events", "notifications", "outbox", "intake_requests")
XML = "application/xml"
PUBLIC_PAGES = {"/keluar", "/bahasa"}  # answer signed-out visitors with a redirect elsewhere


@dataclass
class World:
    """The app with a few tickets at different steps, and a client per caller."""

    app: Flask
    database: Database
    api: Api
    visitors: dict[str, Visitor]
    tickets: dict[str, int] = field(default_factory=dict)  # name -> id
    tasks: dict[str, engine.Task] = field(default_factory=dict)  # name -> pending task
    attachment: str = ""

    def fingerprint(self) -> dict[str, tuple[Any, ...]]:
        """Row counts (and ticket revisions): what a refused request must leave alone."""
        with self.database.engine.connect() as connection:
            found = {}
            for table in STATE_TABLES:
                if connection.dialect.has_table(connection, table):
                    found[table] = tuple(connection.execute(
                        text(f"SELECT COUNT(*) FROM {table}")).one())
            found["revisions"] = tuple(connection.execute(text(
                "SELECT COALESCE(SUM(revision), 0), COALESCE(SUM(event_count), 0) "
                "FROM tickets")).one())
            found["completed"] = tuple(connection.execute(text(
                "SELECT COUNT(*) FROM tasks WHERE completed_at IS NOT NULL")).one())
        return found


def _admin_steps(desk: Desk, ticket: engine.Ticket, admin: str,
                 to_user: bool) -> engine.Ticket:
    """Steps 2-6 (data needed), then step 7 and 8 when the user's lane is wanted."""
    ticket = desk.run(ticket, "step02_terima", "step03_kewenangan",
                      ("step05_kelengkapan", {"perlu_data_tambahan": True}),
                      "step06_minta_data")
    if to_user:
        ticket = desk.do(ticket, "step07_terima_permintaan", admin)
        ticket = desk.do(ticket, "step08_data_pengguna", admin, perlu_data_pengguna=True,
                         permintaan_ke_pengguna="Mohon kirim tangkapan layar.")
    return ticket


def build_world(app: Flask) -> World:
    database: Database = app.extensions[DATABASE_EXTENSION]
    desk = Desk(database)
    with_file = engine.open_ticket(database.uow(), desk.user(AB), PB,
                                   STEP_DATA["step01_eskalasi"], [Upload("layar.png", PNG)])
    admin_b = _admin_steps(desk, desk.open(), AB, to_user=False)
    user_b = _admin_steps(desk, desk.open(), AB, to_user=True)
    admin_s = _admin_steps(desk, desk.open(admin=AS, reporter=PS), AS, to_user=False)
    user_s = _admin_steps(desk, desk.open(admin=AS, reporter=PS), AS, to_user=True)
    world = World(app, database, Api(app, app.test_client()),
                  {ANON: Visitor(app.test_client()),
                   **{user: visitor(app, user) for user in USERS}})
    world.tickets = {"bandung": with_file.id, "bandung_admin": admin_b.id,
                     "bandung_user": user_b.id, "surabaya": admin_s.id,
                     "surabaya_user": user_s.id}
    for name, ticket, step in (("helpdesk_b", with_file, "step02_terima"),
                               ("admin_b", admin_b, "step07_terima_permintaan"),
                               ("user_b", user_b, "step09_kirim_data_pengguna"),
                               ("admin_s", admin_s, "step07_terima_permintaan"),
                               ("user_s", user_s, "step09_kirim_data_pengguna")):
        [task] = engine.get_ticket(database.uow(), desk.user(HD), ticket.id).tasks
        assert task.spec_name == step
        world.tasks[name] = task
    world.attachment = hashlib.sha256(PNG).hexdigest()
    _intake_requests(world, desk)
    _claims(world, desk)
    _knowledge(world, desk)
    return world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, initialised_sqlite: Path,
          postgres_snapshot: PostgresSnapshot | None) -> Iterator[World]:
    """One world for the whole table: no request of the table changes it."""
    folder = tmp_path_factory.mktemp("access")
    if postgres_snapshot is not None:
        postgres_snapshot.restore()
        url = POSTGRES_URL
    else:
        shutil.copy(initialised_sqlite, folder / "eskalasi.sqlite3")
        url = f"sqlite:///{folder / 'eskalasi.sqlite3'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-key",
                      "ATTACHMENTS_DIR": str(folder / "attachments")})
    yield build_world(app)
    app.extensions[DATABASE_EXTENSION].dispose()


# --- expectations ----------------------------------------------------------------------------

Expect = dict[str, int]


def expect(allowed: int, who: tuple[str, ...], *, others: int, anonymous: int) -> Expect:
    """`allowed` for `who`, `others` for every other user, `anonymous` without sign-in."""
    return {caller: anonymous if caller == ANON else allowed if caller in who else others
            for caller in CALLERS}


def everyone(status: int, anonymous: int | None = None) -> Expect:
    return expect(status, USERS, others=status,
                  anonymous=status if anonymous is None else anonymous)


BANDUNG_SEERS = (PB, AB, HD, AUDITOR, HD2)
SURABAYA_SEERS = (PS, AS, HD, AUDITOR, HD2)
TASK_HOLDER = {"helpdesk_b": HD, "admin_b": AB, "user_b": PB, "admin_s": AS, "user_s": PS}
# Who else may complete each task: every Helpdesk LKPP may complete the helpdesk's.
ALSO_HOLDS = {"helpdesk_b": (HD2,)}
VISIBLE_TICKETS = {
    PB: {"bandung", "bandung_admin", "bandung_user"},
    AB: {"bandung", "bandung_admin", "bandung_user"},
    PS: {"surabaya", "surabaya_user"},
    AS: {"surabaya", "surabaya_user"},
    HD: {"bandung", "bandung_admin", "bandung_user", "surabaya", "surabaya_user"},
    AUDITOR: {"bandung", "bandung_admin", "bandung_user", "surabaya", "surabaya_user"},
    OWNER: set(),
    HD2: {"bandung", "bandung_admin", "bandung_user", "surabaya", "surabaya_user"},
    SYS: set(),  # the administrator sees accounts, never ticket content
}


def api_verify(ticket: str) -> Expect:
    seers = BANDUNG_SEERS if ticket == "bandung" else SURABAYA_SEERS
    return {caller: 401 if caller == ANON else 200 if caller == AUDITOR
            else 403 if caller in seers else 404 for caller in CALLERS}


def overlong(task: engine.Task) -> dict[str, str]:
    """Form data that breaks the task's form: a text one character over its limit."""
    for name, prop in task.form.get("properties", {}).items():
        if "maxLength" in prop:
            return {name: "x" * (int(prop["maxLength"]) + 1)}
    raise AssertionError(f"{task.spec_name}: no field with maxLength to break")


Path_ = Callable[[World], str]
Body = Callable[[World, str], dict[str, Any]]


def at(template: str, ident: Callable[[World], object]) -> Path_:
    """The path `template` names with `{}` where the world's id goes."""
    return lambda world: template.format(ident(world))


@dataclass(frozen=True)
class Case:
    """One row of the table: a request and the status each caller gets."""

    name: str
    method: str
    rule: str
    path: Path_
    expected: Expect
    body: Body | None = None
    listed: Callable[[World, str], set[str]] | None = None  # what the caller's answer lists
    shown: Callable[[World, str], set[str]] | None = None   # what it should list

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")


def ticket_ids(world: World, names: set[str]) -> set[str]:
    return {str(world.tickets[name]) for name in names}


def task_ids_of(world: World, caller: str) -> set[str]:
    return {world.tasks[name].id for name, who in TASK_HOLDER.items()
            if caller in (who, *ALSO_HOLDS.get(name, ()))}


def _api_items(key: str) -> Callable[[World, str], set[str]]:
    def listed(world: World, caller: str) -> set[str]:
        response = world.api.get(f"/{key}", caller)
        return {str(item["id"]) for item in response.json["items"]}
    return listed


def _page_items(path: str, pattern: str) -> Callable[[World, str], set[str]]:
    def listed(world: World, caller: str) -> set[str]:
        return set(re.findall(pattern, world.visitors[caller].get(path).text))
    return listed


def _task_cases() -> list[Case]:
    cases = []
    for name, holder in TASK_HOLDER.items():
        holders = (holder, *ALSO_HOLDS.get(name, ()))
        def task_id(world: World, name: str = name) -> str:
            return world.tasks[name].id

        def bad_data(world: World, caller: str, name: str = name) -> dict[str, Any]:
            return {"json": {"data": overlong(world.tasks[name])}}

        def bad_form(world: World, caller: str, name: str = name) -> dict[str, Any]:
            return {"data": overlong(world.tasks[name])}

        cases += [
            Case(f"api task {name}", "GET", "/api/v1/tasks/<uuid:task_id>",
                 at("/api/v1/tasks/{}", task_id),
                 expect(200, holders, others=404, anonymous=401)),
            Case(f"api complete {name}", "POST", "/api/v1/tasks/<uuid:task_id>/complete",
                 at("/api/v1/tasks/{}/complete", task_id),
                 expect(422, holders, others=404, anonymous=401), bad_data),
            Case(f"page task {name}", "GET", "/tugas/<task_id>",
                 at("/tugas/{}", task_id),
                 expect(200, holders, others=404, anonymous=302)),
            Case(f"page complete {name}", "POST", "/tugas/<task_id>",
                 at("/tugas/{}", task_id),
                 expect(422, holders, others=404, anonymous=302), bad_form),
        ]
    return cases


def _ticket_cases() -> list[Case]:
    cases = []
    for name, seers in (("bandung", BANDUNG_SEERS), ("surabaya", SURABAYA_SEERS)):
        def ticket_id(world: World, name: str = name) -> int:
            return world.tickets[name]

        seen = expect(200, seers, others=404, anonymous=401)
        page = expect(200, seers, others=404, anonymous=302)
        cases += [
            Case(f"api ticket {name}", "GET", "/api/v1/tickets/<id:ticket_id>",
                 at("/api/v1/tickets/{}", ticket_id), seen),
            Case(f"api events {name}", "GET", "/api/v1/tickets/<id:ticket_id>/events",
                 at("/api/v1/tickets/{}/events", ticket_id), seen),
            Case(f"api verify {name}", "GET", "/api/v1/tickets/<id:ticket_id>/verify",
                 at("/api/v1/tickets/{}/verify", ticket_id), api_verify(name)),
            Case(f"page ticket {name}", "GET", "/tiket/<id:ticket_id>",
                 at("/tiket/{}", ticket_id), page),
            Case(f"page diagram {name}", "GET", "/tiket/<id:ticket_id>/diagram.json",
                 at("/tiket/{}/diagram.json", ticket_id), page),
        ]
    return cases


MISSING = [
    Case("api missing ticket", "GET", "/api/v1/tickets/<id:ticket_id>",
         lambda w: f"/api/v1/tickets/{MISSING_TICKET}", everyone(404, 401)),
    Case("api missing task", "GET", "/api/v1/tasks/<uuid:task_id>",
         lambda w: f"/api/v1/tasks/{MISSING_TASK}", everyone(404, 401)),
    Case("page missing ticket", "GET", "/tiket/<id:ticket_id>",
         lambda w: f"/tiket/{MISSING_TICKET}", everyone(404, 302)),
    Case("page missing task", "GET", "/tugas/<task_id>",
         lambda w: f"/tugas/{MISSING_TASK}", everyone(404, 302)),
    Case("page attachment of another ticket", "GET", "/tiket/<id:ticket_id>/lampiran/<sha256>",
         lambda w: f"/tiket/{w.tickets['bandung_admin']}/lampiran/{w.attachment}",
         everyone(404, 302)),
]

API = [
    Case("api token", "POST", "/api/v1/auth/token", lambda w: "/api/v1/auth/token",
         everyone(200, 401),
         lambda w, caller: {"json": {"username": caller if caller != ANON else "nobody",
                                     "password": "eskalasi-demo"}}),
    Case("api me", "GET", "/api/v1/me", lambda w: "/api/v1/me", everyone(200, 401)),
    Case("api openapi", "GET", "/api/v1/openapi.json", lambda w: "/api/v1/openapi.json",
         everyone(200)),
    Case("api start form", "GET", "/api/v1/tickets/start-form",
         lambda w: "/api/v1/tickets/start-form", expect(200, (AB, AS), others=403, anonymous=401)),
    Case("api open ticket", "POST", "/api/v1/tickets", lambda w: "/api/v1/tickets",
         expect(422, (AB, AS), others=403, anonymous=401),
         lambda w, caller: {"json": {"reporter": PB, "data": {}}}),
    Case("api tickets", "GET", "/api/v1/tickets", lambda w: "/api/v1/tickets",
         everyone(200, 401), listed=_api_items("tickets"),
         shown=lambda w, caller: ticket_ids(w, VISIBLE_TICKETS[caller])),
    Case("api tasks", "GET", "/api/v1/tasks", lambda w: "/api/v1/tasks", everyone(200, 401),
         listed=_api_items("tasks"), shown=task_ids_of),
    Case("api versions", "GET", "/api/v1/process-versions",
         lambda w: "/api/v1/process-versions",
         expect(200, (OWNER, AUDITOR), others=403, anonymous=401)),
    Case("api validate", "POST", "/api/v1/process-versions/validate",
         lambda w: "/api/v1/process-versions/validate",
         expect(200, (OWNER,), others=403, anonymous=401),
         lambda w, caller: {"data": b"<x/>", "content_type": XML}),
    Case("api deploy", "POST", "/api/v1/process-versions",
         lambda w: "/api/v1/process-versions",
         expect(422, (OWNER,), others=403, anonymous=401),
         lambda w, caller: {"data": b"<x/>", "content_type": XML}),
    # Issue 16: event logs, auditors only.
    Case("api xes", "GET", "/api/v1/exports/xes", lambda w: "/api/v1/exports/xes?from=2020-01-01",
         expect(200, (AUDITOR,), others=403, anonymous=401)),
    Case("api ocel", "GET", "/api/v1/exports/ocel", lambda w: "/api/v1/exports/ocel",
         expect(200, (AUDITOR,), others=403, anonymous=401)),
    Case("api unknown path", "GET", "/api/v1/<path:rest>", lambda w: "/api/v1/nothing/here",
         everyone(404)),
    Case("api unknown method", "DELETE", "/api/v1/<path:rest>", lambda w: "/api/v1/me",
         everyone(405)),
    Case("api root", "GET", "/api/v1/", lambda w: "/api/v1/", everyone(404)),
    *[Case(f"api root {method}", method, "/api/v1/", lambda w: "/api/v1/", everyone(404))
      for method in ("POST", "PUT", "PATCH", "DELETE")],
    *[Case(f"api unknown {method}", method, "/api/v1/<path:rest>", lambda w: "/api/v1/x",
           everyone(404)) for method in ("POST", "PUT", "PATCH")],
]

PAGES = [
    Case("start page", "GET", "/", lambda w: "/", everyone(302)),
    Case("sign-in form", "GET", "/masuk", lambda w: "/masuk", everyone(302, 200)),
    Case("sign-in wrong password", "POST", "/masuk", lambda w: "/masuk", everyone(200),
         lambda w, caller: {"data": {"username": f"nobody.{caller}", "password": "wrong"}}),
    Case("sign out", "POST", "/keluar", lambda w: "/keluar", everyone(302)),
    Case("language", "POST", "/bahasa", lambda w: "/bahasa", everyone(302),
         lambda w, caller: {"data": {"lang": "id", "next": "/"}}),
    Case("health", "GET", "/healthz", lambda w: "/healthz", everyone(200)),
    Case("static", "GET", "/static/<path:filename>", lambda w: "/static/css/app.css",
         everyone(200)),
    Case("inbox", "GET", "/tugas", lambda w: "/tugas", everyone(200, 302),
         listed=_page_items("/tugas", r'data-task-id="([0-9a-f-]{36})"'), shown=task_ids_of),
    Case("ticket list", "GET", "/tiket", lambda w: "/tiket", everyone(200, 302),
         listed=_page_items("/tiket", r'href="/tiket/(\d+)"'),
         shown=lambda w, caller: ticket_ids(w, VISIBLE_TICKETS[caller])),
    Case("new ticket form", "GET", "/tiket/baru", lambda w: "/tiket/baru",
         expect(200, (AB, AS), others=404, anonymous=302)),
    Case("new ticket invalid", "POST", "/tiket/baru", lambda w: "/tiket/baru",
         expect(422, (AB, AS), others=404, anonymous=302),
         lambda w, caller: {"data": {"reporter": "", "judul": ""}}),
    Case("attachment", "GET", "/tiket/<id:ticket_id>/lampiran/<sha256>",
         lambda w: f"/tiket/{w.tickets['bandung']}/lampiran/{w.attachment}",
         expect(200, BANDUNG_SEERS, others=404, anonymous=302)),
    # Single sign-on (issue 12): the table's app has no ESKALASI_OIDC_*, so both are 404 for
    # everyone (with a provider: tests/integration/test_single_sign_on.py).
    Case("sso start", "GET", "/masuk/sso", lambda w: "/masuk/sso", everyone(404)),
    Case("sso callback", "GET", "/masuk/sso/kembali", lambda w: "/masuk/sso/kembali?code=x",
         everyone(404)),
]



def _own_notifications(world: World, caller: str) -> set[str]:
    user = engine.get_user(world.database.uow(), caller)
    return {str(n.id) for n in engine.list_notifications(world.database.uow(), user, limit=500)}


def _helpdesk_notification(world: World) -> int:
    return int(min(_own_notifications(world, HD), key=int))


# Issue 6: everyone has their own notifications; marking someone else's is a 404.
NOTIFICATIONS = [
    Case("api notifications", "GET", "/api/v1/notifications", lambda w: "/api/v1/notifications",
         everyone(200, 401), listed=_api_items("notifications"), shown=_own_notifications),
    Case("api notification read", "POST", "/api/v1/notifications/<id:notification_id>/read",
         lambda w: f"/api/v1/notifications/{_helpdesk_notification(w)}/read",
         expect(200, (HD,), others=404, anonymous=401)),
    Case("api notifications all read", "POST", "/api/v1/notifications/read",
         lambda w: "/api/v1/notifications/read", everyone(200, 401)),
    Case("notifications", "GET", "/notifikasi", lambda w: "/notifikasi", everyone(200, 302),
         listed=_page_items("/notifikasi", r'data-notification-id="(\d+)"'),
         shown=_own_notifications),
    Case("notification read", "POST", "/notifikasi/<id:notification_id>/dibaca",
         lambda w: f"/notifikasi/{_helpdesk_notification(w)}/dibaca",
         expect(302, (HD,), others=404, anonymous=302)),
    Case("notification open", "POST", "/notifikasi/<id:notification_id>/buka",
         lambda w: f"/notifikasi/{_helpdesk_notification(w)}/buka",
         expect(302, (HD,), others=404, anonymous=302)),
    Case("notifications all read", "POST", "/notifikasi/dibaca-semua",
         lambda w: "/notifikasi/dibaca-semua", everyone(302)),
]

# Issue 4 (the process owner's editor): process owners only, everyone else 404. The editor's
# JSON endpoints answer a form post (what the table sends) with 400: not JSON.
def _owner_only(status: int = 200) -> Expect:
    return expect(status, (OWNER,), others=404, anonymous=302)


def _missing_draft(suffix: str = "") -> Path_:
    return lambda w: f"/proses/draf/987654{suffix}"


PROCESS = [
    Case("process overview", "GET", "/proses", lambda w: "/proses", _owner_only()),
    Case("process editor", "GET", "/proses/editor", lambda w: "/proses/editor", _owner_only()),
    Case("process editor data", "GET", "/proses/editor/data.json",
         lambda w: "/proses/editor/data.json", _owner_only()),
    Case("process sop", "GET", "/proses/sop", lambda w: "/proses/sop", _owner_only()),
    Case("process incidents", "GET", "/proses/insiden", lambda w: "/proses/insiden",
         _owner_only()),
    Case("process upload form", "GET", "/proses/unggah", lambda w: "/proses/unggah",
         _owner_only()),
    Case("process upload nothing", "POST", "/proses/unggah", lambda w: "/proses/unggah",
         _owner_only(422), lambda w, caller: {"data": {"name": "x"}}),
    Case("process version zip", "GET", "/proses/versi/<version_id>/unduh",
         lambda w: f"/proses/versi/{_current_version(w)}/unduh", _owner_only()),
    Case("process version bpmn", "GET", "/proses/versi/<version_id>/diagram.bpmn",
         lambda w: f"/proses/versi/{_current_version(w)}/diagram.bpmn", _owner_only()),
    Case("process validate not json", "POST", "/proses/validasi", lambda w: "/proses/validasi",
         _owner_only(400), lambda w, caller: {"data": {"xml": "<x/>"}}),
    Case("process deploy not json", "POST", "/proses/terapkan", lambda w: "/proses/terapkan",
         _owner_only(400), lambda w, caller: {"data": {"xml": "<x/>", "note": "x"}}),
    Case("process new draft not json", "POST", "/proses/draf", lambda w: "/proses/draf",
         _owner_only(400), lambda w, caller: {"data": {"name": "x"}}),
    Case("process save missing draft", "POST", "/proses/draf/<id:draft_id>",
         _missing_draft(), _owner_only(400), lambda w, caller: {"data": {"name": "x"}}),
    Case("process missing draft", "GET", "/proses/draf/<id:draft_id>", _missing_draft(),
         everyone(404, 302)),
    Case("process missing draft data", "GET", "/proses/draf/<id:draft_id>/data.json",
         _missing_draft("/data.json"), everyone(404, 302)),
    Case("process missing draft zip", "GET", "/proses/draf/<id:draft_id>/unduh",
         _missing_draft("/unduh"), everyone(404, 302)),
    Case("process delete missing draft", "POST", "/proses/draf/<id:draft_id>/hapus",
         _missing_draft("/hapus"), everyone(404, 302)),
]


# Issue 5 (auditor area): auditors only, everyone else 404 (the helpdesk too).
def _audit_cases() -> list[Case]:
    def only_auditor(status: int = 200) -> Expect:
        return expect(status, (AUDITOR,), others=404, anonymous=302)

    ticket = "/audit/tiket/<id:ticket_id>"
    cases = [Case("audit search", "GET", "/audit/", lambda w: "/audit/?status=open",
                  only_auditor()),
             Case("audit range export", "GET", "/audit/ekspor.csv",
                  lambda w: "/audit/ekspor.csv?dari=2020-01-01", only_auditor()),
             Case("audit reports", "GET", "/audit/laporan", lambda w: "/audit/laporan",
                  only_auditor()),
             # Issue 16: the export page, Excel and the event logs (XES, OCEL).
             Case("audit exports page", "GET", "/audit/ekspor", lambda w: "/audit/ekspor",
                  only_auditor()),
             Case("audit range xlsx", "GET", "/audit/ekspor.xlsx",
                  lambda w: "/audit/ekspor.xlsx?dari=2020-01-01", only_auditor()),
             Case("audit xes", "GET", "/audit/log-peristiwa.xes",
                  lambda w: "/audit/log-peristiwa.xes", only_auditor()),
             Case("audit ocel", "GET", "/audit/log-peristiwa.jsonocel",
                  lambda w: "/audit/log-peristiwa.jsonocel?nama=1", only_auditor()),
             Case("audit read log", "GET", "/audit/log-baca", lambda w: "/audit/log-baca",
                  only_auditor()),
             # Recomputes the stored report (derived data; no ticket changes), then back.
             Case("audit reports recompute", "POST", "/audit/laporan/hitung-ulang",
                  lambda w: "/audit/laporan/hitung-ulang", only_auditor(302))]
    for name, suffix in (("history", ""), ("verify", "/verifikasi"), ("replay", "/replay"),
                         ("replay data", "/replay.json"), ("json", "/ekspor.json"),
                         ("csv", "/ekspor.csv"), ("print", "/cetak")):
        cases.append(Case(f"audit {name}", "GET", ticket + suffix,
                          at("/audit/tiket/{}" + suffix, lambda w: w.tickets["bandung"]),
                          only_auditor()))
    cases.append(Case("audit missing ticket", "GET", ticket,
                      lambda w: f"/audit/tiket/{MISSING_TICKET}", everyone(404, 302)))
    return cases


def _current_version(world: World) -> str:
    return engine.list_versions(world.database.uow(), engine.command_line_operator("tests"))[0].id


# Issue 4 (compare and migration): process owners only, everyone else 404.
CHANGES = [
    Case("compare version", "GET", "/proses/versi/<version_id>/bandingkan",
         lambda w: f"/proses/versi/{_current_version(w)}/bandingkan",
         expect(200, (OWNER,), others=404, anonymous=302)),
    Case("compare version data", "GET", "/proses/versi/<version_id>/bandingkan.json",
         lambda w: f"/proses/versi/{_current_version(w)}/bandingkan.json",
         expect(200, (OWNER,), others=404, anonymous=302)),
    Case("compare missing draft", "GET", "/proses/draf/<id:draft_id>/bandingkan",
         lambda w: "/proses/draf/987654/bandingkan", everyone(404, 302)),
    Case("compare missing draft data", "GET", "/proses/draf/<id:draft_id>/bandingkan.json",
         lambda w: "/proses/draf/987654/bandingkan.json", everyone(404, 302)),
    Case("migration dry run", "GET", "/proses/versi/<version_id>/migrasi",
         lambda w: f"/proses/versi/{_current_version(w)}/migrasi",
         expect(200, (OWNER,), others=404, anonymous=302)),
    Case("migration nonsense", "POST", "/proses/versi/<version_id>/migrasi",
         lambda w: f"/proses/versi/{_current_version(w)}/migrasi",
         expect(422, (OWNER,), others=404, anonymous=302),
         lambda w, caller: {"data": {"tiket": "x"}}),
    Case("api compare version", "GET", "/api/v1/process-versions/<version_id>/comparison",
         lambda w: f"/api/v1/process-versions/{_current_version(w)}/comparison",
         expect(200, (OWNER,), others=404, anonymous=401)),
    Case("api migration dry run", "GET", "/api/v1/process-versions/<version_id>/migration",
         lambda w: f"/api/v1/process-versions/{_current_version(w)}/migration",
         expect(200, (OWNER,), others=404, anonymous=401)),
    Case("api migration nonsense", "POST", "/api/v1/process-versions/<version_id>/migration",
         lambda w: f"/api/v1/process-versions/{_current_version(w)}/migration",
         expect(422, (OWNER,), others=404, anonymous=401),
         lambda w, caller: {"json": {"tickets": []}}),
]


# Issue 13 (comments): the ticket's reporter, its LPSE's admins and the helpdesk may comment;
# the auditor sees the ticket but may not (API 403; pages answer a refusal as 404, as for the
# new-ticket form); whoever may not see it gets 404. An empty
# text is a 422 for those allowed, so nothing changes.
def _comment_cases() -> list[Case]:
    cases = []
    for name, seers in (("bandung", BANDUNG_SEERS), ("surabaya", SURABAYA_SEERS)):
        def ticket_id(world: World, name: str = name) -> int:
            return world.tickets[name]

        writers = tuple(who for who in seers if who != AUDITOR)
        cases += [
            Case(f"api comments {name}", "GET", "/api/v1/tickets/<id:ticket_id>/comments",
                 at("/api/v1/tickets/{}/comments", ticket_id),
                 expect(200, seers, others=404, anonymous=401)),
            Case(f"api comment {name}", "POST", "/api/v1/tickets/<id:ticket_id>/comments",
                 at("/api/v1/tickets/{}/comments", ticket_id),
                 {**expect(422, writers, others=404, anonymous=401), AUDITOR: 403},
                 lambda w, caller: {"json": {"text": "", "internal": False}}),
            Case(f"page comment {name}", "POST", "/tiket/<id:ticket_id>/komentar",
                 at("/tiket/{}/komentar", ticket_id),
                 expect(422, writers, others=404, anonymous=302),
                 lambda w, caller: {"data": {"text": "  "}}),
        ]
    return cases


# Issue 12 (passwords by mail, /akun): the mailed-link routes are for anyone holding a link
# (an unknown one is 410 for everyone), a reset request is accepted alike for any address
# (an unknown one here, so no mail), and one's own password needs a signed-in user (a wrong
# current password is 422, nothing changed).
NEW_PASSWORD = "kuda-lari-pagi-hijau"
PASSWORDS = [
    Case("api password reset", "POST", "/api/v1/auth/password-reset",
         lambda w: "/api/v1/auth/password-reset", everyone(202),
         lambda w, caller: {"json": {"email": "nobody@lkpp.test"}}),
    Case("api password with token", "POST", "/api/v1/auth/password",
         lambda w: "/api/v1/auth/password", everyone(410),
         lambda w, caller: {"json": {"token": "no-such-token", "password": NEW_PASSWORD}}),
    Case("api my password", "POST", "/api/v1/me/password", lambda w: "/api/v1/me/password",
         everyone(422, 401),
         lambda w, caller: {"json": {"current_password": "wrong",
                                     "new_password": NEW_PASSWORD}}),
    Case("password link", "GET", "/sandi/<token>", lambda w: "/sandi/no-such-token",
         everyone(410)),
    Case("password link set", "POST", "/sandi/<token>", lambda w: "/sandi/no-such-token",
         everyone(410), lambda w, caller: {"data": {"password": NEW_PASSWORD,
                                                     "password_again": NEW_PASSWORD}}),
    Case("password link again", "POST", "/sandi/<token>/baru",
         lambda w: "/sandi/no-such-token/baru", everyone(200)),
    Case("forgot password form", "GET", "/lupa-sandi", lambda w: "/lupa-sandi", everyone(200)),
    Case("forgot password", "POST", "/lupa-sandi", lambda w: "/lupa-sandi", everyone(200),
         lambda w, caller: {"data": {"email": "nobody@lkpp.test"}}),
    Case("account", "GET", "/akun", lambda w: "/akun", everyone(200, 302)),
    Case("account wrong password", "POST", "/akun", lambda w: "/akun", everyone(422, 302),
         lambda w, caller: {"data": {"current_password": "wrong",
                                     "new_password": NEW_PASSWORD,
                                     "new_password_again": NEW_PASSWORD}}),
    # Issue 13: each person's own mail settings; an unknown choice is 422, nothing saved.
    Case("mail settings", "GET", "/akun/notifikasi", lambda w: "/akun/notifikasi",
         everyone(200, 302)),
    Case("mail settings invalid", "POST", "/akun/notifikasi", lambda w: "/akun/notifikasi",
         everyone(422, 302), lambda w, caller: {"data": {"task_assigned": "kadang"}}),
]


# Issue 12 (Laporkan masalah): a Pengguna SPSE reports to their LPSE; its admins answer or
# escalate; the auditor reads every request; everyone else (the helpdesk before escalation,
# the process owner, other LPSEs) gets 404. An empty title or answer is 422: nothing changes.
INTAKE_SEERS = (PB, AB, AUDITOR)


def _intake_requests(world: World, desk: Desk) -> None:
    """One open request of Bandung's Pengguna SPSE, with a screenshot."""
    engine.submit_request(world.database.uow(), desk.user(PB), STEP_DATA["step01_eskalasi"],
                          [Upload("layar.png", PNG)])


def _bandung_request(world: World) -> int:
    [found] = engine.list_requests(world.database.uow(), engine.get_user(
        world.database.uow(), AUDITOR))
    return found.id


def _requests_listed(world: World, caller: str) -> set[str]:
    return {str(_bandung_request(world))} if caller in INTAKE_SEERS else set()


INTAKE = [
    Case("requests", "GET", "/permintaan", lambda w: "/permintaan",
         expect(200, (PB, AB, PS, AS, AUDITOR), others=404, anonymous=302),
         listed=_page_items("/permintaan", r'data-request-id="(\d+)"'), shown=_requests_listed),
    Case("report form", "GET", "/permintaan/baru", lambda w: "/permintaan/baru",
         expect(200, (PB, PS), others=404, anonymous=302)),
    Case("report invalid", "POST", "/permintaan/baru", lambda w: "/permintaan/baru",
         expect(422, (PB, PS), others=404, anonymous=302),
         lambda w, caller: {"data": {"judul": ""}}),
    Case("request", "GET", "/permintaan/<id:request_id>",
         at("/permintaan/{}", _bandung_request),
         expect(200, INTAKE_SEERS, others=404, anonymous=302)),
    Case("request answer empty", "POST", "/permintaan/<id:request_id>/jawab",
         at("/permintaan/{}/jawab", _bandung_request),
         expect(422, (AB,), others=404, anonymous=302),
         lambda w, caller: {"data": {"jawaban": " "}}),
    Case("request attachment", "GET", "/permintaan/<id:request_id>/lampiran/<sha256>",
         lambda w: f"/permintaan/{_bandung_request(w)}/lampiran/{w.attachment}",
         expect(200, INTAKE_SEERS, others=404, anonymous=302)),
    Case("missing request", "GET", "/permintaan/<id:request_id>",
         lambda w: "/permintaan/987654", everyone(404, 302)),
]


# Issue 12 (the directory and accounts): the administrator manages every account, an Admin
# LPSE the Pengguna SPSE of their own LPSE, everyone else is refused (API 403, pages 404).
# Invalid accounts (422) and a missing one (404) change nothing.
MANAGERS = (AB, AS, SYS)
MANAGED = {SYS: set(USERS), AB: {PB}, AS: {PS}}


def _users_listed(world: World, caller: str) -> set[str]:
    response = world.api.get("/users", caller)
    if response.status_code != 200:
        return set()
    return {item["username"] for item in response.json["items"]}


PEOPLE = [
    Case("api users", "GET", "/api/v1/users", lambda w: "/api/v1/users",
         expect(200, MANAGERS, others=403, anonymous=401), listed=_users_listed,
         shown=lambda w, caller: MANAGED.get(caller, set())),
    Case("api add user invalid", "POST", "/api/v1/users", lambda w: "/api/v1/users",
         expect(422, MANAGERS, others=403, anonymous=401),
         lambda w, caller: {"json": {"username": "", "name": "", "email": "x",
                                     "role": "pengguna"}}),
    Case("api deactivate missing user", "POST", "/api/v1/users/<username>/deactivate",
         lambda w: "/api/v1/users/nobody.here/deactivate",
         expect(404, MANAGERS, others=403, anonymous=401)),
    Case("lpse directory", "GET", "/admin/lpse", lambda w: "/admin/lpse",
         expect(200, (SYS,), others=404, anonymous=302)),
    Case("lpse add invalid", "POST", "/admin/lpse", lambda w: "/admin/lpse",
         expect(422, (SYS,), others=404, anonymous=302),
         lambda w, caller: {"data": {"kode": "", "nama": "", "zona_waktu": "WIB"}}),
    Case("lpse edit form", "GET", "/admin/lpse/<code>", lambda w: "/admin/lpse/kota-bandung",
         expect(200, (SYS,), others=404, anonymous=302)),
    Case("lpse edit invalid", "POST", "/admin/lpse/<code>",
         lambda w: "/admin/lpse/kota-bandung", expect(422, (SYS,), others=404, anonymous=302),
         lambda w, caller: {"data": {"nama": "", "zona_waktu": "WIB"}}),
    Case("lpse import form", "GET", "/admin/lpse/impor", lambda w: "/admin/lpse/impor",
         expect(200, (SYS,), others=404, anonymous=302)),
    Case("lpse import no file", "POST", "/admin/lpse/impor", lambda w: "/admin/lpse/impor",
         expect(422, (SYS,), others=404, anonymous=302), lambda w, caller: {"data": {}}),
    Case("lpse import confirm unknown", "POST", "/admin/lpse/impor/konfirmasi",
         lambda w: "/admin/lpse/impor/konfirmasi",
         expect(302, (SYS,), others=404, anonymous=302),
         lambda w, caller: {"data": {"upload_id": "0" * 64}}),
    Case("accounts", "GET", "/admin/akun", lambda w: "/admin/akun",
         expect(200, (SYS,), others=404, anonymous=302)),
    Case("account add invalid", "POST", "/admin/akun", lambda w: "/admin/akun",
         expect(422, (SYS,), others=404, anonymous=302),
         lambda w, caller: {"data": {"username": "", "name": "", "email": "",
                                     "role": "pengguna", "lpse": ""}}),
    Case("account deactivate missing", "POST", "/admin/akun/<username>/nonaktifkan",
         lambda w: "/admin/akun/nobody.here/nonaktifkan", everyone(404, 302)),
    Case("account invite missing", "POST", "/admin/akun/<username>/undang",
         lambda w: "/admin/akun/nobody.here/undang", everyone(404, 302)),
    Case("lpse users", "GET", "/pengguna-spse", lambda w: "/pengguna-spse",
         expect(200, (AB, AS), others=404, anonymous=302),
         listed=_page_items("/pengguna-spse", r'data-username="([^"]+)"'),
         shown=lambda w, caller: {PB} if caller == AB else {PS} if caller == AS else set()),
    Case("lpse user add invalid", "POST", "/pengguna-spse", lambda w: "/pengguna-spse",
         expect(422, (AB, AS), others=404, anonymous=302),
         lambda w, caller: {"data": {"username": "", "name": "", "email": ""}}),
    Case("lpse user deactivate missing", "POST", "/pengguna-spse/<username>/nonaktifkan",
         lambda w: "/pengguna-spse/nobody.here/nonaktifkan", everyone(404, 302)),
    Case("lpse user invite missing", "POST", "/pengguna-spse/<username>/undang",
         lambda w: "/pengguna-spse/nobody.here/undang", everyone(404, 302)),
]


# Issue 13, task ownership. Two of the world's tasks are held by their only holders (so a
# claim by them changes nothing), the others by nobody (so a release changes nothing); an
# assignment to the auditor is refused (422) for whoever may complete the task. Two agents
# on one task: tests/integration/test_task_ownership.py.
CLAIMED = ("admin_b", "user_b")


def _claims(world: World, desk: Desk) -> None:
    for name in CLAIMED:
        engine.claim_task(world.database.uow(), desk.user(TASK_HOLDER[name]),
                          world.tasks[name].id)


def _ownership_cases() -> list[Case]:
    cases = [Case("workload", "GET", "/beban-kerja", lambda w: "/beban-kerja",
                  expect(200, (HD, HD2, AB, AS), others=404, anonymous=302))]
    for name, holder in TASK_HOLDER.items():
        holders = (holder, *ALSO_HOLDS.get(name, ()))

        def task_id(world: World, name: str = name) -> str:
            return world.tasks[name].id

        def auditor(world: World, caller: str) -> dict[str, Any]:
            return {"json": {"username": AUDITOR}}

        def auditor_form(world: World, caller: str) -> dict[str, Any]:
            return {"data": {"username": AUDITOR}}

        cases += [
            Case(f"api assign {name}", "POST", "/api/v1/tasks/<uuid:task_id>/assign",
                 at("/api/v1/tasks/{}/assign", task_id),
                 expect(422, holders, others=404, anonymous=401), auditor),
            Case(f"page assign {name}", "POST", "/tugas/<task_id>/tugaskan",
                 at("/tugas/{}/tugaskan", task_id),
                 expect(422, holders, others=404, anonymous=302), auditor_form),
        ]
        if name in CLAIMED:  # held by `holder`: theirs again, nothing changes
            cases += [
                Case(f"api claim {name}", "POST", "/api/v1/tasks/<uuid:task_id>/claim",
                     at("/api/v1/tasks/{}/claim", task_id),
                     expect(200, holders, others=404, anonymous=401)),
                Case(f"page claim {name}", "POST", "/tugas/<task_id>/ambil",
                     at("/tugas/{}/ambil", task_id),
                     expect(303, holders, others=404, anonymous=302)),
            ]
        else:  # held by nobody: a release by who may complete it changes nothing
            cases += [
                Case(f"api release {name}", "POST", "/api/v1/tasks/<uuid:task_id>/release",
                     at("/api/v1/tasks/{}/release", task_id),
                     expect(200, holders, others=404, anonymous=401)),
                Case(f"page release {name}", "POST", "/tugas/<task_id>/lepas",
                     at("/tugas/{}/lepas", task_id),
                     expect(303, holders, others=404, anonymous=302)),
            ]
    return cases


CASES: list[Case] = [*API, *_ticket_cases(), *_task_cases(), *MISSING, *PAGES,
                     *NOTIFICATIONS, *_audit_cases(), *CHANGES, *PROCESS, *_comment_cases(),
                     *PASSWORDS, *INTAKE, *PEOPLE, *_ownership_cases()]
# The operations dashboard (issue 16): the handlers and, read-only, the auditor.
CASES.append(Case("dashboard", "GET", "/dasbor", lambda w: "/dasbor",
                  expect(200, (HD, HD2, AB, AS, AUDITOR), others=404, anonymous=302)))
# The knowledge base (issue 17): published articles for every signed-in user, a public one
# also signed out; writing, templates and figures for Helpdesk LKPP; 'this solved it' for
# the request's reporter (sent no article: 422 naming the field).
KNOWLEDGE_ARTICLES: dict[str, int] = {}
WRITERS = (HD, HD2)


def _knowledge(world: World, desk: Desk) -> None:
    """A published article, a public one, a draft, and a reply template."""
    helpdesk = desk.user(HD)
    for name, public, status in (("published", False, "published"), ("public", True,
                                 "published"), ("draft", False, "draft")):
        KNOWLEDGE_ARTICLES[name] = engine.save_article(
            world.database.uow(), helpdesk, {"judul": f"Artikel {name}", "isi": "Isi.",
                                            "publik": public, "status": status}).id
    engine.save_template(world.database.uow(), helpdesk,
                         {"nama": "Panduan", "isi": "Tiket {nomor}", "tempat": ["4"]})


def _article(name: str) -> Path_:
    return lambda w: f"/pengetahuan/{KNOWLEDGE_ARTICLES[name]}"


CASES += [
    Case("knowledge list", "GET", "/pengetahuan", lambda w: "/pengetahuan", everyone(200)),
    Case("knowledge article", "GET", "/pengetahuan/<id:article_id>", _article("published"),
         everyone(200, 302)),
    Case("knowledge public article", "GET", "/pengetahuan/<id:article_id>", _article("public"),
         everyone(200)),
    Case("knowledge draft", "GET", "/pengetahuan/<id:article_id>", _article("draft"),
         expect(200, WRITERS, others=404, anonymous=302)),
    Case("knowledge new", "GET", "/pengetahuan/baru", lambda w: "/pengetahuan/baru",
         expect(200, WRITERS, others=404, anonymous=302)),
    Case("knowledge new invalid", "POST", "/pengetahuan/baru", lambda w: "/pengetahuan/baru",
         expect(422, WRITERS, others=404, anonymous=302),
         lambda w, caller: {"data": {"judul": ""}}),
    Case("knowledge edit", "GET", "/pengetahuan/<id:article_id>/ubah",
         lambda w: _article("published")(w) + "/ubah",
         expect(200, WRITERS, others=404, anonymous=302)),
    Case("knowledge edit invalid", "POST", "/pengetahuan/<id:article_id>/ubah",
         lambda w: _article("published")(w) + "/ubah",
         expect(422, WRITERS, others=404, anonymous=302),
         lambda w, caller: {"data": {"judul": ""}}),
    Case("knowledge suggestions", "GET", "/pengetahuan/saran",
         lambda w: "/pengetahuan/saran?judul=unggah", everyone(200, 302)),
    Case("knowledge figures", "GET", "/pengetahuan/angka", lambda w: "/pengetahuan/angka",
         expect(200, WRITERS, others=404, anonymous=302)),
    Case("reply templates", "GET", "/pengetahuan/templat", lambda w: "/pengetahuan/templat",
         expect(200, WRITERS, others=404, anonymous=302)),
    Case("reply template invalid", "POST", "/pengetahuan/templat",
         lambda w: "/pengetahuan/templat", expect(422, WRITERS, others=404, anonymous=302),
         lambda w, caller: {"data": {"nama": ""}}),
    Case("reply template delete missing", "POST", "/pengetahuan/templat/<id:template_id>/hapus",
         lambda w: "/pengetahuan/templat/987654/hapus", everyone(404, 302)),
    Case("request solved without article", "POST", "/permintaan/<id:request_id>/selesai",
         at("/permintaan/{}/selesai", _bandung_request),
         expect(422, (PB,), others=404, anonymous=302), lambda w, caller: {"data": {}}),
]
# The heatmap on the diagram (issue 16): process owners and auditors.
CASES += [Case("heatmap", "GET", "/audit/peta-panas", lambda w: "/audit/peta-panas",
               expect(200, (OWNER, AUDITOR), others=404, anonymous=302)),
          Case("heatmap data", "GET", "/audit/peta-panas.json",
               lambda w: "/audit/peta-panas.json",
               expect(200, (OWNER, AUDITOR), others=404, anonymous=302))]


# Ticket operations of the diagram (issue 15): the ticket's LPSE admins withdraw it, the
# helpdesk closes it as a duplicate; others who see the ticket are refused (API 403, pages
# 404 as for comments), the rest get 404. An empty reason / original is a 422 for those
# allowed, so nothing changes.
def _operation_cases() -> list[Case]:
    cases = []
    for name, seers, admin in (("bandung", BANDUNG_SEERS, AB), ("surabaya", SURABAYA_SEERS,
                                                                 AS)):
        def ticket_id(world: World, name: str = name) -> int:
            return world.tickets[name]

        cases += [
            Case(f"api withdraw {name}", "POST", "/api/v1/tickets/<id:ticket_id>/withdraw",
                 at("/api/v1/tickets/{}/withdraw", ticket_id),
                 {**expect(403, seers, others=404, anonymous=401), admin: 422},
                 lambda w, caller: {"json": {"reason": ""}}),
            Case(f"api duplicate {name}", "POST", "/api/v1/tickets/<id:ticket_id>/duplicate",
                 at("/api/v1/tickets/{}/duplicate", ticket_id),
                 {**expect(403, seers, others=404, anonymous=401), HD: 422, HD2: 422},
                 lambda w, caller: {"json": {"original": ""}}),
            Case(f"page withdraw {name}", "POST", "/tiket/<id:ticket_id>/tarik",
                 at("/tiket/{}/tarik", ticket_id),
                 expect(422, (admin,), others=404, anonymous=302),
                 lambda w, caller: {"data": {"reason": " "}}),
            Case(f"page duplicate {name}", "POST", "/tiket/<id:ticket_id>/duplikat",
                 at("/tiket/{}/duplikat", ticket_id),
                 expect(422, (HD, HD2), others=404, anonymous=302),
                 lambda w, caller: {"data": {"original": ""}}),
        ]
    return cases


CASES += _operation_cases()

# The editor's Skenario tab (issue 15): process owners only, a form post is 400 (not JSON).
CASES += [Case("scenarios run not json", "POST", "/proses/skenario/jalankan",
               lambda w: "/proses/skenario/jalankan", _owner_only(400),
               lambda w, caller: {"data": {"xml": "<x/>"}}),
          Case("scenario next steps not json", "POST", "/proses/skenario/langkah",
               lambda w: "/proses/skenario/langkah", _owner_only(400),
               lambda w, caller: {"data": {"xml": "<x/>"}}),
          # Coba lagi on an incident that does not exist (or is not open): 404.
          Case("incident retry missing", "POST", "/proses/insiden/<id:incident_id>/coba-lagi",
               lambda w: "/proses/insiden/987654/coba-lagi", everyone(404, 302))]


def send(world: World, case: Case, caller: str) -> tuple[int, str]:
    """The status and location of the case's request as the caller."""
    options = case.body(world, caller) if case.body else {}
    path = case.path(world)
    response: TestResponse
    if case.api:
        response = world.api.call(case.method, path.removeprefix("/api/v1"),
                                  None if caller == ANON else caller, **options)
    elif case.method == "POST" and case.rule == "/keluar":
        person = visitor(world.app, None if caller == ANON else caller)  # a session to end
        response = person.post(path, **options)
    elif case.method == "POST":
        response = world.visitors[caller].post(path, options.get("data"))
    else:
        response = world.visitors[caller].get(path)
    response.close()  # files are streamed
    return response.status_code, response.headers.get("Location", "")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_caller_gets_the_status_of_the_table(world: World, case: Case) -> None:
    before = world.fingerprint()
    got = {caller: send(world, case, caller)[0] for caller in CALLERS}
    wrong = {caller: f"expected {case.expected[caller]}, got {status}"
             for caller, status in got.items() if status != case.expected[caller]}
    assert not wrong, f"{case.method} {case.path(world)}: {wrong}"
    assert world.fingerprint() == before, "a request of the table changed the database"
    if case.listed is not None and case.shown is not None:
        for caller in USERS:
            assert case.listed(world, caller) == case.shown(world, caller), caller


def test_signed_out_visitors_of_pages_are_sent_to_sign_in(world: World) -> None:
    for case in CASES:
        if not case.api and case.expected[ANON] == 302 and case.rule not in PUBLIC_PAGES:
            _, location = send(world, case, ANON)
            assert "/masuk" in location, (case.name, location)


def _without_csrf_tokens(html: str) -> str:
    return re.sub(r'(name="csrf_token" value=)"[^"]*"', r'\1""', html)


def test_a_hidden_ticket_answers_exactly_as_a_missing_one(world: World) -> None:
    hidden, missing = world.tickets["bandung"], MISSING_TICKET
    for caller in (PS, AS, OWNER):
        for path in ("/tickets/{}", "/tickets/{}/events", "/tickets/{}/verify"):
            answers = [world.api.get(path.format(ticket), caller) for ticket in (hidden, missing)]
            assert answers[0].json == answers[1].json, (caller, path)
        pages = [world.visitors[caller].get(f"/tiket/{ticket}") for ticket in (hidden, missing)]
        assert pages[0].status_code == pages[1].status_code == 404
        # The page links back to itself (language switch): that is the only difference, but for
        # the CSRF token, which is signed with the time and so differs across a second boundary.
        seen = [_without_csrf_tokens(page.text) for page in pages]
        assert seen[0].replace(f"/tiket/{hidden}", f"/tiket/{missing}") == seen[1]
    hidden_task = world.tasks["admin_b"].id
    for caller in (AS, PB, HD):
        answers = [world.api.get(f"/tasks/{task}", caller) for task in (hidden_task,
                                                                        MISSING_TASK)]
        assert answers[0].json == answers[1].json, caller


def test_every_route_is_in_the_access_table(world: World) -> None:
    routed = {(method, rule.rule) for rule in world.app.url_map.iter_rules()
              for method in (rule.methods or set()) - IGNORED_METHODS}
    tabled = {(case.method, case.rule) for case in CASES}
    missing = sorted(routed - tabled)
    assert not missing, (
        f"routes with no row in tests/integration/test_access_table.py: {missing}; add a "
        f"Case saying which status each demo role gets")
    stale = sorted(tabled - routed)
    assert not stale, f"rows of the access table for routes that no longer exist: {stale}"

