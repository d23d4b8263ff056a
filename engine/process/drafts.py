"""The process owner's editor: drafts, validating and deploying them, versions' files.

Only process owners reach any of this; for everyone else it does not exist (NotFound).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict, InvalidData, InvalidDiagram, NotFound
from engine.evidence import chain
from engine.messages import Message
from engine.persistence import repository
from engine.persistence.tables import EventRow, ProcessDraftRow, ProcessVersionRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process import camunda, versions
from engine.process.scenarios import MAX_SCENARIO_BYTES, split_scenarios
from engine.process.validation import FORM_NAME, MAX_BPMN_BYTES, MAX_FORM_BYTES, read_xml
from engine.types import Draft, Event, Problem, ProcessVersion, Role, User, VersionFiles

MAX_FORMS = 200
MAX_NAME = 200
MAX_ARCHIVE_FILES = MAX_FORMS + 10
DIAGRAM_NAME = "escalation.bpmn"
# A draft's scenarios file is kept in its row's forms map under this key, which no form
# file name can take (FORM_NAME), so a draft travels as one row; `Draft.forms` never has it.
SCENARIOS_KEY = "@scenarios"


def _owner(actor: User) -> None:
    if actor.role is not Role.PROCESS_OWNER:
        raise NotFound(Message("page_not_found"))


def _to_draft(row: ProcessDraftRow) -> Draft:
    forms = {name: text for name, text in row.forms.items() if name != SCENARIOS_KEY}
    return Draft(id=row.id, name=row.name, bpmn_xml=row.bpmn_xml, forms=forms,
                 base_version_id=row.base_version_id, created_by=row.created_by,
                 created_at=row.created_at, updated_by=row.updated_by,
                 updated_at=row.updated_at, revision=row.revision,
                 scenarios=row.forms.get(SCENARIOS_KEY))


def _stored_forms(forms: Mapping[str, str], scenarios: str | None) -> dict[str, str]:
    stored = dict(forms)
    if scenarios:
        stored[SCENARIOS_KEY] = scenarios
    return stored


def check_parts(name: str, bpmn: str, forms: Mapping[str, str],
                scenarios: str | None = None) -> dict[str, list[str]]:
    """Field -> messages for what a draft may not hold (too big, bad names); {} when fine."""
    errors: dict[str, list[str]] = {}
    if scenarios is not None and len(scenarios.encode()) > MAX_SCENARIO_BYTES:
        errors["scenarios"] = [Message("scenario_file_too_large",
                                       limit=f"{MAX_SCENARIO_BYTES:,}")]
    if not name.strip() or len(name) > MAX_NAME:
        errors["name"] = [Message("draft_name", limit=MAX_NAME)]
    size = len(bpmn.encode())
    if size > MAX_BPMN_BYTES:
        errors["xml"] = [Message("bpmn_too_large", size=f"{size:,}", limit=f"{MAX_BPMN_BYTES:,}")]
    form_errors: list[str] = []
    if len(forms) > MAX_FORMS:
        form_errors.append(Message("too_many_forms", limit=MAX_FORMS))
    for form_name, text in forms.items():
        if not FORM_NAME.match(form_name):
            form_errors.append(Message("form_file_name_invalid", name=form_name[:100]))
        elif not isinstance(text, str) or len(text.encode()) > MAX_FORM_BYTES:
            form_errors.append(Message("file_larger_than", name=form_name,
                                       limit=f"{MAX_FORM_BYTES:,}"))
    if form_errors:
        errors["forms"] = form_errors
    if any("\x00" in text for text in (name, bpmn, *forms, *forms.values(), scenarios or "")):
        errors.setdefault("xml", []).append(Message("text_nul"))
    return errors


def list_drafts(uow: UnitOfWork, actor: User) -> list[Draft]:
    """Every draft, most recently changed first."""
    _owner(actor)
    with uow:
        rows = uow.session.scalars(
            select(ProcessDraftRow).order_by(ProcessDraftRow.updated_at.desc())).all()
        return [_to_draft(row) for row in rows]


def get_draft(uow: UnitOfWork, actor: User, draft_id: int) -> Draft:
    """One draft."""
    _owner(actor)
    with uow:
        row = uow.session.get(ProcessDraftRow, draft_id)
        if row is None:
            raise NotFound(Message("draft_not_found", draft=draft_id))
        return _to_draft(row)


def save_draft(uow: UnitOfWork, actor: User, *, name: str, bpmn: str,
               forms: Mapping[str, str], draft_id: int | None = None,
               revision: int | None = None, base_version_id: str | None = None,
               scenarios: str | None = None) -> Draft:
    """Create a draft (no id) or save over one; `revision` is the one the editor loaded, so a
    save over someone else's newer save is refused (Conflict) instead of losing it.
    `scenarios`: the draft's scenarios file; None keeps the saved one, "" removes it."""
    _owner(actor)
    errors = check_parts(name, bpmn, forms, scenarios)
    if errors:
        raise InvalidData(errors)
    now = datetime.now(UTC)
    with uow:
        session = uow.session
        if draft_id is None:
            row = ProcessDraftRow(name=name.strip(), bpmn_xml=bpmn,
                                  forms=_stored_forms(forms, scenarios),
                                  base_version_id=base_version_id, created_by=actor.username,
                                  created_at=now, updated_by=actor.username, updated_at=now)
            session.add(row)
        else:
            found = session.get(ProcessDraftRow, draft_id)
            if found is None:
                raise NotFound(Message("draft_not_found", draft=draft_id))
            row = found
            if revision is not None and revision != row.revision:
                raise Conflict(Message("draft_saved_by", user=row.updated_by))
            kept = row.forms.get(SCENARIOS_KEY) if scenarios is None else scenarios
            row.name, row.bpmn_xml = name.strip(), bpmn
            row.forms = _stored_forms(forms, kept)
            row.updated_by, row.updated_at = actor.username, now
        try:
            uow.commit()
        except StaleDataError as err:
            raise Conflict(Message("draft_saved_meanwhile")) from err
        return _to_draft(row)


