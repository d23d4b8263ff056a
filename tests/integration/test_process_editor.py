"""The process owner's pages under /proses: drafts, validating, deploying with a note, version
history, downloads and uploads, the SOP document; everyone else gets 404."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from lxml import etree
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import TestResponse, encode_multipart

import engine
from engine import Database
from engine.people.passwords import hash_password
from engine.persistence.tables import EventRow, ProcessVersionRow, UserRow
from engine.process.calendar import TIME_LIMIT_GRAMMAR, time_limit_problem
from tests.desk import Desk
from tests.integration.api_client import Api
from tests.pages import DEMO_PASSWORD, Visitor, html, texts, visitor

ROOT = Path(__file__).resolve().parents[2]
DIAGRAM = ROOT / "processes" / "escalation.bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
OTHER_ROLES = ("pengguna.bandung", "admin.bandung", "helpdesk.lkpp", "auditor")


class Owner:
    """A process owner on the pages, sending JSON as the editor's script does."""

    def __init__(self, app: Flask, username: str = "pemilik.proses") -> None:
        self.person: Visitor = visitor(app, username)

    def get(self, path: str) -> TestResponse:
        return self.person.get(path)

    def send(self, path: str, body: dict[str, Any], csrf: bool = True) -> TestResponse:
        headers = {"X-CSRFToken": self.person.token()} if csrf else {}
        return self.person.client.post(path, json=body, headers=headers)

    def upload(self, name: str, *files: tuple[str, str, bytes]) -> TestResponse:
        """Send the upload form with (field, filename, content) files, encoded here: the test
        client would spool a big body to a temporary file it never closes."""
        fields: dict[str, Any] = {"csrf_token": self.person.token(), "name": name}
        for field, filename, content in files:
            fields.setdefault(field, []).append(FileStorage(io.BytesIO(content), filename))
        boundary, body = encode_multipart(MultiDict(
            [(k, v) for k, vs in fields.items() for v in (vs if isinstance(vs, list) else [vs])]))
        return self.person.client.post("/proses/unggah", data=body,
                                       content_type=f"multipart/form-data; boundary={boundary}")

    def deployed(self) -> dict[str, Any]:
        """What the editor opens: the deployed diagram and its forms as text."""
        answer = self.get("/proses/editor/data.json")
        assert answer.status_code == 200
        data: dict[str, Any] = answer.json  # type: ignore[assignment]
        return data

    def validate(self, xml: str, forms: dict[str, str] | None = None) -> dict[str, Any]:
        answer = self.send("/proses/validasi", {"xml": xml, "forms": forms or {}})
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json  # type: ignore[assignment]
        return data

    def deploy(self, xml: str, forms: dict[str, str] | None = None, note: str = "Perubahan",
               **extra: Any) -> TestResponse:
        return self.send("/proses/terapkan", {"xml": xml, "forms": forms or {}, "note": note,
                                              **extra})


def edit(xml: str | bytes, change: Any) -> str:
    """The diagram after `change(root)`."""
    raw = xml.encode() if isinstance(xml, str) else xml
    root = etree.fromstring(raw)
    change(root)
    return str(etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode())


def node(root: Any, element_id: str) -> Any:
    return root.xpath(f"//*[@id='{element_id}']")[0]


def set_property(root: Any, element_id: str, name: str, value: str) -> None:
    found = node(root, element_id).xpath(
        f".//spiffworkflow:property[@name='{name}']", namespaces=NS)
    if found:
        found[0].set("value", value)
        return
    holder = node(root, element_id).xpath(".//spiffworkflow:properties", namespaces=NS)[0]
    etree.SubElement(holder, f"{{{SPIFF}}}property", name=name, value=value)


def renamed(xml: str | bytes, element_id: str, name: str) -> str:
    return edit(xml, lambda root: node(root, element_id).set("name", name))


def versions(database: Database) -> list[tuple[int, str]]:
    with database.uow() as uow:
        rows = uow.session.query(ProcessVersionRow).order_by(ProcessVersionRow.number)
        return [(row.number, row.id) for row in rows]


def current_version_id(database: Database) -> str:
    return next(v.id for v in engine.list_versions(
        database.uow(), engine.command_line_operator("tests")) if v.current)


def drafts(database: Database) -> list[engine.Draft]:
    return engine.list_drafts(database.uow(), engine.get_user(database.uow(), "pemilik.proses"))


