"""Versions and drafts: the overview with history, downloads, uploads, throwing drafts away."""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from flask import flash, redirect, request, send_file, url_for
from flask.typing import ResponseReturnValue

import engine
from web.context import actor, database
from web.extensions import _
from web.pages.common import page
from web.pages.formatting import translated
from web.process.incidents import open_incidents

MAX_UPLOAD = 4 * 1024 * 1024
MAX_UPLOAD_FILES = 210
ZIP = "application/zip"


def index() -> ResponseReturnValue:
    """Proses: the deployed version, the drafts, and every version with who, when and why."""
    uow = database().uow
    return page("process/index.html", versions=engine.list_versions(uow(), actor()),
                drafts=engine.list_drafts(uow(), actor()),
                deploys=engine.deploy_log(uow(), actor()), incidents=open_incidents())


def delete_draft(draft_id: int) -> ResponseReturnValue:
    """Throw a draft away."""
    found = engine.get_draft(database().uow(), actor(), draft_id)
    engine.delete_draft(database().uow(), actor(), draft_id)
    flash(_("Draf \"%(name)s\" dihapus.", name=found.name), "success")
    return redirect(url_for(".index"))


def _zip(content: bytes, filename: str) -> ResponseReturnValue:
    response = send_file(io.BytesIO(content), mimetype=ZIP, as_attachment=True,
                         download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def download_draft(draft_id: int) -> ResponseReturnValue:
    """A draft's diagram, forms and scenarios as a zip."""
    found = engine.get_draft(database().uow(), actor(), draft_id)
    return _zip(engine.archive(found.bpmn_xml, found.forms, found.scenarios),
                f"eskalasi-draf-{found.id}.zip")


def download_version(version_id: str) -> ResponseReturnValue:
    """A version's diagram and forms as a zip (escalation.bpmn, forms/*.json)."""
    files = engine.version_files(database().uow(), actor(), version_id)
    return _zip(engine.archive(files.bpmn_xml, files.forms, files.scenarios),
                f"eskalasi-versi-{files.version.number}.zip")


def version_bpmn(version_id: str) -> ResponseReturnValue:
    """A version's diagram alone, to open in Camunda Modeler or another bpmn.io tool."""
    files = engine.version_files(database().uow(), actor(), version_id)
    response = send_file(io.BytesIO(files.bpmn_xml.encode()), mimetype="application/xml",
                         as_attachment=True, max_age=0,
                         download_name=f"eskalasi-versi-{files.version.number}.bpmn")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _upload_page(status: int = 200, problems: list[engine.Problem] | None = None,
                 error: str = "") -> ResponseReturnValue:
    return page("process/upload.html", status, problems=problems or [], error=error,
                name=request.form.get("name", "") if request.method == "POST" else "")


def _camunda_notes(files: dict[str, bytes]) -> None:
    """Say which Camunda Modeler properties the upload's diagram had read as ours."""
    for filename, content in files.items():
        if filename.endswith(".bpmn"):
            for note in engine.convert_camunda(content).notes:
                flash(translated(note), "info")


def upload() -> ResponseReturnValue:
    """A BPMN file (with form files), or a zip of them, becomes a new draft."""
    if request.method == "GET":
        return _upload_page()
    if (request.content_length or 0) > MAX_UPLOAD:
        return _upload_page(413, error=_("Berkas terlalu besar (paling besar %(size)s MB).",
                                         size=MAX_UPLOAD // (1024 * 1024)))
    request.max_content_length = MAX_UPLOAD
    uploads = [*request.files.getlist("diagram"), *request.files.getlist("forms")]
    files: dict[str, bytes] = {}
    for upload_file in uploads[:MAX_UPLOAD_FILES]:
        filename = PurePosixPath((upload_file.filename or "").replace("\\", "/")).name
        if filename:
            files[filename] = upload_file.read()
    name = request.form.get("name", "").strip() or _("Unggahan")
    if not files:
        return _upload_page(422, error=_("Pilih berkas diagram BPMN (.bpmn) atau zip."))
    try:
        draft = engine.upload_draft(database().uow(), actor(), name[:200], files)
    except engine.InvalidDiagram as invalid:
        return _upload_page(422, invalid.problems,
                            _("Berkas ditolak; tidak ada yang disimpan."))
    except engine.InvalidData as invalid:
        messages = [m for ms in invalid.errors.values() for m in ms]
        return _upload_page(422, [engine.Problem(0, m) for m in messages],
                            _("Berkas ditolak; tidak ada yang disimpan."))
    flash(_("Diagram diunggah sebagai draf \"%(name)s\". Periksa dengan Validasi, lalu "
            "terapkan.", name=draft.name), "success")
    _camunda_notes(files)
    return redirect(url_for(".draft", draft_id=draft.id))
