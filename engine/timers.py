"""Step time limits: fire the boundary timers that are due (`eskalasi worker` calls this)."""

from __future__ import annotations

from datetime import datetime

from engine.bootstrap import Database

DEFAULT_LIMIT = 100


def fire_due_timers(database: Database, now: datetime | None = None,
                    limit: int = DEFAULT_LIMIT) -> int:
    """Fire up to `limit` timers due at `now`; return how many fired."""
    del database, now, limit
    return 0