# --- who may -----------------------------------------------------------------------------

PAGES = ("/proses", "/proses/editor", "/proses/editor/data.json", "/proses/unggah",
         "/proses/sop")


@pytest.mark.parametrize("username", OTHER_ROLES)
def test_every_other_role_gets_404_on_every_process_page(app: Flask, database: Database,
                                                         username: str) -> None:
    owner = Owner(app)
    draft = owner.send("/proses/draf", {"name": "Draf", "xml": "<x/>", "forms": {}}).json
    assert draft is not None
    version = current_version_id(database)
    person = visitor(app, username)
    gets = [*PAGES, f"/proses/draf/{draft['id']}", f"/proses/draf/{draft['id']}/data.json",
            f"/proses/draf/{draft['id']}/unduh", f"/proses/versi/{version}/unduh",
            f"/proses/versi/{version}/diagram.bpmn", f"/proses/sop?versi={version}"]
    for path in gets:
        assert person.get(path).status_code == 404, path
    token = {"X-CSRFToken": person.token()}
    posts = ["/proses/validasi", "/proses/terapkan", "/proses/draf",
             f"/proses/draf/{draft['id']}", f"/proses/draf/{draft['id']}/hapus",
             "/proses/unggah"]
    for path in posts:
        answer = person.client.post(path, json={"xml": "<x/>", "forms": {}, "note": "x"},
                                    headers=token)
        assert answer.status_code == 404, path
    assert "/proses" not in person.get("/tugas").text  # no menu link either
    assert len(versions(database)) == 1
    assert [d.id for d in drafts(database)] == [draft["id"]]


def test_signed_out_visitors_are_asked_to_sign_in(app: Flask) -> None:
    client = app.test_client()
    for path in PAGES:
        answer = client.get(path)
        assert answer.status_code == 302 and "/masuk" in answer.headers["Location"], path


def test_process_owners_see_the_menu_and_the_pages(app: Flask) -> None:
    owner = Owner(app)
    assert texts(owner.get("/tugas"), '//nav[@class="main-nav"]//a[@href="/proses"]') == [
        "Proses"]
    for path in PAGES:
        assert owner.get(path).status_code == 200, path


def test_posts_without_the_csrf_token_are_refused(app: Flask, database: Database) -> None:
    owner = Owner(app)
    xml = DIAGRAM.read_text()
    assert owner.send("/proses/validasi", {"xml": xml, "forms": {}}, csrf=False
                      ).status_code == 400
    assert owner.send("/proses/terapkan", {"xml": renamed(xml, "step02_terima", "X"),
                                           "forms": {}, "note": "x"}, csrf=False
                      ).status_code == 400
    assert owner.send("/proses/draf", {"name": "x", "xml": xml, "forms": {}}, csrf=False
                      ).status_code == 400
    assert len(versions(database)) == 1 and drafts(database) == []


# --- the editor and drafts ---------------------------------------------------------------

def test_the_editor_opens_the_deployed_diagram_with_its_forms(app: Flask) -> None:
    owner = Owner(app)
    page = owner.get("/proses/editor")
    assert html(page).xpath('//div[@id="editor"]/@data-source') == ["/proses/editor/data.json"]
    assert html(page).xpath('//script[not(@src)]') == []
    data = owner.deployed()
    assert "step02_terima" in data["xml"] and data["draft_id"] is None
    assert json.loads(data["forms"]["step01_eskalasi.json"])["type"] == "object"
    assert len(data["forms"]) == 17


