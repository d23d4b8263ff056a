"""Frozen dataclasses that cross from the engine to its callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

# The zone of an LPSE that names none, and of national pages: WIB.
DEFAULT_TIMEZONE = "Asia/Jakarta"


class Role(StrEnum):
    """The roles of CONTRACT.md; the first three are also the diagram's lane names."""

    PENGGUNA = "Pengguna SPSE"
    ADMIN = "Admin LPSE"
    HELPDESK = "Helpdesk LKPP"
    PROCESS_OWNER = "process owner"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"


LANES: tuple[str, ...] = (Role.PENGGUNA.value, Role.ADMIN.value, Role.HELPDESK.value)


# States and kinds that cross the edge. Their values are stored in the database and hashed
# into the audit chain: never change one.


class TicketStatus(StrEnum):
    """A ticket's status (CONTRACT.md: "open" or "closed")."""

    OPEN = "open"
    CLOSED = "closed"
    # Ended by a ticket operation of the diagram (withdrawn, closed as a duplicate; issue 15),
    # an addition to CONTRACT's two.
    CANCELLED = "cancelled"


class EventType(StrEnum):
    """An audit event's type: a subject and a past-tense verb (STYLE.md habit 12)."""

    TICKET_OPENED = "ticket_opened"
    TASK_COMPLETED = "task_completed"
    VERSION_DEPLOYED = "version_deployed"
    # data {"timer": boundary event id, "task": task spec id, "due_at": iso}
    TIMER_FIRED = "timer_fired"
    # An owner retried a step a diagram problem stopped (issue 15), data {"incident",
    # "task", "process_version"}; the retried work's own events follow; replay skips it.
    STEP_RETRIED = "step_retried"
    # data {"task", "sop_step", "lane", "holder", "charged_to", "due_at"}, and "assignee"
    # when someone held the task (issue 13)
    STEP_OVERDUE = "step_overdue"
    # data {"from_version", "to_version", "from_number", "to_number"}
    TICKET_MIGRATED = "ticket_migrated"
    # Task ownership (issue 13), data {"task_id", "assignee", "previous"}; replay skips them.
    TASK_CLAIMED = "task_claimed"
    TASK_RELEASED = "task_released"
    TASK_ASSIGNED = "task_assigned"
    # Stream `people` (the LPSE directory and accounts): data is the row as it became.
    LPSE_ADDED = "lpse_added"
    LPSE_UPDATED = "lpse_updated"
    USER_ADDED = "user_added"
    USER_UPDATED = "user_updated"
    USER_DEACTIVATED = "user_deactivated"
    # Stream `intake:<id>` (a Pengguna SPSE's request to their LPSE, issue 12).
    REQUEST_SUBMITTED = "request_submitted"
    REQUEST_ANSWERED = "request_answered"
    REQUEST_ESCALATED = "request_escalated"
    REQUEST_SOLVED = "request_solved"  # closed by its reporter: an article solved it
    # A comment outside the SOP steps (issue 13), data {"comment", "text", "internal"[,
    # "attachments"]}; replay skips it. An internal one is hidden from the Pengguna SPSE.
    COMMENT_ADDED = "comment_added"
    # Ticket operations (issue 15), delivered to the diagram as messages; data {"reason"} /
    # {"original", "original_id"}.
    TICKET_WITHDRAWN = "ticket_withdrawn"
    TICKET_CLOSED_AS_DUPLICATE = "ticket_closed_as_duplicate"


class ReadKind(StrEnum):
    """What a read-log row says an auditor (or a participant) read."""

    HISTORY = "history"
    REPLAY = "replay"
    PRINT = "print"
    EXPORT_JSON = "export-json"
    EXPORT_CSV = "export-csv"
    EXPORT_RANGE_CSV = "export-range-csv"
    TICKET_PAGE = "ticket-page"
    EVENTS_API = "events-api"
    ATTACHMENT = "attachment"
    REQUEST_PAGE = "request-page"            # an intake request (issue 12)
    EXPORT_RANGE_XLSX = "export-range-xlsx"  # Excel export of a date range (issue 16)
    EVENT_LOG = "event-log"                  # XES/OCEL event log of a date range (issue 16)


