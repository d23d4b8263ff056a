"""Move open tickets to another process version: a dry run that says which can move and why
the others cannot, then the move itself, one ticket per unit of work.

A ticket can move when every change between its version and the target lies downstream of
where it stands (reachable from the steps it waits at), or off its path (a branch it did not
take and cannot come back to). It cannot move when the step it stands on was removed or
changed in what it asks of people (lane, form, time limit, kind), or when a step or flow it
has already gone through was removed or changed in behaviour (its history would no longer
fit the diagram). Renames and the SOP table's texts never stand in the way. The move itself
is SpiffWorkflow's `migrate_workflow` (engine.tickets.repin), and it is checked by doing it: the
ticket must wait at the same steps afterwards, every task on a spec of the new version.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.errors import Conflict, Forbidden, InvalidData, NotFound, SandboxError
from engine.evidence import chain
from engine.messages import Message
from engine.persistence import repository
from engine.persistence.tables import ProcessVersionRow, TicketRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process import compare
from engine.process.definitions import ProcessDefinition
from engine.process.versions import definition_of
from engine.tickets import runtime, store
from engine.tickets.repin import move
from engine.tickets.store import OPEN
from engine.types import (
    BlockerCode,
    Change,
    MigrationBlocker,
    MigrationCheck,
    MigrationPlan,
    MigrationResult,
    ProcessVersion,
    Role,
    User,
)

POSITION_REMOVED, POSITION_CHANGED = BlockerCode.POSITION_REMOVED, BlockerCode.POSITION_CHANGED
PASSED_REMOVED, PASSED_CHANGED = BlockerCode.PASSED_REMOVED, BlockerCode.PASSED_CHANGED
NOT_RESTORABLE, CLOSED, SAME_VERSION, GONE, CONFLICT = (
    BlockerCode.NOT_RESTORABLE, BlockerCode.CLOSED, BlockerCode.SAME_VERSION, BlockerCode.GONE,
    BlockerCode.CONFLICT)
MAX_TICKETS = 500
MAX_ID = 2**31 - 1
FIELD = "tiket"

# Changes that only reword a step: they never stop a ticket from moving.
_WORDING = {"sopStep", "requirements", "equipment", "output", "remarks", "nameEn",
            compare.DOCUMENTATION, "formUiSchemaFilename"}
# On steps already done, a different time limit (or timer) no longer matters either.
_BEHIND_WORDING = _WORDING | {"timeLimit", compare.TIMER, compare.ATTACHED_TO}
_KIND_WORDS: dict[str, str] = {
    compare.ADDED: "ditambahkan", compare.REMOVED: "dihapus", compare.RENAMED: "nama diganti",
    compare.LANE_MOVED: "pindah lajur", compare.CONDITION_CHANGED: "kondisi diubah",
    compare.FORM_CHANGED: "formulir diubah", compare.RECONNECTED: "alur dihubungkan ulang",
    compare.TYPE_CHANGED: "jenis elemen diubah", compare.SCRIPT_CHANGED: "skrip diubah",
}


def _harmless(change: Change, wording: set[str]) -> bool:
    if change.kind == compare.RENAMED:
        return True
    return change.kind == compare.PROPERTY_CHANGED and change.aspect in wording


def detail_code(change: Change) -> str:
    """A change as a short code for a blocker's detail: its kind, and the property if any."""
    return f"{change.kind}:{change.aspect}" if change.kind == compare.PROPERTY_CHANGED \
        else change.kind


def describe_detail(code: str) -> str:
    """A detail code in plain Indonesian."""
    kind, _, aspect = code.partition(":")
    if aspect == compare.TIMER and kind in (compare.ADDED, compare.REMOVED):
        return "pengatur waktu " + _KIND_WORDS[kind]
    if kind == compare.PROPERTY_CHANGED:
        return {"timeLimit": "batas waktu diubah", "timer": "pengatur waktu diubah",
                "formJsonSchemaFilename": "formulir diganti"}.get(
            aspect, f"properti {aspect} diubah")
    return _KIND_WORDS.get(kind, kind)


