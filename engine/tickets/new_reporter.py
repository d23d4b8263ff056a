"""A reporter added on the spot when an Admin LPSE opens a ticket (issue 12, item 5).

The admin types a name and an email instead of picking one of their LPSE's Pengguna SPSE:
the account is created (its username derived from the email, unique) and invited, then the
ticket opens for it. Everything the ticket needs is checked before the account is made, so a
refused ticket leaves no account behind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from engine.errors import Conflict, Forbidden, InvalidData
from engine.messages import Message
from engine.people.csv_files import valid_email
from engine.people.registry import add_user
from engine.persistence.tables import UserRow
from engine.persistence.unit_of_work import UnitOfWork
from engine.process.versions import current_definition
from engine.settings import Settings
from engine.tickets.attachments import check_uploads
from engine.tickets.use_cases import open_ticket
from engine.types import Role, Ticket, Upload, User

NAME, EMAIL = "reporter_name", "reporter_email"
NAME_LIMIT = 200
USERNAME_LIMIT = 90
# What the form calls the account's fields.
_FIELDS = {"name": NAME, "email": EMAIL, "username": EMAIL}
_NOT_IN_USERNAME = re.compile(r"[^a-z0-9._-]+")


def username_for(taken: set[str], email: str) -> str:
    """A username from the address's local part (lower case, safe characters), made unique
    with .2, .3, ... against `taken`."""
    local = email.split("@", 1)[0].lower()
    base = _NOT_IN_USERNAME.sub(".", local)
    base = re.sub(r"[._-]{2,}", ".", base).strip("._-")[:USERNAME_LIMIT].strip("._-")
    base = base or "pengguna"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}.{number}"
    return candidate


def _taken(uow: UnitOfWork, base: str) -> set[str]:
    """The usernames (lower case) that begin with `base`."""
    with uow:
        return set(uow.session.scalars(select(func.lower(UserRow.username)).where(
            func.lower(UserRow.username).startswith(base, autoescape=True))))


def open_ticket_for_new_reporter(uow: UnitOfWork, actor: User, name: str, email: str,
                                 data: Any, attachments: Sequence[Upload] = (),
                                 settings: Settings | None = None) -> Ticket:
    """Add a Pengguna SPSE of the admin's LPSE (invited by mail) and open the ticket for them."""
    if actor.role is not Role.ADMIN or actor.lpse_id is None:
        raise Forbidden(Message("only_admin_opens_tickets"))
    name, email = " ".join((name or "").split()), (email or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors[NAME] = [Message("field_required")]
    elif len(name) > NAME_LIMIT:
        errors[NAME] = [Message("field_max_length", limit=NAME_LIMIT)]
    if not email:
        errors[EMAIL] = [Message("field_required")]
    elif not valid_email(email):
        errors[EMAIL] = [Message("field_format", format="email")]
    with uow:
        definition = current_definition(uow.session)
        errors.update(definition.check(definition.start_step, data))
    if errors:
        raise InvalidData(errors)
    check_uploads(attachments)
    for _attempt in range(3):
        username = username_for(_taken(uow, username_for(set(), email)), email)
        try:
            add_user(uow, actor, username, name, email, Role.PENGGUNA, settings=settings)
        except InvalidData as invalid:
            raise InvalidData({_FIELDS.get(k, k): v for k, v in invalid.errors.items()}) from None
        except Conflict:  # the username was taken meanwhile: derive another
            continue
        return open_ticket(uow, actor, username, data, attachments)
    raise Conflict(Message("username_taken", username=email[:100]))


__all__ = ["EMAIL", "NAME", "open_ticket_for_new_reporter", "username_for"]