# Written limits around the edges of the grammar, as the editor's script would test them.
TIME_LIMIT_SAMPLES = ("8h", "2d", "1h", "9999d", "10000h", "0h", "08h", "8", "h", "8 h", "8H",
                      "8hh", "1.5d", "12w", "-1d", "\u0663h", "8h 2d", "")


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the regex")
def test_the_editor_checks_time_limits_with_the_grammar_the_server_parses_with(
        app: Flask) -> None:
    page = html(Owner(app).get("/proses/editor"))
    [served] = page.xpath('//div[@id="editor"]/@data-time-limit')
    grammar = json.loads(served)
    assert grammar["pattern"] == TIME_LIMIT_GRAMMAR.pattern
    assert grammar["maxLength"] == len(f"{grammar['maxAmount']}d")
    # The script's check of what it stores: `new RegExp(served.pattern).test(value)`, in
    # JavaScript (what people type goes through inputPattern first: test_editor_kinder).
    script = ("const re = new RegExp(JSON.parse(process.argv[1]).pattern);"
              "const values = JSON.parse(process.argv[2]);"
              "console.log(JSON.stringify(values.map(v => re.test(v.trim()))))")
    done = subprocess.run(["node", "-e", script, served, json.dumps(TIME_LIMIT_SAMPLES)],
                          capture_output=True, text=True, timeout=60, check=True)
    editor_accepts = dict(zip(TIME_LIMIT_SAMPLES, json.loads(done.stdout), strict=True))
    server_accepts = {value: bool(value) and time_limit_problem(value) is None
                      for value in TIME_LIMIT_SAMPLES}
    assert editor_accepts == server_accepts
    assert [value for value, ok in server_accepts.items() if ok] == ["8h", "2d", "1h", "9999d"]
    assert all(time_limit_problem(f"1{unit}") is None for unit in grammar["units"])


def test_a_draft_is_saved_without_deploying_and_every_owner_sees_it(
        app: Flask, database: Database) -> None:
    with database.uow() as uow:
        uow.session.add(UserRow(username="pemilik.dua", full_name="Pemilik Kedua",
                                role="process owner", password_hash=hash_password(DEMO_PASSWORD),
                                active=True))
        uow.commit()
    owner = Owner(app)
    data = owner.deployed()
    xml = renamed(data["xml"], "step02_terima", "Menelaah permasalahan")
    forms = {**data["forms"], "step02_terima.json": '{"type": "object", '}  # unfinished
    saved = owner.send("/proses/draf", {"name": "Telaah", "xml": xml, "forms": forms,
                                        "base_version_id": data["base_version_id"]})
    assert saved.status_code == 201, saved.text
    draft_id = saved.json["id"]  # type: ignore[index]

    other = Owner(app, "pemilik.dua")
    listed = other.get("/proses")
    assert texts(listed, f'//tr[@data-draft-id="{draft_id}"]/td[1]') == ["Telaah"]
    assert "pemilik.proses" in texts(listed, f'//tr[@data-draft-id="{draft_id}"]/td[2]')[0]
    opened = other.get(f"/proses/draf/{draft_id}/data.json").json
    assert opened is not None
    assert opened["xml"] == xml and opened["forms"]["step02_terima.json"].endswith(", ")
    assert opened["base_version_id"] == data["base_version_id"]
    assert len(versions(database)) == 1, "saving a draft deploys nothing"


def test_a_save_over_someone_else_s_newer_save_is_refused(app: Flask) -> None:
    owner = Owner(app)
    xml = DIAGRAM.read_text()
    first = owner.send("/proses/draf", {"name": "A", "xml": xml, "forms": {}}).json
    assert first is not None
    path = f"/proses/draf/{first['id']}"
    again = owner.send(path, {"name": "B", "xml": xml, "forms": {}, "revision": first["revision"]})
    assert again.status_code == 200
    stale = owner.send(path, {"name": "C", "xml": xml, "forms": {}, "revision": first["revision"]})
    assert stale.status_code == 409
    assert owner.get(f"{path}/data.json").json["name"] == "B"  # type: ignore[index]


def test_a_draft_with_a_bad_form_name_is_refused(app: Flask, database: Database) -> None:
    owner = Owner(app)
    answer = owner.send("/proses/draf", {"name": "x", "xml": "<x/>",
                                         "forms": {"../../etc/passwd": "{}"}})
    assert answer.status_code == 422
    assert "forms" in answer.json["errors"]  # type: ignore[index]
    assert drafts(database) == []


def test_a_draft_can_be_thrown_away(app: Flask, database: Database) -> None:
    owner = Owner(app)
    draft = owner.send("/proses/draf", {"name": "Buang", "xml": "<x/>", "forms": {}}).json
    assert draft is not None
    answer = owner.person.post(f"/proses/draf/{draft['id']}/hapus")
    assert answer.status_code == 302
    assert drafts(database) == []
    assert owner.get(f"/proses/draf/{draft['id']}").status_code == 404


# --- validate and refuse -------------------------------------------------------------------