def describe(blocker: MigrationBlocker, to_number: int) -> str:
    """Why a ticket cannot move, in plain Indonesian."""
    details = ", ".join(describe_detail(code) for code in blocker.detail.split(",") if code)
    name = blocker.name
    sentences: dict[str, str] = {
        POSITION_REMOVED: f"Langkah '{name}' tempat tiket berada dihapus pada versi "
                          f"{to_number}.",
        POSITION_CHANGED: f"Langkah '{name}' tempat tiket berada diubah pada versi "
                          f"{to_number} ({details}).",
        PASSED_REMOVED: f"'{name}' yang sudah dilalui tiket dihapus pada versi {to_number}.",
        PASSED_CHANGED: f"'{name}' yang sudah dilalui tiket diubah pada versi {to_number} "
                        f"({details}).",
        NOT_RESTORABLE: f"Posisi tiket tidak dapat dipertahankan pada versi {to_number}.",
        CLOSED: "Tiket sudah ditutup.",
        SAME_VERSION: f"Tiket sudah berada pada versi {to_number}.",
        GONE: "Tiket tidak ditemukan.",
    }
    return sentences.get(blocker.code, blocker.code)


def _blocker(code: str, to_number: int, element: str = "", name: str = "",
             detail: str = "") -> MigrationBlocker:
    found = MigrationBlocker(code, element, name, detail)
    return MigrationBlocker(code, element, name, detail, describe(found, to_number))


def positions(workflow: Any, definition: ProcessDefinition) -> list[str]:
    """The steps a ticket stands on: ready user tasks and waiting events, by spec name."""
    tasks = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
    return sorted({t.task_spec.name for t in tasks if t.task_spec.name in definition.steps})


def _passed(workflow: Any, definition: ProcessDefinition, standing: Iterable[str]) -> set[str]:
    """Elements and flows the ticket has gone through."""
    done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.name in definition.steps]
    waiting = [t for t in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
               if t.task_spec.name in standing]
    names = {t.task_spec.name for t in done}
    for task in [*done, *waiting]:
        if task.parent is not None:
            flow = definition.flows.get((task.parent.task_spec.name, task.task_spec.name))
            if flow:
                names.add(flow)
    return names


def downstream(diagram: compare.Diagram, start: Iterable[str]) -> set[str]:
    """Elements and flows reachable from `start` (boundary events ride on their activity)."""
    outgoing: dict[str, list[compare.Element]] = {}
    for element in diagram.elements.values():
        if element.kind == "sequenceFlow":
            outgoing.setdefault(element.source, []).append(element)
        elif element.kind == "boundaryEvent":
            outgoing.setdefault(element.props.get(compare.ATTACHED_TO, ""), []).append(element)
    seen: set[str] = set()
    todo = list(start)
    while todo:
        for element in outgoing.get(todo.pop(), []):
            if element.id in seen:
                continue
            seen.add(element.id)
            if element.kind == "sequenceFlow":
                seen.add(element.target)
                todo.append(element.target)
            else:
                todo.append(element.id)
    return seen


def _attached(diagrams: Sequence[compare.Diagram]) -> dict[str, compare.Element]:
    """Boundary event id -> the activity it is attached to (a change to a step's timer is a
    change to the step)."""
    found: dict[str, compare.Element] = {}
    for diagram in diagrams:
        for element in diagram.elements.values():
            owner = diagram.elements.get(element.props.get(compare.ATTACHED_TO, ""))
            if element.kind == "boundaryEvent" and owner is not None:
                found.setdefault(element.id, owner)
    return found


def _blockers_from_changes(changes: Sequence[Change], diagrams: Sequence[compare.Diagram],
                           standing: set[str], ahead: set[str], passed: set[str],
                           to_number: int) -> list[MigrationBlocker]:
    attached = _attached(diagrams)
    found: dict[str, tuple[str, str, list[str]]] = {}
    for change in changes:
        owner = attached.get(change.element)
        element = owner.id if owner is not None else change.element
        if element in standing and not _harmless(change, _WORDING):
            code = POSITION_CHANGED
        elif (element in ahead or element not in passed or _harmless(change, _BEHIND_WORDING)
              or (owner is not None and change.kind == compare.ADDED)):
            # ahead, off its path, or a new timer on a step already done; a timer taken away
            # from a done step does stop it: SpiffWorkflow's history of that step keeps the
            # timer's split and join, which the new version no longer has.
            continue
        else:
            code = PASSED_CHANGED
        _, _, codes = found.setdefault(
            element, (code, (owner.name or owner.id) if owner else change.name, []))
        code_of_change = detail_code(change)
        if owner is not None and change.kind in (compare.ADDED, compare.REMOVED):
            code_of_change = f"{change.kind}:{compare.TIMER}"
        if change.kind == compare.REMOVED and owner is None:
            codes.insert(0, compare.REMOVED)
        elif code_of_change not in codes:
            codes.append(code_of_change)
    return [_blocker(_removed(code) if codes[0] == compare.REMOVED else code, to_number,
                     element, name, ",".join(codes))
            for element, (code, name, codes) in found.items()]


