"""The evaluator processes: kernel limits, killed and replaced, one pool per OS process."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from engine.errors import SandboxError
from engine.sandbox import create_script_engine
from engine.sandbox import pool as pool_module
from engine.sandbox.pool import EvaluatorPool, get_pool
from tests.bounds import ENDS_WITHIN


def evaluate(expression: str, data: dict[str, Any] | None = None,
             time_limit: float = 1.0) -> Any:
    return create_script_engine(time_limit).environment.evaluate(expression, data or {})


def worker_pids() -> list[int]:
    pool = get_pool()
    return [process.pid for process in pool._idle]


def limits_of(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/limits").read_text().splitlines()[1:]
    return {line[:26].strip(): line[26:47].strip() for line in lines}


def test_an_evaluator_runs_under_kernel_limits_in_an_empty_folder_without_the_settings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESKALASI_SECRET_KEY", "must-not-reach-the-evaluator")
    assert evaluate("1 + 1 == 2") is True
    [pid] = worker_pids()[-1:]
    limits = limits_of(pid)
    assert limits["Max address space"] == str(pool_module.MEMORY_BYTES)
    assert limits["Max file size"] == "0"
    assert limits["Max core file size"] == "0"
    assert limits["Max open files"] == "8"
    assert limits["Max processes"] == "0"
    assert limits["Max cpu time"] != "unlimited"
    cwd = Path(os.readlink(f"/proc/{pid}/cwd"))
    assert cwd.name.startswith("eskalasi-sandbox-") and not any(cwd.iterdir())
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert not any(b"ESKALASI" in entry for entry in environ)


@pytest.mark.parametrize("expression", [
    'hash(((0,)*100000,)*30000) != 0 and kewenangan == "LKPP"',
    'len(str(KeyError([[0]*100000]*1000))) > 0',
])
def test_c_code_that_holds_the_gil_is_killed_at_the_time_limit_and_replaced(
        expression: str) -> None:
    assert evaluate("x", {"x": 1}) == 1
    victim = worker_pids()[-1]  # the next evaluation takes the process used last
    started = time.monotonic()
    with pytest.raises(SandboxError, match="time limit"):
        evaluate(expression, {"kewenangan": "LKPP"}, time_limit=0.5)
    assert time.monotonic() - started < 5
    assert not Path(f"/proc/{victim}").exists()  # killed and reaped
    assert evaluate('len(kewenangan) == 4', {"kewenangan": "LKPP"}) is True  # in the pool
    assert victim not in worker_pids() and worker_pids()


def test_other_threads_keep_evaluating_while_one_evaluation_runs_away() -> None:
    outcome: list[str] = []

    def hostile() -> None:
        try:
            evaluate("hash(((0,)*100000,)*30000) != 0", time_limit=1.0)
        except SandboxError as err:
            outcome.append(str(err))

    worker = threading.Thread(target=hostile)
    worker.start()
    slowest, count = 0.0, 0
    while worker.is_alive():
        started = time.monotonic()
        assert evaluate("x * 2", {"x": 21}) == 42
        slowest, count = max(slowest, time.monotonic() - started), count + 1
    worker.join(ENDS_WITHIN)
    assert outcome and "time limit" in outcome[0]
    assert count > 10 and slowest < 0.9


def test_a_value_json_cannot_carry_is_refused_not_converted() -> None:
    for expression in ("{1, 2}", "(1, 2)", "range(3)", "float('nan')", "(i for i in [1])"):
        with pytest.raises(SandboxError):
            evaluate(expression)
    assert evaluate("[1, 'a', None, 1.5, {'k': True}]") == [1, "a", None, 1.5, {"k": True}]
    assert evaluate("x + '\\udfff'", {"x": "\udfff"}) == "\udfff\udfff"


def test_a_literal_needs_no_evaluator_and_task_data_functions_stay_behind(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = EvaluatorPool()
    monkeypatch.setattr(pool_module, "_POOL", fresh)
    try:
        assert evaluate('"9999-12-31T23:59:59+00:00"') == "9999-12-31T23:59:59+00:00"
        assert evaluate(" 42 ") == 42
        assert fresh.started == 0
        assert evaluate("x", {"x": 3, "f": len}) == 3
        assert fresh.started == 1
    finally:
        fresh.close()


def test_the_pool_starts_no_more_processes_than_its_size_and_queues_the_rest() -> None:
    pool = EvaluatorPool(size=2)
    try:
        results: list[Any] = []

        def run() -> None:
            source = "sum(i for i in range(99999) for j in range(9)) > 0"
            results.append(pool.evaluate({"mode": "eval", "source": source, "context": {},
                                          "external": {}}, 2.0))

        threads = [threading.Thread(target=run) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(ENDS_WITHIN)
        assert results == [True] * 6
        assert pool.started <= 2
    finally:
        pool.close()


def test_a_forked_process_gets_its_own_pool_and_leaves_the_parents_alone() -> None:
    assert evaluate("x", {"x": 1}) == 1
    parent_pids = set(worker_pids())
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked child
        try:
            value = evaluate("x + 1", {"x": 1})
            os.write(write, json.dumps([value, worker_pids()]).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        value, child_pids = json.loads(pipe.read() or "[null, []]")
    os.waitpid(child, 0)
    assert value == 2
    assert child_pids and not set(child_pids) & parent_pids
    assert evaluate("x", {"x": 2}) == 2 and set(worker_pids()) & parent_pids
