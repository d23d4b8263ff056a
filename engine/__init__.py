"""The engine's public API: what the web app and the command line may use."""

from engine.accounts import authenticate, get_user
from engine.bootstrap import Database, init, read_forms
from engine.errors import (
    Conflict,
    EskalasiError,
    Forbidden,
    InvalidData,
    InvalidDiagram,
    NoProcessDeployed,
    NotFound,
    SandboxError,
    StorageUnavailable,
)
from engine.services import (
    complete_task,
    get_task,
    get_ticket,
    list_events,
    list_tasks,
    list_tickets,
    open_ticket,
    start_form,
)
from engine.types import (
    LANES,
    Event,
    Problem,
    ProcessVersion,
    Role,
    Task,
    Ticket,
    User,
    Verification,
)
from engine.verification import verify_tickets
from engine.versions import deploy, list_versions, validate

__all__ = [
    "LANES",
    "Conflict",
    "Database",
    "EskalasiError",
    "Event",
    "Forbidden",
    "InvalidData",
    "InvalidDiagram",
    "NoProcessDeployed",
    "NotFound",
    "Problem",
    "ProcessVersion",
    "Role",
    "SandboxError",
    "StorageUnavailable",
    "Task",
    "Ticket",
    "User",
    "Verification",
    "authenticate",
    "complete_task",
    "deploy",
    "get_task",
    "get_ticket",
    "get_user",
    "init",
    "list_events",
    "list_tasks",
    "list_tickets",
    "list_versions",
    "open_ticket",
    "read_forms",
    "start_form",
    "validate",
    "verify_tickets",
]
