"""A deadline for checking diagram code: a validation's time budget reaches into each check."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# The time.monotonic() by which the checks of this thread (context) must stop; None: no limit.
_DEADLINE: ContextVar[float | None] = ContextVar("sandbox_check_deadline", default=None)


class ChecksTimedOut(Exception):
    """Checking diagram code ran past the deadline its caller set with `checks_until`."""


@contextmanager
def checks_until(deadline: float) -> Iterator[None]:
    """Within the block, checking code after time.monotonic() `deadline` raises ChecksTimedOut."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_deadline() -> None:
    """Raise ChecksTimedOut when the current deadline has passed (nothing when none is set)."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        raise ChecksTimedOut
