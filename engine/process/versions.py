"""Deployed process versions: deploy, list, and the parsed definition of each."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import Conflict, Forbidden, InvalidDiagram, NoProcessDeployed
from engine.evidence import chain, journal
from engine.evidence.journal import PROCESS_STREAM
from engine.messages import Message
from engine.persistence import repository
from engine.persistence.tables import ProcessVersionRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process import camunda
from engine.process import scenarios as owners_scenarios
from engine.process.definitions import ProcessDefinition, content_hash, load_definition, read_steps
from engine.process.validation import read_xml, validate_diagram
from engine.types import Problem, ProcessVersion, Role, User

__all__ = ["DEPLOYED", "PROCESS_STREAM", "REACTIVATED", "UNCHANGED", "command_line_operator",
           "current_definition", "definition_of", "deploy", "list_versions", "test_scenarios",
           "validate"]

DEPLOYED, REACTIVATED, UNCHANGED = "deployed", "reactivated", "unchanged"
# How failures of scenarios that came with no file name (the stored ones) name their file.
SCENARIO_FILE = "escalation" + owners_scenarios.SUFFIX
# Who may read the list of versions; only process owners validate and deploy.
READERS = (Role.PROCESS_OWNER, Role.AUDITOR)


def command_line_operator(name: str) -> User:
    """The actor of `eskalasi init` and `eskalasi deploy`: whoever runs the command line on
    the server acts as a process owner, recorded under `name` (no account of its own)."""
    return User(id=0, username=name, full_name=name, role=Role.PROCESS_OWNER)


def _owner(actor: User) -> None:
    if actor.role is not Role.PROCESS_OWNER:
        raise Forbidden(Message("only_owner_may"))


def definition_of(session: Session, version_id: str) -> ProcessDefinition:
    """The parsed definition of a stored version (parsed once per process)."""

    def read() -> tuple[bytes, Mapping[str, Any]]:
        row = session.get(ProcessVersionRow, version_id)
        if row is None:
            raise NoProcessDeployed(Message("version_not_stored", version=version_id))
        return row.bpmn_xml.encode(), row.forms

    return load_definition(version_id, read)


def current_definition(session: Session) -> ProcessDefinition:
    """The definition new tickets start on."""
    row = repository.current_version(session)
    if row is None:
        raise NoProcessDeployed(Message("no_version_deployed"))
    return definition_of(session, row.id)


def _to_version(row: ProcessVersionRow, current_id: str | None) -> ProcessVersion:
    return ProcessVersion(id=row.id, number=row.number, process_id=row.process_id,
                          deployed_at=row.deployed_at, deployed_by=row.deployed_by,
                          note=row.note, current=row.id == current_id)


def list_versions(uow: UnitOfWork, actor: User) -> list[ProcessVersion]:
    """Every deployed version, newest first (process owners and auditors)."""
    if actor.role not in READERS:
        raise Forbidden(Message("only_owner_or_auditor_lists"))
    with uow:
        current = repository.current_version(uow.session)
        current_id = current.id if current else None
        return [_to_version(row, current_id) for row in repository.versions(uow.session)]


def _run_scenarios(bpmn: bytes, forms: Mapping[str, Mapping[str, Any]],
                   scenarios: bytes | str | None, file: str) -> tuple[list[Problem], str | None]:
    """The owners' scenarios run on a valid diagram: their problems, and their text to keep
    with the version (None when there are none)."""
    if scenarios is None:
        return [], None
    report = owners_scenarios.check(bpmn, forms, scenarios, file)
    if not report.ok:
        return list(report.problems), None
    return [], scenarios if isinstance(scenarios, str) else bytes(scenarios).decode("utf-8")


def _current_forms_and_scenarios(uow: UnitOfWork | None,
                                 ) -> tuple[Mapping[str, Any], str | None]:
    """The current version's forms and scenarios, for a diagram that lacks its own (none
    without a database to ask, or without a current version)."""
    if uow is None:
        return {}, None
    with uow:
        current = repository.current_version(uow.session)
        return (current.forms if current else {}), (current.scenarios if current else None)


def validate(uow: UnitOfWork | None, actor: User, bpmn: bytes,
             forms: Mapping[str, bytes | Mapping[str, Any]],
             scenarios: bytes | str | None = None,
             scenarios_file: str = SCENARIO_FILE) -> list[Problem]:
    """Every problem of a diagram with its forms (process owners), then of the owners'
    scenarios run on it; forms it lacks, and the scenarios when it brings none, come from
    the current version (when there is a database to ask)."""
    _owner(actor)
    bpmn = camunda.convert(bpmn).bpmn
    fallback, stored = _current_forms_and_scenarios(uow)
    problems, resolved = validate_diagram(bpmn, forms, fallback)
    if not problems:
        problems, _ = _run_scenarios(bpmn, resolved,
                                     scenarios if scenarios is not None else stored,
                                     scenarios_file)
    return problems


def test_scenarios(uow: UnitOfWork | None, bpmn: bytes,
                   forms: Mapping[str, bytes | Mapping[str, Any]],
                   scenarios: bytes | str | None,
                   scenarios_file: str = SCENARIO_FILE,
                   ) -> tuple[list[Problem], owners_scenarios.ScenarioReport | None]:
    """`eskalasi test`: the diagram's problems, or else the report of the owners' scenarios
    run on it (those given, else the current version's; None when there are none); forms
    it lacks come from the current version. Nothing is stored."""
    bpmn = camunda.convert(bpmn).bpmn
    fallback, stored = _current_forms_and_scenarios(uow)
    problems, resolved = validate_diagram(bpmn, forms, fallback)
    source = scenarios if scenarios is not None else stored
    if problems or source is None:
        return problems, None
    return [], owners_scenarios.check(bpmn, resolved, source, scenarios_file)


def deploy(uow: UnitOfWork, actor: User, bpmn: bytes,
           forms: Mapping[str, bytes | Mapping[str, Any]],
           note: str = "", scenarios: bytes | str | None = None,
           scenarios_file: str = SCENARIO_FILE) -> tuple[ProcessVersion, str]:
    """Validate, run the owners' scenarios (those brought, else the current version's), then
    make the diagram the version new tickets start on (process owners; the actor is recorded
    as who deployed it). The scenarios are kept with the version.

    Returns the version and what happened: "deployed" (new), "reactivated" (an identical
    older version becomes current again) or "unchanged" (it is the current one already).
    """
    _owner(actor)
    bpmn = camunda.convert(bpmn).bpmn  # Camunda Modeler's properties, read as ours
    deployed_by = actor.username
    with uow:
        session = uow.session
        current = repository.current_version(session)
        problems, resolved = validate_diagram(bpmn, forms, current.forms if current else {})
        kept: str | None = None
        if not problems:
            problems, kept = _run_scenarios(
                bpmn, resolved, scenarios if scenarios is not None
                else current.scenarios if current else None, scenarios_file)
        if problems:
            raise InvalidDiagram(problems)
        version_id = content_hash(bpmn, resolved)
        if current is not None and current.id == version_id:
            if scenarios is not None and current.scenarios != kept:
                current.scenarios = kept  # new scenarios for the same diagram: kept with it
                uow.commit()
            return _to_version(current, current.id), UNCHANGED
        number, activation = repository.next_version_numbers(session)
        row = session.get(ProcessVersionRow, version_id)
        is_new = row is None
        if row is None:
            root, _ = read_xml(bpmn)
            process_id, _, _ = read_steps(root)
            row = ProcessVersionRow(id=version_id, number=number, process_id=process_id,
                                    bpmn_xml=bpmn.decode(), forms=resolved,
                                    deployed_at=datetime.now(UTC), deployed_by=deployed_by,
                                    note=note, activation=activation, scenarios=kept)
            session.add(row)
        else:
            row.activation = activation
            if kept is not None:
                row.scenarios = kept
        try:
            _record_deploy(session, row, deployed_by, note, is_new)
            uow.commit()
        except IntegrityError as err:
            raise Conflict(Message("deploy_raced")) from err
        return _to_version(row, row.id), DEPLOYED if is_new else REACTIVATED


def _record_deploy(session: Session, row: ProcessVersionRow, actor: str, note: str,
                   is_new: bool) -> None:
    journal.append_to_process(session, actor=actor, role=Role.PROCESS_OWNER.value,
                              type=chain.VERSION_DEPLOYED,
                              data={"version": row.id, "number": row.number, "note": note,
                                    "new": is_new})