class NotificationKind(StrEnum):
    """Why someone is notified (NotificationRow.kind)."""

    TASK_ASSIGNED = "task_assigned"
    DATA_REQUESTED = "data_requested"
    TICKET_SOLVED = "ticket_solved"
    REMINDER = "reminder"
    DIAGRAM_INCIDENT = "diagram_incident"
    AUDIT_CHECKPOINT = "audit_checkpoint"    # each day's last checkpoint, to the auditors
    GUIDANCE_GIVEN = "guidance_given"        # step 4's guidance, to the Admin LPSE and reporter
    TICKET_REOPENED = "ticket_reopened"      # step 16 "Tidak", with its reason
    REQUEST_RECEIVED = "request_received"    # a Pengguna SPSE's request, to their admins
    REQUEST_ANSWERED = "request_answered"    # the admin's answer, to the reporter
    TICKET_OPENED = "ticket_opened"          # a ticket opened for a reporter, to them
    COMMENT_ADDED = "comment_added"          # a comment, to the participants who may see it
    TICKET_CANCELLED = "ticket_cancelled"    # withdrawn / closed as a duplicate (issue 15)


class ChangeKind(StrEnum):
    """How an element differs between two process versions (`Change.kind`)."""

    ADDED = "added"
    REMOVED = "removed"
    RENAMED = "renamed"
    LANE_MOVED = "lane_moved"
    TYPE_CHANGED = "type_changed"
    RECONNECTED = "reconnected"
    CONDITION_CHANGED = "condition_changed"
    SCRIPT_CHANGED = "script_changed"
    FORM_CHANGED = "form_changed"
    PROPERTY_CHANGED = "property_changed"


class BlockerCode(StrEnum):
    """Why a ticket cannot move to another process version (`MigrationBlocker.code`)."""

    POSITION_REMOVED = "position_removed"
    POSITION_CHANGED = "position_changed"
    PASSED_REMOVED = "passed_removed"
    PASSED_CHANGED = "passed_changed"
    NOT_RESTORABLE = "not_restorable"
    CLOSED = "closed"
    SAME_VERSION = "same_version"
    GONE = "not_found"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a diagram or form, at a line of the file (0 when unknown), and
    the id of the diagram element it is about ("" when none), to mark it in the modeler."""

    line: int
    message: str
    file: str = ""
    element: str = ""

    def format(self, filename: str) -> str:
        """`FILE:LINE: message`, as `eskalasi validate` prints it."""
        return f"{self.file or filename}:{self.line}: {self.message}"


@dataclass(frozen=True)
class User:
    """A signed-in person (or API client) and the scope of what they may see."""

    id: int
    username: str
    full_name: str
    role: Role
    lpse_id: int | None = None
    lpse: str | None = None
    # The zone of the user's LPSE: date-time fields they type are read in it.
    lpse_timezone: str = DEFAULT_TIMEZONE


@dataclass(frozen=True)
class Task:
    """A pending user task of a ticket."""

    id: str
    ticket_id: int
    ticket_number: str
    ticket_title: str
    spec_name: str
    name: str
    lane: str
    sop_step: int | None
    form: dict[str, Any]
    documentation: str
    lpse: str
    created_at: datetime
    due_at: datetime | None = None
    completed_at: datetime | None = None
    # The LPSE's time zone (due times are shown in it) and the step's limit ("8h", "2d", "").
    lpse_timezone: str = DEFAULT_TIMEZONE
    time_limit: str = ""
    # The step's English name from the diagram (`nameEn`), "" when the owners gave none.
    name_en: str = ""
    # Who holds the task (claimed or assigned), by username; None: in the queue.
    assignee: str | None = None
    assignee_name: str | None = None


@dataclass(frozen=True)
class Ticket:
    """A ticket (eskalasi) with its pending tasks."""

    id: int
    number: str
    title: str
    status: str
    lpse: str
    reporter: str
    process_version: str
    created_at: datetime
    closed_at: datetime | None
    tasks: tuple[Task, ...] = field(default_factory=tuple)
    # The zone of the ticket's LPSE: its times and date-time answers are shown in it.
    lpse_timezone: str = DEFAULT_TIMEZONE


@dataclass(frozen=True)
class Upload:
    """A file a user sends with a form, before it is checked and stored."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Attachment:
    """A stored file of a ticket, named by the SHA-256 of its content."""

    ticket_id: int
    event_seq: int
    sha256: str
    filename: str
    content_type: str
    size: int
    uploaded_by: str
    created_at: datetime


