"""The modeler page and what its script asks for: the diagram, validating, saving, deploying.

The script sends JSON with the CSRF token in the X-CSRFToken header and gets JSON back;
problems carry the id of their element so the page can mark it on the diagram.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from flask import Response, abort, jsonify, make_response, request, url_for
from flask.typing import ResponseReturnValue

import engine
from engine import Problem
from web.context import actor, database
from web.converters import not_text_message, odd_text_field
from web.extensions import _
from web.pages.common import page
from web.pages.formatting import translated
from web.process.scenario_words import messages as scenario_messages

MAX_BODY = 8 * 1024 * 1024
MAX_NOTE = 1000


def _messages() -> dict[str, str]:
    """What the script says, in the user's language."""
    return {
        "loadFailed": _("Diagram tidak dapat dimuat."),
        "saved": _("Draf disimpan."),
        "saveFailed": _("Draf tidak dapat disimpan."),
        "conflict": _("Draf telah diubah oleh orang lain. Muat ulang halaman."),
        "valid": _("Tidak ada masalah. Diagram siap diterapkan."),
        "problems": _("Ditemukan %(count)s masalah. Perbaiki sebelum menerapkan."),
        "validateFailed": _("Validasi tidak dapat dijalankan."),
        "deployed": _("Versi %(number)s diterapkan. Tiket baru memakai versi ini."),
        "unchanged": _("Diagram sama dengan versi yang berlaku; tidak ada yang berubah."),
        "deployFailed": _("Diagram tidak diterapkan."),
        "noteRequired": _("Tuliskan catatan perubahan."),
        "noForm": _("(tanpa formulir)"),
        "newForm": _("Formulir baru…"),
        "formName": _("Nama berkas formulir baru (mis. step18_contoh.json):"),
        "formNameInvalid": _("Nama formulir harus berakhiran .json, tanpa spasi."),
        "formJsonInvalid": _("Bukan JSON yang sah: %(error)s"),
        "timeLimitInvalid": _("Tulis batas waktu dalam jam, hari atau menit kerja, mis. 4 jam, "
                              "2 hari atau 30 menit (paling banyak 9999)."),
        "line": _("baris %(line)s"),
        "pickElement": _("(pilih elemen diagram)"),
        **_designer_messages(),
    }


def _designer_messages() -> dict[str, str]:
    """What the form designer says, in the user's language."""
    return {
        "designerNoForm": _("Pilih formulir, atau perbaiki JSON-nya, untuk merancang kolomnya."),
        "designerAdd": _("Tambah kolom"),
        "designerNameInvalid": _("Nama kolom: huruf, angka dan _, diawali huruf."),
        "designerNameTaken": _("Nama kolom sudah dipakai di formulir ini."),
        "designer_name": _("Nama kolom (kunci data)"),
        "designer_title": _("Judul"),
        "designer_description": _("Bantuan"),
        "designer_type": _("Jenis"),
        "designer_choices": _("Pilihan (satu per baris)"),
        "designer_required": _("Wajib diisi"),
        "designer_internal": _("Internal (tidak pernah dilihat Pengguna SPSE)"),
        "designer_prefill": _("Isi dari kolom sebelumnya"),
        "designer_up": _("Naik"),
        "designer_down": _("Turun"),
        "designer_remove": _("Hapus kolom"),
        "type_string": _("Teks pendek"),
        "type_text": _("Teks panjang"),
        "type_number": _("Angka"),
        "type_boolean": _("Ya/Tidak"),
        "type_date": _("Tanggal"),
        "type_choice": _("Pilihan"),
        "type_other": _("Lainnya (ubah di JSON)"),
    }


def _editor_page(data_url: str, draft: engine.Draft | None,
                 version: engine.ProcessVersion | None) -> ResponseReturnValue:
    return page("process/editor.html", data_url=data_url, draft=draft, version=version,
                lanes=engine.LANES, messages=_messages(),
                time_limit=engine.TIME_LIMIT_GRAMMAR.as_json(),
                scenario_messages=scenario_messages())


def editor() -> ResponseReturnValue:
    """The modeler on the deployed diagram (saving makes a new draft)."""
    files = engine.version_files(database().uow(), actor())
    return _editor_page(url_for(".editor_data"), None, files.version)


def draft(draft_id: int) -> ResponseReturnValue:
    """GET: the modeler on a draft. POST (the script): save over the draft."""
    if request.method == "POST":
        return save(draft_id)
    found = engine.get_draft(database().uow(), actor(), draft_id)
    return _editor_page(url_for(".draft_data", draft_id=draft_id), found, None)


def _form_text(form: Mapping[str, Any]) -> str:
    return json.dumps(form, indent=2, ensure_ascii=False)


def _data(answer: dict[str, Any]) -> Response:
    response = jsonify(answer)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def editor_data() -> ResponseReturnValue:
    """The deployed diagram and its forms (as text), for the modeler."""
    files = engine.version_files(database().uow(), actor())
    return _data({"xml": files.bpmn_xml,
                  "forms": {n: _form_text(f) for n, f in sorted(files.forms.items())},
                  "name": _("Perubahan dari versi %(number)s", number=files.version.number),
                  "draft_id": None, "revision": None, "base_version_id": files.version.id,
                  "scenarios": files.scenarios})


