"""The cache of saved workflows: exact keys, taken not shared, bounded."""

from __future__ import annotations

from engine.persistence.workflow_cache import WorkflowCache


def test_a_workflow_is_taken_once_and_only_by_its_exact_key() -> None:
    cache = WorkflowCache()
    saved = object()
    cache.keep((1, 2, "head-a"), saved)
    assert cache.take((1, 2, "head-b")) is None  # same id and revision, another history
    assert cache.take((1, 3, "head-a")) is None
    assert cache.take((1, 2, "head-a")) is saved
    assert cache.take((1, 2, "head-a")) is None  # nobody else gets the same object


def test_the_oldest_entries_go_first_when_full() -> None:
    cache = WorkflowCache(size=2)
    for ticket in (1, 2, 3):
        cache.keep((ticket, 1, "h"), ticket)
    assert cache.take((1, 1, "h")) is None
    assert cache.take((3, 1, "h")) == 3