@dataclass(frozen=True)
class Field:
    """One submitted value with the title its form gives it."""

    name: str
    title: str
    value: Any
    title_en: str = ""  # the form's English title of the field (`x-title-en`), if any
    internal: bool = False  # an `"x-visibility": "internal"` field (shown to handlers only)


@dataclass(frozen=True)
class ThreadEntry:
    """One step of a ticket's history, as a message in its conversation."""

    seq: int
    at: str
    actor: str
    actor_name: str
    role: str
    type: str
    step: str | None
    step_name: str
    sop_step: int | None
    fields: tuple[Field, ...]
    attachments: tuple[Attachment, ...]
    step_name_en: str = ""  # the owners' English name of the step (`nameEn`), if any
    internal: bool = False  # an internal comment (shown to handlers only)


@dataclass(frozen=True)
class TicketHistory:
    """A ticket with its conversation thread and where it stands ("Posisi Tiket")."""

    ticket: Ticket
    thread: tuple[ThreadEntry, ...]
    attachments: tuple[Attachment, ...]


@dataclass(frozen=True)
class DiagramView:
    """The ticket's pinned diagram with what to highlight: done, path taken, current."""

    bpmn_xml: str
    completed: tuple[str, ...]
    taken_flows: tuple[str, ...]
    current: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    """One audit event, as stored and hash-chained."""

    seq: int
    at: str
    actor: str
    role: str
    type: str
    task: str | None
    sop_step: int | None
    data: dict[str, Any]
    hash: str
    prev_hash: str


@dataclass(frozen=True)
class ProcessVersion:
    """A deployed version of the diagram and its forms, named by their content hash."""

    id: str
    number: int
    process_id: str
    deployed_at: datetime
    deployed_by: str
    note: str
    current: bool


@dataclass(frozen=True)
class Verification:
    """The outcome of replaying one ticket and checking its hash chain."""

    ticket_id: int
    ticket_number: str
    ok: bool
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Notification:
    """An in-app notification of one user: a new task, a request for data, solved, a reminder."""

    id: int
    kind: str
    ticket_id: int | None
    subject: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None = None


@dataclass(frozen=True)
class Draft:
    """A process owner's unfinished diagram with its forms, saved without deploying."""

    id: int
    name: str
    bpmn_xml: str
    # Form file name -> its text as typed (it may not be valid JSON yet).
    forms: dict[str, str]
    base_version_id: str | None
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    revision: int
    # The draft's scenarios file (NAME.scenarios.json) as typed; None when it has none.
    scenarios: str | None = None


@dataclass(frozen=True)
class VersionFiles:
    """A deployed version with its diagram and forms, to edit or download."""

    version: ProcessVersion
    bpmn_xml: str
    forms: dict[str, dict[str, Any]]
    # The owners' scenario file deployed with it (issue 15), as written; None for none.
    scenarios: str | None = None


@dataclass(frozen=True)
class SopRow:
    """One row of the SOP table: a step, its lane's mark and the columns owners fill in."""

    number: int
    activity: str
    lane: str
    # How the lane column marks it: "terminator" (starts or ends), "decision" or "process".
    kind: str
    requirements: str
    equipment: str
    time_limit: str
    output: str
    remarks: str
    # A decision's ways on: (label of the flow, the SOP step it leads to, or None for the end).
    branches: tuple[tuple[str, int | None], ...] = ()
    activity_en: str = ""  # the owners' English name of the step (`nameEn`), if any


@dataclass(frozen=True)
class SopDocument:
    """The SOP table rendered from a deployed diagram (No, Aktivitas, lanes, Mutu Baku...)."""

    version: ProcessVersion
    title: str
    lanes: tuple[str, ...]
    rows: tuple[SopRow, ...]


