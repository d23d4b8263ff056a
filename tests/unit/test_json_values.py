"""What JSON carries exactly, and what a script shows it would leave that JSON cannot."""

from __future__ import annotations

from typing import Any

import pytest

from engine.sandbox.json_values import (
    MAX_DEPTH,
    MAX_SAFE_INTEGER,
    data_problem,
    static_problems,
    value_problem,
)


def nested(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("value", [
    None, True, "teks", 0, MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, 1.5, [1, "a", {"b": None}],
    {"a": [1.0, {"b": [True]}]}, nested(MAX_DEPTH - 1),
])
def test_values_json_carries_exactly_pass(value: Any) -> None:
    assert value_problem(value) is None


@pytest.mark.parametrize(("value", "code"), [
    ((i for i in [1]), "json_generator"), (iter([1]), "json_generator"), ({1, 2}, "json_set"),
    (frozenset(), "json_set"), (range(3), "json_range"), ((1, 2), "json_tuple"),
    (float("nan"), "json_nan"), (float("inf"), "json_nan"), (-float("inf"), "json_nan"),
    (MAX_SAFE_INTEGER + 1, "json_big_int"), (-(2**200), "json_big_int"),
    (nested(MAX_DEPTH + 1), "json_too_deep"), ({1: "a"}, "json_key"), (b"x", "json_type"),
    ([[{"a": {1, 2}}]], "json_set"),
])
def test_values_json_cannot_carry_exactly_are_named(value: Any, code: str) -> None:
    found = value_problem(value)
    assert found is not None and found.code == code


def test_a_problem_in_task_data_names_its_variable() -> None:
    found = data_problem({"ok": 1, "hasil": {1, 2}})
    assert found is not None and found.code == "json_value_left"
    assert found.params["name"] == "hasil"


@pytest.mark.parametrize(("source", "line"), [
    ("a = 1\ng = (i for i in [1])", 2), ("s = {1, 2}", 1), ("s = {c for c in 'ab'}", 1),
    ("r = range(3)", 1), ("n = 2**14300", 1), ("n = 10**16", 1), ("n = 1 << 60", 1),
    ("n = -123456789012345678901234567890", 1), ('x = float("nan")', 1),
    ('if True:\n    x = float(" -Infinity ")', 2), ("t = 1, 2", 1), ("d = {1: 'a'}", 1),
    ("x = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 1),
    ("x = {'a': [set()]}", 1), ("x = 0\nx += (i for i in [1])", 2),
    ("x = list(range(3)) if False else range(3)", 1),
])
def test_a_script_leaving_what_json_cannot_carry_is_a_problem_on_its_line(
        source: str, line: int) -> None:
    assert [found_line for found_line, _ in static_problems(source, "exec")] == [line]


@pytest.mark.parametrize("source", [
    "n = 2**53 - 1", "n = 1**100000", "a, b = 1, 2", "x = list(range(3))",
    "x = sorted({3, 1, 2})", "ok = any(c in 'ab' for c in kata)", "for i in range(3):\n    n = i",
    "x = [c for c in 'abc']", "x = {'a': [1, {'b': None}]}", "x = float('1.5')",
    "x = 1 if 2**14300 > 0 else 0",
])
def test_a_script_leaving_only_json_passes(source: str) -> None:
    assert static_problems(source, "exec") == []


def test_a_source_that_does_not_parse_is_left_to_the_sandbox_check() -> None:
    assert static_problems("x = (", "exec") == []