def _removed(code: str) -> str:
    return POSITION_REMOVED if code == POSITION_CHANGED else PASSED_REMOVED


@dataclass(frozen=True)
class Move:
    """One move from a version to another: both definitions and what changed between them
    (worked out once per pair, however many tickets are checked)."""

    source: ProcessDefinition
    target: ProcessDefinition
    target_number: int
    diagrams: tuple[compare.Diagram, compare.Diagram]
    changes: tuple[Change, ...]


# Versions are named by their content hash, so the move between two never goes stale.
_MOVES: dict[tuple[str, str], Move] = {}


def plan_move(session: Any, source: ProcessVersionRow, target: ProcessVersionRow) -> Move:
    """The move from `source` to `target` (worked out once per process)."""
    found = _MOVES.get((source.id, target.id))
    if found is None or found.target_number != target.number:
        before = compare.read_diagram(source.bpmn_xml.encode(), source.forms)
        after = compare.read_diagram(target.bpmn_xml.encode(), target.forms)
        found = Move(definition_of(session, source.id), definition_of(session, target.id),
                     target.number, (before, after), tuple(compare.diff(before, after)))
        if len(_MOVES) > 64:
            _MOVES.clear()
        _MOVES[(source.id, target.id)] = found
    return found


def check(ticket: TicketRow, plan: Move) -> tuple[list[str], list[MigrationBlocker], Any]:
    """Where the ticket stands, what stops it from moving, and its moved workflow (when
    nothing does). The ticket's stored state is left as it is."""
    try:
        workflow = runtime.load(ticket.workflow, plan.source)
    except (SpiffWorkflowException, KeyError, ValueError, TypeError, zlib.error):
        return [], [_blocker(NOT_RESTORABLE, plan.target_number)], None
    standing = positions(workflow, plan.source)
    before, after = plan.diagrams
    ahead = downstream(after, standing) | downstream(before, standing)
    blockers = _blockers_from_changes(plan.changes, plan.diagrams, set(standing), ahead,
                                      _passed(workflow, plan.source, standing),
                                      plan.target_number)
    if blockers:
        return standing, blockers, None
    pending = [t.task_spec.name for t in runtime.ready_tasks(workflow)]
    try:
        move(workflow, plan.target)
        # every task must stand on a spec of the target, or its state would not load
        specs = plan.target.spec.task_specs
        restored = (all(specs.get(t.task_spec.name) is t.task_spec
                        for t in workflow.get_tasks())
                    and [t.task_spec.name for t in runtime.ready_tasks(workflow)] == pending)
    except (SandboxError, SpiffWorkflowException, KeyError, ValueError, TypeError):
        restored = False
    if not restored:
        return standing, [_blocker(NOT_RESTORABLE, plan.target_number)], None
    return standing, [], workflow


def _owner(actor: User) -> None:
    if actor.role is not Role.PROCESS_OWNER:
        raise Forbidden(Message("only_owner_moves_tickets"))


def _target(uow: UnitOfWork, version_id: str) -> ProcessVersionRow:
    row = uow.session.get(ProcessVersionRow, version_id)
    if row is None:
        raise NotFound(Message("version_not_found"))
    return row


def _version(row: ProcessVersionRow, current_id: str | None) -> ProcessVersion:
    return ProcessVersion(id=row.id, number=row.number, process_id=row.process_id,
                          deployed_at=row.deployed_at, deployed_by=row.deployed_by,
                          note=row.note, current=row.id == current_id)


def _step_names(definition: ProcessDefinition, names: Iterable[str]) -> tuple[str, ...]:
    """The names of the tasks people work on (not the timers that watch them)."""
    steps = [definition.steps[name] for name in names]
    return tuple(step.name for step in steps if step.kind in ("userTask", "manualTask"))