def test_validation_names_the_element_of_each_problem(app: Flask) -> None:
    owner = Owner(app)
    data = owner.deployed()
    xml = edit(data["xml"], lambda root: set_property(root, "step02_terima", "sopStep", "99"))
    answer = owner.validate(xml, data["forms"])
    assert answer["ok"] is False
    step = [p for p in answer["problems"] if "sopStep '99'" in p["message"]]
    assert [p["element"] for p in step] == ["step02_terima"]
    assert step[0]["line"] > 0
    assert owner.validate(data["xml"], data["forms"]) == {"ok": True, "problems": []}


def _entity(xml: str) -> str:
    return xml.replace('<?xml version="1.0" encoding="UTF-8"?>',
                       '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM '
                       '"file:///etc/passwd">]>', 1).replace(
                           'name="Mulai"', 'name="&x;"', 1)


def _billion_laughs(xml: str) -> str:
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    return xml.replace('<?xml version="1.0" encoding="UTF-8"?>',
                       '<?xml version="1.0"?>\n<!DOCTYPE d [' + "".join(levels) + "]>", 1
                       ).replace('name="Mulai"', 'name="&l9;"', 1)


def _huge(xml: str) -> str:
    return xml.replace("</bpmn:definitions>", "<!--" + "x" * (3 * 1024 * 1024) + "-->"
                       "</bpmn:definitions>")


def _sandbox_escape(xml: str) -> str:
    return xml.replace('kewenangan == "LKPP"',
                       "().__class__.__base__.__subclasses__()", 1)


def _no_condition(xml: str) -> str:
    def change(root: Any) -> None:
        flow = node(root, "Flow_03_ya")
        flow.remove(flow.find(f"{{{BPMN}}}conditionExpression"))
    return edit(xml, change)


def _outside_lanes(xml: str) -> str:
    def change(root: Any) -> None:
        for ref in root.iter(f"{{{BPMN}}}flowNodeRef"):
            if ref.text == "step12_penanganan":
                ref.getparent().remove(ref)
    return edit(xml, change)


def _missing_form(xml: str) -> str:
    return edit(xml, lambda root: set_property(root, "step14_balas_selesai",
                                               "formJsonSchemaFilename", "tidak_ada.json"))


