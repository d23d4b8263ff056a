"""Bombs built from shared references: small to make, enormous to print or to store.

`[x] * 99_999` with `x` a text of 99,999 characters is within every per-operation limit
(99,999 items), yet it prints as ten billion characters, and as task data it would be
serialised as ten gigabytes. Both happen in C, where the time limit cannot stop them:
before these limits a script doing either held a worker for minutes and its memory grew
by gigabytes. Each is now refused up front, with a clear message, at once.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from engine.errors import SandboxError
from engine.sandbox import SandboxEnvironment, check_script, create_script_engine
from tests.bounds import ENDS_WITHIN

BUILD = 'x = "a" * 99999\ny = [x] * 99999\n'


def environment() -> SandboxEnvironment:
    env = create_script_engine(time_limit=1.0).environment
    assert isinstance(env, SandboxEnvironment)
    return env


def refused(script: str, data: dict[str, Any] | None = None) -> str:
    started = time.monotonic()
    with pytest.raises(SandboxError) as error:
        environment().execute(script, {} if data is None else data)
    assert time.monotonic() - started < ENDS_WITHIN  # not minutes
    return str(error.value)


@pytest.mark.parametrize("use", [
    "z = str(y)",
    "z = repr(y)",
    'z = f"{y}"',
    'z = f"{y!r}"',
    'z = "%s" % (y,)',
    'z = "%(a)s" % {"a": y}',
    "z = str([y, y])",
])
def test_printing_a_huge_shared_structure_is_refused(use: str) -> None:
    assert "more than" in refused(BUILD + use)


def test_leaving_a_huge_structure_in_the_task_data_is_refused() -> None:
    data: dict[str, Any] = {"kept": 1}
    message = refused(BUILD, data)
    assert "task data" in message
    assert data == {"kept": 1}  # the task data is as it was


def test_passing_str_or_repr_as_a_function_is_refused_statically() -> None:
    for script in ("z = sorted(items, key=str)", "f = repr", "z = max(items, key=repr)"):
        assert any("str" in p or "repr" in p for p in check_script(script)), script


def test_ordinary_printing_and_data_still_work() -> None:
    data: dict[str, Any] = {"items": [3, 1, 2], "nama": "Budi"}
    environment().execute(
        'a = str(12)\nb = repr(items)\nc = f"{nama}: {items}"\nd = "%s-%d" % (nama, 5)\n'
        "e = isinstance(nama, str)\nf = [nama] * 1000\n", data)
    assert (data["a"], data["b"], data["c"], data["d"], data["e"]) == (
        "12", "[3, 1, 2]", "Budi: [3, 1, 2]", "Budi-5", True)
    assert len(data["f"]) == 1000


def test_a_cycle_is_measured_to_the_limit_not_without_end() -> None:
    assert "more than" in refused("x = []\nx.append(x)\ns = str(x)\n")
    assert "task data" in refused("x = []\nx.append(x)\n")
