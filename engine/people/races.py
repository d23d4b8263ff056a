"""Two administrators at once: a change that lost a race is tried again from the start.

Directory and account changes append to one chain (`people`, unique per sequence number)
and usernames and kodes are unique; when two transactions collide the database refuses
the later one (IntegrityError). Tried again, it reads the new head and the new rows, so it
either succeeds or says plainly why not (a username now taken).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from engine.errors import Conflict
from engine.messages import Message

T = TypeVar("T")
ATTEMPTS = 3


def retry_on_race(action: Callable[[], T]) -> T:
    """`action()`, again after a collision with a concurrent change; Conflict after
    ATTEMPTS collisions."""
    for _attempt in range(ATTEMPTS - 1):
        try:
            return action()
        except IntegrityError:
            continue
    try:
        return action()
    except IntegrityError:
        raise Conflict(Message("people_raced")) from None