HOSTILE = {  # the problems as an Indonesian page shows them (the engine's default language)
    "entity": (_entity, "deklarasi DOCTYPE dan entitas tidak diizinkan", ""),
    "billion laughs": (_billion_laughs, "deklarasi DOCTYPE dan entitas tidak diizinkan", ""),
    "huge file": (_huge, "byte", ""),
    "sandbox escape in a condition": (_sandbox_escape, "ditolak oleh sandbox", "Flow_03_ya"),
    "decision flow without condition": (_no_condition, "tidak memiliki kondisi dan bukan alur "
                                                       "default", "Flow_03_ya"),
    "task outside the lanes": (_outside_lanes, "tidak berada di lajur mana pun",
                               "step12_penanganan"),
    "missing form": (_missing_form, "formulir 'tidak_ada.json' tidak ada di forms/",
                     "step14_balas_selesai"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(
        app: Flask, database: Database, desk: Desk, case: str) -> None:
    make, message, element = HOSTILE[case]
    owner = Owner(app)
    data = owner.deployed()
    before = versions(database)
    current = current_version_id(database)
    bad = make(data["xml"])

    answer = owner.validate(bad, data["forms"])
    assert answer["ok"] is False
    found = [p for p in answer["problems"] if message in p["message"]]
    assert found, answer["problems"]
    if element:
        assert element in {p["element"] for p in found}

    refused = owner.deploy(bad, data["forms"], note="Tidak boleh masuk")
    assert refused.status_code == 422
    assert any(message in p["message"] for p in refused.json["problems"])  # type: ignore[index]

    upload = owner.upload("Unggahan", ("diagram", "diagram.bpmn", bad.encode()))
    if element:  # parses: kept as a draft to fix, and deploying it is refused
        assert upload.status_code == 302
    else:  # hostile XML: nothing stored
        assert upload.status_code == 422
        assert message in upload.text
        assert drafts(database) == []

    assert versions(database) == before
    assert current_version_id(database) == current
    assert desk.open().process_version == current, "the running system is untouched"


def test_an_invalid_form_schema_is_refused_on_its_task(app: Flask) -> None:
    owner = Owner(app)
    data = owner.deployed()
    forms = {**data["forms"], "step02_terima.json": '{"type": "object", "required": 5}'}
    answer = owner.validate(data["xml"], forms)
    assert answer["ok"] is False
    problem = answer["problems"][0]
    assert problem["file"] == "forms/step02_terima.json"
    assert problem["element"] == "step02_terima"
    assert "bukan JSON Schema yang sah" in problem["message"]


# --- deploy, history, versions -------------------------------------------------------------

def test_deploy_needs_a_change_note(app: Flask, database: Database) -> None:
    owner = Owner(app)
    data = owner.deployed()
    answer = owner.deploy(renamed(data["xml"], "step02_terima", "Baru"), data["forms"], note=" ")
    assert answer.status_code == 422
    assert len(versions(database)) == 1


def test_a_deploy_records_who_when_and_why_and_removes_its_draft(
        app: Flask, database: Database) -> None:
    owner = Owner(app)
    data = owner.deployed()
    xml = renamed(data["xml"], "step02_terima", "Menelaah permasalahan yang dieskalasi")
    draft = owner.send("/proses/draf", {"name": "Telaah", "xml": xml, "forms": data["forms"]}).json
    assert draft is not None
    answer = owner.deploy(xml, data["forms"], note="Langkah 2 diberi nama baru",
                          draft_id=draft["id"])
    assert answer.status_code == 201, answer.text
    assert answer.json["number"] == 2 and answer.json["outcome"] == "deployed"  # type: ignore[index]
    assert drafts(database) == []

    history = owner.get("/proses")
    row = '//tr[@data-version="2"]'
    assert texts(history, f"{row}/td[3]") == ["pemilik.proses"]
    assert texts(history, f"{row}/td[4]") == ["Langkah 2 diberi nama baru"]
    assert html(history).xpath(f"{row}/@data-current") == ["true"]
    assert html(history).xpath('//tr[@data-version="1"]/@data-current') == []
    assert html(history).xpath('//tr[@data-version="1"]//a[contains(@href, "/bandingkan")]')

    with database.uow() as uow:
        event = uow.session.query(EventRow).filter_by(stream="process").order_by(
            EventRow.seq.desc()).first()
        assert event is not None
        assert (event.type, event.actor) == ("version_deployed", "pemilik.proses")
        assert event.data["note"] == "Langkah 2 diberi nama baru"
        assert event.data["number"] == 2


def test_open_tickets_stay_on_their_version_and_new_tickets_use_the_newest(
        app: Flask, database: Database, desk: Desk) -> None:
    older = desk.open()
    owner = Owner(app)
    data = owner.deployed()
    answer = owner.deploy(renamed(data["xml"], "step02_terima", "Menelaah (versi 2)"),
                          data["forms"], note="Nama langkah 2")
    assert answer.status_code == 201
    newer = desk.open()
    assert older.process_version == data["base_version_id"]
    assert newer.process_version == answer.json["id"]  # type: ignore[index]
    assert desk.task(older, "step02_terima").name == "Menerima dan mempelajari permasalahan"
    assert desk.task(newer, "step02_terima").name == "Menelaah (versi 2)"
    desk.do(older, "step02_terima")
    assert desk.pending(older) == ["step03_kewenangan"]


# --- download and upload -------------------------------------------------------------------

def test_a_version_downloads_and_uploads_back_unchanged(app: Flask, database: Database) -> None:
    owner = Owner(app)
    version = current_version_id(database)
    download = owner.get(f"/proses/versi/{version}/unduh")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        names = set(archive.namelist())
        assert "escalation.bpmn" in names and "forms/step01_eskalasi.json" in names
        assert "escalation.scenarios.json" in names  # the owners' scenarios beside it
        assert len(names) == 19
    bpmn = owner.get(f"/proses/versi/{version}/diagram.bpmn")
    assert bpmn.status_code == 200 and b"step02_terima" in bpmn.data

    upload = owner.upload("Kembali", ("diagram", "eskalasi-versi-1.zip", download.data))
    assert upload.status_code == 302, upload.text
    [draft] = drafts(database)
    assert upload.headers["Location"].endswith(f"/proses/draf/{draft.id}")
    data = owner.get(f"/proses/draf/{draft.id}/data.json").json
    assert data is not None
    answer = owner.deploy(data["xml"], data["forms"], note="Sama", draft_id=draft.id)
    assert answer.status_code == 201
    assert answer.json["outcome"] == "unchanged", "same diagram and forms: same version"  # type: ignore[index]
    assert len(versions(database)) == 1


def test_a_camunda_modeler_file_with_a_form_uploads_into_a_draft(
        app: Flask, database: Database) -> None:
    owner = Owner(app)
    xml = renamed(DIAGRAM.read_bytes(), "step12_penanganan", "Menangani permasalahan")
    xml = edit(xml, lambda root: set_property(root, "step12_penanganan",
                                              "formJsonSchemaFilename", "step12_baru.json"))
    form = json.dumps({"type": "object", "properties": {"tindakan": {"type": "string"}}})
    upload = owner.upload("Dari Camunda", ("diagram", "escalation.bpmn", xml.encode()),
                          ("forms", "step12_baru.json", form.encode()))
    assert upload.status_code == 302, upload.text
    [draft] = drafts(database)
    assert draft.name == "Dari Camunda"
    assert json.loads(draft.forms["step12_baru.json"])["properties"]["tindakan"]
    assert "step01_eskalasi.json" in draft.forms  # the rest from the deployed version
    assert owner.validate(draft.bpmn_xml, draft.forms) == {"ok": True, "problems": []}
    assert len(versions(database)) == 1


def test_an_upload_without_a_diagram_is_refused(app: Flask, database: Database) -> None:
    owner = Owner(app)
    upload = owner.upload("", ("diagram", "step01.json", b"{}"))
    assert upload.status_code == 422
    assert "tepat satu diagram BPMN" in upload.text  # an Indonesian page, Indonesian words
    assert drafts(database) == []


# --- the SOP document ----------------------------------------------------------------------

def test_the_sop_document_follows_the_deployed_diagram(app: Flask) -> None:
    owner = Owner(app)
    data = owner.deployed()
    def change(root: Any) -> None:
        set_property(root, "step02_terima", "timeLimit", "6h")
        set_property(root, "step02_terima", "requirements", "Tiket eskalasi dari LPSE")
        set_property(root, "step02_terima", "remarks", "Dibaca seluruhnya")
    xml = edit(data["xml"], change)
    assert owner.deploy(xml, data["forms"], note="Mutu baku langkah 2").status_code == 201

    page = owner.get("/proses/sop")
    assert page.status_code == 200
    rows = html(page).xpath('//table[@class="sop-table"]/tbody/tr')
    assert [row.get("data-sop-step") for row in rows] == [str(n) for n in range(1, 18)]
    assert texts(page, '//table[@class="sop-table"]/thead/tr[2]/th')[:3] == [
        "Pengguna SPSE", "Admin LPSE", "Helpdesk LKPP"]
    step2 = '//tr[@data-sop-step="2"]'
    assert texts(page, f"{step2}/td[2]") == ["Menerima dan mempelajari permasalahan"]
    # The mark stands in the lane's column: Helpdesk LKPP is the third lane.
    assert html(page).xpath(f"{step2}/td[5]/span[contains(@class, 'sop-mark-process')]")
    assert not html(page).xpath(f"{step2}/td[3]/span | {step2}/td[4]/span")
    assert texts(page, f"{step2}/td[6]") == [
        "Persyaratan: Tiket eskalasi dari LPSE Perlengkapan: Aplikasi LPSE Support"]
    assert texts(page, f"{step2}/td[8]") == ["Hasil telaah awal"]
    assert texts(page, f"{step2}/td[7]") == ["6 jam kerja"]
    assert "Dibaca seluruhnya" in texts(page, f"{step2}/td[9]")[0]
    assert html(page).xpath('//tr[@data-sop-step="1"]/@data-kind') == ["terminator"]
    assert html(page).xpath('//tr[@data-sop-step="3"]/@data-kind') == ["decision"]
    assert "→" in texts(page, '//tr[@data-sop-step="3"]/td[9]')[0]
    assert texts(page, '//dd[@id="sop-version"]') == ["2 (berlaku)"]
    assert html(page).xpath('//link[@media="print"]/@href')

    older = owner.get(f"/proses/sop?versi={data['base_version_id']}")
    assert texts(older, '//dd[@id="sop-version"]') == ["1"]
    assert owner.get("/proses/sop?versi=bukan-versi").status_code == 404
    assert owner.get(f"/proses/sop?versi={'0' * 64}").status_code == 404


def test_the_api_names_the_element_of_each_problem_too(app: Flask) -> None:
    api = Api(app, app.test_client())  # checks every answer against the OpenAPI document
    xml = edit(DIAGRAM.read_bytes(), lambda root: set_property(root, "step05_kelengkapan",
                                                                "sopStep", "0"))
    answer = api.post("/process-versions/validate", "pemilik.proses", data=xml.encode(),
                      content_type="application/xml")
    assert answer.status_code == 200
    problems = answer.json["problems"]
    assert "step05_kelengkapan" in {p["element"] for p in problems}, problems


def test_a_zip_bomb_is_refused_before_it_is_unpacked(app: Flask, database: Database) -> None:
    owner = Owner(app)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("escalation.bpmn", DIAGRAM.read_bytes())
        archive.writestr("forms/step01_eskalasi.json", b" " * (64 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    upload = owner.upload("Bom", ("diagram", "bom.zip", buffer.getvalue()))
    assert upload.status_code == 422
    assert "lebih besar dari" in upload.text
    assert drafts(database) == []


def test_nonsense_requests_get_clear_errors_never_500(app: Flask, database: Database) -> None:
    owner = Owner(app)
    token = {"X-CSRFToken": owner.person.token()}
    client = owner.person.client
    for body in ("nicht json", "[1, 2]", '{"xml": 5}', '{"xml": "x", "forms": {"a.json": 5}}',
                 '{"xml": "x", "forms": []}'):
        for path in ("/proses/validasi", "/proses/terapkan", "/proses/draf"):
            answer = client.post(path, data=body, content_type="application/json",
                                 headers=token)
            assert answer.status_code == 400, (path, body)
    nul = owner.send("/proses/draf", {"name": "a\u0000", "xml": "<x>\u0000</x>", "forms": {}})
    assert nul.status_code == 422
    data = owner.deployed()
    changed = renamed(data["xml"], "step02_terima", "Baru")
    assert owner.deploy(changed, data["forms"], note="a\u0000b").status_code == 422
    for path in ("/proses/draf/999", "/proses/draf/999/data.json", "/proses/draf/999/unduh",
                 "/proses/versi/zzz/unduh", "/proses/versi/zzz/diagram.bpmn"):
        assert owner.get(path).status_code == 404, path
    assert owner.send("/proses/draf/999", {"name": "x", "xml": "x", "forms": {}}
                      ).status_code == 404
    assert len(versions(database)) == 1 and drafts(database) == []


def test_the_editor_speaks_english_when_asked(app: Flask) -> None:
    owner = Owner(app)
    owner.person.post("/bahasa", {"lang": "en", "next": "/proses/editor"})
    page = owner.get("/proses/editor")
    messages = json.loads(html(page).xpath('//div[@id="editor"]/@data-messages')[0])
    assert messages["saved"] == "Draft saved."
    assert texts(page, "//h1") == ["Process editor"]
    sop = owner.get("/proses/sop")
    assert "STANDARD OPERATING PROCEDURE" in texts(sop, '//p[@class="sop-kind"]')
    assert texts(sop, '//tr[@data-sop-step="2"]/td[7]') == ["4 working hours"]


def test_the_deploy_log_shows_a_return_to_an_older_version_with_its_note(
        app: Flask, database: Database) -> None:
    owner = Owner(app)
    data = owner.deployed()
    assert owner.deploy(renamed(data["xml"], "step02_terima", "Baru"), data["forms"],
                        note="Coba nama baru").status_code == 201
    back = owner.deploy(data["xml"], data["forms"], note="Kembali ke nama lama")
    assert back.status_code == 201
    assert back.json["outcome"] == "reactivated"  # type: ignore[index]
    page = owner.get("/proses")
    rows = [" ".join(row.text_content().split())
            for row in html(page).xpath('//table[contains(@class, "deploys")]/tbody/tr')]
    assert len(rows) == 3
    assert rows[0].endswith("pemilik.proses 1 (diaktifkan kembali) Kembali ke nama lama")
    assert rows[1].endswith("pemilik.proses 2 Coba nama baru")
    assert html(page).xpath('//tr[@data-version="1"]/@data-current') == ["true"]