def delete_draft(uow: UnitOfWork, actor: User, draft_id: int) -> None:
    """Throw a draft away."""
    _owner(actor)
    with uow:
        row = uow.session.get(ProcessDraftRow, draft_id)
        if row is None:
            raise NotFound(Message("draft_not_found", draft=draft_id))
        uow.session.delete(row)
        uow.commit()


def _encoded(forms: Mapping[str, str]) -> dict[str, bytes]:
    return {name: text.encode() for name, text in forms.items()}


def check_diagram(uow: UnitOfWork, actor: User, bpmn: str,
                  forms: Mapping[str, str], scenarios: str | None = None) -> list[Problem]:
    """Every problem of a diagram and its forms as the editor holds them, then of its
    scenarios (those given, else the current version's); nothing stored."""
    _owner(actor)
    errors = check_parts("-", bpmn, forms, scenarios)
    if errors:
        return [Problem(0, message) for messages in errors.values() for message in messages]
    return versions.validate(uow, actor, bpmn.encode(), _encoded(forms), scenarios or None)


def deploy_diagram(uow: UnitOfWork, actor: User, bpmn: str, forms: Mapping[str, str],
                   note: str, scenarios: str | None = None) -> tuple[ProcessVersion, str]:
    """Validate and deploy what the editor holds, as the actor with their change note; its
    scenarios (when it has any, else the current version's) are the gate and kept with it."""
    _owner(actor)
    errors = check_parts("-", bpmn, forms, scenarios)
    if errors:
        raise InvalidDiagram([Problem(0, m) for messages in errors.values() for m in messages])
    return versions.deploy(uow, actor, bpmn.encode(), _encoded(forms), note=note.strip(),
                           scenarios=scenarios or None)


def version_files(uow: UnitOfWork, actor: User, version_id: str | None = None) -> VersionFiles:
    """A version's diagram and forms: the given one, or the current one."""
    _owner(actor)
    with uow:
        session = uow.session
        current = repository.current_version(session)
        row = current if version_id is None else session.get(ProcessVersionRow, version_id)
        if row is None:
            raise NotFound(Message("version_id_not_found", version=version_id))
        version = ProcessVersion(id=row.id, number=row.number, process_id=row.process_id,
                                 deployed_at=row.deployed_at, deployed_by=row.deployed_by,
                                 note=row.note, current=current is not None
                                 and row.id == current.id)
        return VersionFiles(version=version, bpmn_xml=row.bpmn_xml, forms=dict(row.forms),
                            scenarios=row.scenarios)


def deploy_log(uow: UnitOfWork, actor: User, limit: int = 200) -> list[Event]:
    """Every deploy, newest first (`version_deployed` audit events): who, when, which version
    and why, also when an older version was made current again."""
    _owner(actor)
    with uow:
        rows = uow.session.scalars(
            select(EventRow).where(EventRow.stream == versions.PROCESS_STREAM,
                                   EventRow.type == chain.VERSION_DEPLOYED)
            .order_by(EventRow.seq.desc()).limit(limit)).all()
        return [Event(seq=row.seq, at=row.at, actor=row.actor, role=row.role, type=row.type,
                      task=row.task, sop_step=row.sop_step, data=dict(row.data),
                      hash=row.hash, prev_hash=row.prev_hash) for row in rows]


