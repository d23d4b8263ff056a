"""Recently saved workflows, so the next completion on the same process skips deserializing."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

Key = tuple[int, int, str]


class WorkflowCache:
    """Workflows by (ticket id, revision, chain head hash) of the row they were saved as.

    The key names one stored state exactly: the head hash covers the ticket's stream and
    every event, so another database (or a reused id) cannot hit it. A use case *takes* its
    entry (no two share an object) and *keeps* the workflow only after its commit, under the
    new key; a failed use case keeps nothing, so a half-changed workflow is never reused.
    """

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._entries: OrderedDict[Key, Any] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: Key) -> Any | None:
        """The cached workflow saved under exactly this key, removed from the cache."""
        with self._lock:
            return self._entries.pop(key, None)

    def keep(self, key: Key, workflow: Any) -> None:
        """Remember a committed workflow under the key of the row it was saved as."""
        with self._lock:
            self._entries[key] = workflow
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (tests use this to act as a fresh process)."""
        with self._lock:
            self._entries.clear()