@dataclass(frozen=True)
class Change:
    """One difference between two diagrams (with their forms), about one element.

    `kind` is one of engine.process.compare's kinds ("added", "removed", "renamed", "lane_moved",
    "condition_changed", "form_changed", "property_changed", "reconnected", "type_changed",
    "script_changed"); `aspect` names what changed (a property, a form field); `before` and
    `after` are the values as text ("" when there was none).
    """

    kind: str
    element: str
    element_kind: str
    name: str
    aspect: str = ""
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class ComparedSide:
    """One side of a comparison: a deployed version or a draft, its diagram and its marks
    (element id -> "added", "removed" or "changed")."""

    kind: str
    id: str
    number: int | None
    label: str
    bpmn_xml: str
    marks: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Comparison:
    """What changed from `before` (the deployed one) to `after`."""

    before: ComparedSide
    after: ComparedSide
    changes: tuple[Change, ...]
    # The owners' scenarios that differ: (kind "added" | "removed" | "changed", name).
    scenario_changes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MigrationBlocker:
    """Why a ticket cannot move to another version; `code`: engine.tickets.version_moves."""

    code: str
    element: str = ""
    name: str = ""
    detail: str = ""
    message: str = ""


@dataclass(frozen=True)
class MigrationCheck:
    """Whether one open ticket can move to the target version, and why not."""

    ticket_id: int
    ticket_number: str
    title: str
    from_version: str
    from_number: int
    positions: tuple[str, ...]
    blockers: tuple[MigrationBlocker, ...] = ()

    @property
    def can_migrate(self) -> bool:
        """Nothing stands in the way."""
        return not self.blockers


@dataclass(frozen=True)
class MigrationPlan:
    """A dry run: the target version and every open ticket on another version."""

    version: ProcessVersion
    tickets: tuple[MigrationCheck, ...]


@dataclass(frozen=True)
class MigrationResult:
    """What happened to one ticket chosen for migration."""

    ticket_id: int
    ticket_number: str
    migrated: bool
    blockers: tuple[MigrationBlocker, ...] = ()


@dataclass(frozen=True)
class AuditQuery:
    """What an auditor searches tickets by (every part optional)."""

    number: str = ""
    lpse_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str = ""
    sop_step: int | None = None
    overdue: bool = False
    rating: int | None = None


@dataclass(frozen=True)
class AuditTicket:
    """One ticket in the auditor's search results."""

    id: int
    number: str
    lpse: str
    status: str
    created_at: datetime
    closed_at: datetime | None
    steps: tuple[str, ...]
    overdue: bool
    rating: int | None


@dataclass(frozen=True)
class DataChange:
    """One value an event changed in the ticket's data (before is None when it was new)."""

    name: str
    title: str
    before: Any
    after: Any
    new: bool


@dataclass(frozen=True)
class AuditEntry:
    """One event of a ticket's history as an auditor reads it."""

    seq: int
    at: str
    actor: str
    actor_name: str
    role: str
    type: str
    task: str | None
    step_name: str
    sop_step: int | None
    fields: tuple[Field, ...]
    changes: tuple[DataChange, ...]
    details: tuple[Field, ...]
    version: str
    version_number: int
    hash: str
    prev_hash: str
    step_name_en: str = ""  # the owners' English name of the step (`nameEn`), if any


@dataclass(frozen=True)
class AuditHistory:
    """Every event of a ticket in order, with the versions it ran on."""

    ticket: Ticket
    entries: tuple[AuditEntry, ...]
    versions: tuple[ProcessVersion, ...]


@dataclass(frozen=True)
class ReplayFrame:
    """Where a ticket stood after one event: diagram marks and the data at that point."""

    seq: int
    version: str
    completed: tuple[str, ...]
    taken_flows: tuple[str, ...]
    current: tuple[str, ...]
    data: tuple[Field, ...]


@dataclass(frozen=True)
class ReplayView:
    """A ticket's history with a frame per event, and the diagram of each version."""

    history: AuditHistory
    frames: tuple[ReplayFrame, ...]
    diagrams: dict[str, str]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class ReadLogEntry:
    """An auditor's read of a ticket's personal data."""

    at: datetime
    username: str
    role: str
    ticket_id: int | None
    ticket_number: str
    what: str
    detail: str