def plan_migration(uow: UnitOfWork, actor: User, version_id: str) -> MigrationPlan:
    """The dry run: every open ticket on another version, whether it can move to this one,
    and why not. Nothing is changed."""
    _owner(actor)
    with uow:
        session = uow.session
        target = _target(uow, version_id)
        sources = {row.id: row for row in repository.versions(session)}
        moves: dict[str, Move] = {}
        current = repository.current_version(session)
        tickets = session.scalars(
            select(TicketRow).where(TicketRow.status == OPEN,
                                    TicketRow.process_version_id != target.id)
            .order_by(TicketRow.id)).all()
        checks = []
        for ticket in tickets:
            source_row = sources[ticket.process_version_id]
            if source_row.id not in moves:
                moves[source_row.id] = plan_move(session, source_row, target)
            plan = moves[source_row.id]
            standing, blockers, _ = check(ticket, plan)
            checks.append(MigrationCheck(
                ticket_id=ticket.id, ticket_number=ticket.number, title=ticket.title,
                from_version=source_row.id, from_number=source_row.number,
                positions=_step_names(plan.source, standing), blockers=tuple(blockers)))
        return MigrationPlan(_version(target, current.id if current else None), tuple(checks))


def migrate_tickets(new_uow: Callable[[], UnitOfWork], actor: User, version_id: str,
                    ticket_ids: object) -> list[MigrationResult]:
    """Move the chosen tickets (a list of ticket ids) to the version, each in its own unit of
    work; a ticket that cannot move (any more) is reported with the reason and left as it is."""
    _owner(actor)
    if not isinstance(ticket_ids, list | tuple) or not all(_is_id(i) for i in ticket_ids):
        raise InvalidData({FIELD: [Message("choose_tickets_by_number")]})
    chosen = list(dict.fromkeys(ticket_ids))
    if not chosen:
        raise InvalidData({FIELD: [Message("choose_a_ticket")]})
    if len(chosen) > MAX_TICKETS:
        raise InvalidData({FIELD: [Message("too_many_tickets", limit=MAX_TICKETS)]})
    with new_uow() as uow:
        _target(uow, version_id)
    results = []
    for ticket_id in chosen:
        try:
            results.append(migrate_ticket(new_uow(), actor, version_id, ticket_id))
        except Conflict:
            results.append(MigrationResult(ticket_id, "", False, (MigrationBlocker(
                CONFLICT, message="Tiket baru saja diubah oleh orang lain; "
                                  "jalankan uji coba lagi."),)))
    return results


def _is_id(value: object) -> bool:
    return type(value) is int and 0 < value <= MAX_ID


@store.one_writer
def migrate_ticket(uow: UnitOfWork, actor: User, version_id: str,
                   ticket_id: int) -> MigrationResult:
    """Move one open ticket to the version, if it can move; record `ticket_migrated`."""
    _owner(actor)
    with uow:
        session = uow.session
        target = _target(uow, version_id)
        ticket = session.get(TicketRow, ticket_id)
        if ticket is None:
            return MigrationResult(ticket_id, "", False, (_blocker(GONE, target.number),))
        refused = _refused(ticket, target)
        if refused is not None:
            return MigrationResult(ticket.id, ticket.number, False, (refused,))
        source_row = session.get(ProcessVersionRow, ticket.process_version_id)
        assert source_row is not None
        plan = plan_move(session, source_row, target)
        _, blockers, workflow = check(ticket, plan)
        if blockers:
            return MigrationResult(ticket.id, ticket.number, False, tuple(blockers))
        pending_before = {row.id for row in repository.pending_task_rows(session, [ticket.id])}
        change = store.begin(uow, ticket, definition=plan.source, workflow=workflow,
                             carried_over=pending_before)
        change.append(chain.TICKET_MIGRATED, actor=actor.username, role=actor.role.value,
                      at=chain.timestamp(change.now),
                      data={"from_version": source_row.id, "to_version": target.id,
                            "from_number": source_row.number, "to_number": target.number})
        ticket.process_version_id = target.id
        pending = change.save(plan.target)
        _rewrite(session, pending, pending_before, plan.target)
        change.commit()
        return MigrationResult(ticket.id, ticket.number, True)


def _refused(ticket: TicketRow, target: ProcessVersionRow) -> MigrationBlocker | None:
    if ticket.status != OPEN:
        return _blocker(CLOSED, target.number)
    if ticket.process_version_id == target.id:
        return _blocker(SAME_VERSION, target.number)
    return None


def _rewrite(session: Any, pending: Sequence[Any], before: set[str],
             definition: ProcessDefinition) -> None:
    """Pending task rows say what the new version calls their step; rows of tasks that are
    no longer waiting go (the check makes sure there are none)."""
    kept = {row.id for row in pending}
    for row in pending:
        step = definition.steps[row.spec_name]
        row.name, row.lane, row.sop_step = step.name, step.lane or row.lane, step.sop_step
    for row in repository.task_rows(session, sorted(before - kept)):
        session.delete(row)