def draft_data(draft_id: int) -> ResponseReturnValue:
    """A draft's diagram and forms, for the modeler."""
    found = engine.get_draft(database().uow(), actor(), draft_id)
    return _data({"xml": found.bpmn_xml, "forms": dict(sorted(found.forms.items())),
                  "name": found.name, "draft_id": found.id, "revision": found.revision,
                  "base_version_id": found.base_version_id, "scenarios": found.scenarios})


def _fail(status: int, message: str, **extra: Any) -> ResponseReturnValue:
    return jsonify({"message": message, **extra}), status


def _body() -> dict[str, Any]:
    """The JSON object the script sent (400 for anything else; 413 when too big)."""
    if (request.content_length or 0) > MAX_BODY:
        abort(413)
    request.max_content_length = MAX_BODY
    try:
        body = json.loads(request.get_data())
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        abort(400)
    if (field := odd_text_field(body)) is not None:  # e.g. a "\udfff" escape: not storable
        abort(make_response(_fail(422, f"{field}: {not_text_message()}", field=field)))
    return body


def _parts(body: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """The diagram and forms of a body; 400 when they are not text."""
    xml, forms = body.get("xml"), body.get("forms", {})
    if not isinstance(xml, str) or not isinstance(forms, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in forms.items()):
        abort(400)
    return xml, forms


def scenarios_of(body: Mapping[str, Any]) -> str | None:
    """The scenarios file a body brings (None when it brings none); 400 when not text."""
    scenarios = body.get("scenarios")
    if scenarios is not None and not isinstance(scenarios, str):
        abort(400)
    return scenarios


def problem_json(found: Problem) -> dict[str, Any]:
    """One problem for the script: where (line, element, file) and what."""
    return {"line": found.line, "element": found.element, "file": found.file,
            "message": translated(found.message)}


def validate() -> ResponseReturnValue:
    """Every problem of the diagram and forms as the editor holds them; nothing is stored."""
    body = _body()
    xml, forms = _parts(body)
    problems = engine.check_diagram(database().uow(), actor(), xml, forms, scenarios_of(body))
    return {"ok": not problems, "problems": [problem_json(p) for p in problems]}


def deploy() -> ResponseReturnValue:
    """Validate and deploy with a change note; the draft it came from is then removed."""
    body = _body()
    xml, forms = _parts(body)
    note = body.get("note")
    if not isinstance(note, str) or not note.strip() or len(note) > MAX_NOTE or "\x00" in note:
        return _fail(422, _("Tuliskan catatan perubahan (paling banyak %(max)s karakter).",
                            max=MAX_NOTE), errors={"note": [_("Wajib diisi.")]})
    user = actor()
    try:
        version, outcome = engine.deploy_diagram(database().uow(), user, xml, forms, note,
                                                 scenarios_of(body))
    except engine.InvalidDiagram as invalid:
        return _fail(422, _("Diagram tidak diterapkan: ada %(count)s masalah.",
                            count=len(invalid.problems)),
                     problems=[problem_json(p) for p in invalid.problems])
    except engine.Conflict:
        return _fail(409, _("Versi lain diterapkan pada saat yang sama. Coba lagi."))
    draft_id = body.get("draft_id")
    if isinstance(draft_id, int) and not isinstance(draft_id, bool):
        with contextlib.suppress(engine.NotFound):  # someone threw it away meanwhile
            engine.delete_draft(database().uow(), user, draft_id)
    return {"id": version.id, "number": version.number, "outcome": outcome,
            "url": url_for(".index")}, 201


def save(draft_id: int | None = None) -> ResponseReturnValue:
    """Create a draft, or save over one (refused when someone saved it meanwhile)."""
    body = _body()
    xml, forms = _parts(body)
    name, revision, base = body.get("name"), body.get("revision"), body.get("base_version_id")
    if not isinstance(name, str) or (revision is not None and not isinstance(revision, int)) or (
            base is not None and not isinstance(base, str)):
        abort(400)
    try:
        saved = engine.save_draft(database().uow(), actor(), name=name, bpmn=xml, forms=forms,
                                  draft_id=draft_id, revision=revision,
                                  base_version_id=base[:64] if base else None,
                                  scenarios=scenarios_of(body))
    except engine.InvalidData as invalid:
        return _fail(422, _("Draf tidak dapat disimpan."),
                     errors={k: [translated(m) for m in v] for k, v in invalid.errors.items()})
    except engine.Conflict:
        return _fail(409, _("Draf telah diubah oleh orang lain. Muat ulang halaman."))
    return {"id": saved.id, "revision": saved.revision, "name": saved.name,
            "url": url_for(".draft", draft_id=saved.id),
            "data_url": url_for(".draft_data", draft_id=saved.id)}, 200 if draft_id else 201


def json_body() -> dict[str, Any]:
    """The JSON object the editor's script sent (for the editor's other endpoints)."""
    return _body()


def diagram_parts(body: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """The diagram and forms of an editor request body."""
    return _parts(body)
