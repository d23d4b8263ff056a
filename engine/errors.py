"""Exceptions the engine raises; each is something a caller can act on.

What each says is a `Message` (engine/messages.py): a code with parameters whose text is
the Indonesian default; the web edge translates it into the caller's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from engine.messages import Message, text

if TYPE_CHECKING:
    from engine.types import Problem


class EskalasiError(Exception):
    """Base of every error the engine reports to its callers."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        # Plain text (a library's detail) is kept as it is; a Message is translated.
        self.message: Message = text(message)


class SandboxError(EskalasiError):
    """An expression or script from a diagram was refused or failed in the sandbox."""


class InvalidDiagram(EskalasiError):
    """A diagram (or its forms) failed validation; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(Message("diagram_problems", count=len(problems)))
        self.problems = problems


class InvalidData(EskalasiError):
    """Submitted form data does not satisfy the task's JSON Schema."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        # Field -> messages (each a Message, or plain text), translated at the edge.
        self.errors: dict[str, list[str]] = {key: list(v) for key, v in errors.items()}


class NotFound(EskalasiError):
    """The ticket, task or user does not exist, or the caller may not see it."""


class Forbidden(EskalasiError):
    """The caller may see the object but may not do this to it."""


class Conflict(EskalasiError):
    """The task is no longer pending: completed meanwhile by someone else, or twice."""


class StorageUnavailable(EskalasiError):
    """The database could not be reached or refused the operation; try again later."""


class TooManyAttempts(EskalasiError):
    """Too many failed sign-ins for this account or address; wait and try again."""


class NoProcessDeployed(EskalasiError):
    """No process version has been deployed yet (run `eskalasi init`)."""


class Gone(EskalasiError):
    """A mailed link (invitation, password reset) was used, replaced or has expired."""