@dataclass(frozen=True)
class Figure:
    """One bar of a chart: a label, a value, and how many cases it stands on."""

    label: str
    value: float
    count: int = 0


@dataclass(frozen=True)
class Share:
    """A share of cases: `part` of `whole` (rate None when there is no case)."""

    part: int
    whole: int

    @property
    def rate(self) -> float | None:
        """part / whole, or None."""
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True)
class AuditReport:
    """The auditors' figures over the tickets opened in a date range."""

    date_from: date | None
    date_to: date | None
    tickets: int
    per_lpse: tuple[Figure, ...]
    per_month: tuple[Figure, ...]
    hours_per_step: tuple[Figure, ...]
    hours_per_lane: tuple[Figure, ...]
    overdue_per_lane: tuple[Figure, ...]
    lpse_authority: Share
    reopened: Share
    average_rating: float | None
    ratings: tuple[Figure, ...]


@dataclass(frozen=True)
class Lpse:
    """An LPSE of the directory: its `kode`, name, time zone (IANA) and helpdesk email."""

    code: str
    name: str
    timezone: str
    email: str | None = None


@dataclass(frozen=True)
class Account:
    """An account as the administrators see it (CONTRACT.md's user JSON, and the kode)."""

    username: str
    name: str
    email: str | None
    role: Role
    lpse: str | None
    lpse_code: str | None
    active: bool


@dataclass(frozen=True)
class ImportResult:
    """What an import of the directory or of accounts did (or, as a preview, would do):
    keys added and updated, how many rows were already as the file says, and every bad row
    (when there is any, nothing was changed)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: int = 0
    problems: tuple[Problem, ...] = ()
    applied: bool = False

    @property
    def ok(self) -> bool:
        """No bad row."""
        return not self.problems


class IntakeStatus(StrEnum):
    """An intake request's status: open, answered locally, or escalated to a ticket."""

    OPEN = "open"
    ANSWERED = "answered"
    ESCALATED = "escalated"


@dataclass(frozen=True)
class IntakeRequest:
    """A Pengguna SPSE's request to their LPSE's helpdesk (issue 12); not an SOP ticket."""

    id: int
    number: str
    title: str
    status: IntakeStatus
    lpse: str
    reporter: str
    reporter_name: str
    data: dict[str, Any]
    attachments: tuple[dict[str, Any], ...]
    created_at: datetime
    updated_at: datetime
    answer: str | None = None
    handled_by: str | None = None
    ticket_id: int | None = None
    ticket_number: str | None = None


@dataclass(frozen=True)
class Workload:
    """One person's pending tasks (or, with no username, a lane's unclaimed queue)."""

    username: str
    full_name: str
    role: str
    lpse: str | None
    open: int
    overdue: int


@dataclass(frozen=True)
class Comment:
    """A comment on a ticket outside the SOP steps (CONTRACT.md: POST /tickets/{id}/comments);
    `internal` ones are the handlers' notes, never shown to the Pengguna SPSE."""

    id: int
    ticket_id: int
    seq: int
    author: str
    author_name: str
    role: str
    text: str
    internal: bool
    created_at: datetime
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class TicketQuery:
    """What a ticket list is narrowed and ordered by (issue 13; every part optional)."""

    text: str = ""  # words, "quoted phrases", ticket numbers, error codes
    lpse_id: int | None = None
    sop_step: int | None = None  # a pending task at this SOP step
    status: str = ""
    sort: str = ""  # "due": earliest due time first; else best match, then newest
    lpse_code: str = ""  # the LPSE by its `kode` (the API's `?lpse=`)
    assignee: str = ""  # a pending task held by: "me", "none" (unclaimed) or a username
    lane: str = ""  # a pending task in this lane (whose turn it is; the dashboard's drill-down)
    age: str = ""  # open for this long in working days of its LPSE: "<1", "1-3", "3-5", ">5"
    due: str = ""  # "late": a pending task overdue; "soon": not late, one due within 4 working h