def archive(bpmn: str, forms: Mapping[str, str | Mapping[str, object]],
            scenarios: str | None = None) -> bytes:
    """A zip of a diagram and its forms, laid out as processes/ is: escalation.bpmn, forms/,
    and the owners' scenarios beside the diagram when there are any."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr(DIAGRAM_NAME, bpmn)
        if scenarios is not None:
            out.writestr(versions.SCENARIO_FILE, scenarios)
        for name in sorted(forms):
            form = forms[name]
            text = form if isinstance(form, str) else json.dumps(form, indent=2,
                                                                 ensure_ascii=False) + "\n"
            out.writestr(f"forms/{name}", text)
    return buffer.getvalue()


def _problem(message: Message, file: str = "") -> InvalidDiagram:
    return InvalidDiagram([Problem(0, message, file)])


def unpack(files: Mapping[str, bytes]) -> tuple[bytes, dict[str, bytes]]:
    """The diagram and forms among uploaded files: one .bpmn file and .json forms, or a zip
    of them (as `archive` makes). Sizes and counts are limited before anything is read."""
    archives = [name for name in files if name.lower().endswith(".zip")]
    if archives:
        if len(files) != 1:
            raise _problem(Message("upload_zip_or_files"))
        files = _read_zip(files[archives[0]])
    diagrams = [name for name in files if name.lower().endswith((".bpmn", ".xml"))]
    if len(diagrams) != 1:
        raise _problem(Message("upload_one_diagram", count=len(diagrams)))
    forms: dict[str, bytes] = {}
    for name, content in files.items():
        if name in diagrams:
            continue
        base = PurePosixPath(name.replace("\\", "/")).name
        if not FORM_NAME.match(base):
            raise _problem(Message("upload_unknown_file", name=base[:100]))
        if base in forms:
            raise _problem(Message("upload_two_forms", name=base))
        forms[base] = content
    return files[diagrams[0]], forms


def _read_zip(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            entries = [e for e in source.infolist() if not e.is_dir()]
            if len(entries) > MAX_ARCHIVE_FILES:
                raise _problem(Message("zip_too_many", limit=MAX_ARCHIVE_FILES))
            found: dict[str, bytes] = {}
            for entry in entries:
                limit = MAX_BPMN_BYTES if entry.filename.endswith(".bpmn") else MAX_FORM_BYTES
                if entry.file_size > limit:
                    raise _problem(Message("file_larger_than", name=entry.filename[:100],
                                                   limit=f"{limit:,}"))
                with source.open(entry) as handle:  # the header's size may lie: read no more
                    content = handle.read(limit + 1)
                if len(content) > limit:
                    raise _problem(Message("file_larger_than", name=entry.filename[:100],
                                                   limit=f"{limit:,}"))
                found[entry.filename] = content
            return found
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError) as err:
        raise _problem(Message("zip_unreadable", detail=str(err))) from err


def upload_draft(uow: UnitOfWork, actor: User, name: str,
                 files: Mapping[str, bytes]) -> Draft:
    """A new draft from files made elsewhere (Camunda Modeler, bpmn.io, a downloaded zip).

    Hostile or malformed XML and unreadable forms are refused with their problems and
    nothing is stored; a diagram that parses is kept as a draft even when it does not
    validate yet, to be fixed in the editor.
    """
    _owner(actor)
    bpmn, found = unpack(files)
    # The scenarios file (a downloaded draft's or version's zip has one) is the draft's
    # scenarios, not a form.
    forms, scenario_bytes, scenario_name = split_scenarios(found)
    scenarios: str | None = None
    if scenario_bytes is not None:
        try:
            scenarios = scenario_bytes.decode("utf-8")
        except UnicodeDecodeError as err:
            raise _problem(Message("not_utf8"), scenario_name) from err
    bpmn = camunda.convert(bpmn).bpmn  # Camunda Modeler's properties, read as ours
    root, problems = read_xml(bpmn)
    if root is None:
        raise InvalidDiagram(problems)
    texts: dict[str, str] = {}
    for form_name, content in forms.items():
        try:
            texts[form_name] = content.decode("utf-8")
        except UnicodeDecodeError as err:
            raise _problem(Message("form_not_utf8"), f"forms/{form_name}") from err
    with uow:
        current = repository.current_version(uow.session)
        base = current.id if current else None
        if current is not None:  # forms the upload does not bring come from the deployed one
            for form_name, form in current.forms.items():
                texts.setdefault(form_name, json.dumps(form, indent=2, ensure_ascii=False))
    return save_draft(uow, actor, name=name, bpmn=bpmn.decode("utf-8"), forms=texts,
                      base_version_id=base, scenarios=scenarios)
