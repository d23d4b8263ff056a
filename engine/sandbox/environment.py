"""The SpiffWorkflow script environment that runs every condition and script in the sandbox."""

from __future__ import annotations

import ast
import functools
import math
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)

from engine.errors import SandboxError
from engine.sandbox import fast_path
from engine.sandbox.compiler import compiled
from engine.sandbox.pool import get_pool

_NO_CONSTANT = object()


@functools.lru_cache(maxsize=1024)
def _constant(expression: str) -> Any:
    """The value of an expression that is one plain literal (a timer's date, a number), or
    _NO_CONSTANT: a literal runs no code, so it needs no trip to an evaluator process."""
    try:
        body = ast.parse(expression, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _NO_CONSTANT
    if isinstance(body, ast.Constant) and (
            type(body.value) in (str, bool, type(None))
            or (type(body.value) is int and abs(body.value) < 2**53)
            or (type(body.value) is float and math.isfinite(body.value))):
        return body.value
    return _NO_CONSTANT


def _data(context: Mapping[str, Any]) -> dict[str, Any]:
    # Like TaskDataEnvironment: functions are not task data (and cannot cross as JSON).
    return {key: value for key, value in context.items() if not callable(value)}


class SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """A SpiffWorkflow script environment that runs everything in the sandbox."""

    def __init__(self, time_limit: float = 1.0,
                 environment_globals: Mapping[str, Any] | None = None) -> None:
        """`time_limit` in seconds per evaluation; `environment_globals` are trusted helpers."""
        if not time_limit > 0:
            raise ValueError("time_limit must be positive")
        super().__init__(dict(environment_globals or {}))
        self.time_limit = time_limit

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: Mapping[str, Any] | None = None) -> Any:
        """The value of `expression`, with the task data `context` as its variables."""
        # RestrictedPython's check runs here first (cached), then again in the evaluator.
        compiled(expression.strip(), "eval")
        constant = _constant(expression.strip())
        if constant is not _NO_CONSTANT:
            return constant
        data, external = _data(context), self._external(external_context or {})
        # A trivial condition (`status in ["a", "b"]`) is answered here: no trip to the pool.
        answer = fast_path.answer(expression.strip(), data, external)
        if answer is not fast_path.NOT_ANSWERED:
            return answer
        return get_pool().evaluate({"mode": "eval", "source": expression,
                                    "context": data, "external": external},
                                   self.time_limit)

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        """Run `script`; the variables it assigns end up in the task data `context`."""
        external = dict(external_context or {})
        self._check_for_overwrite(context, external)
        compiled(script, "exec")
        request = {"mode": "exec", "source": script, "context": _data(context),
                   "external": self._external(external)}
        data = get_pool().evaluate(request, self.time_limit)
        if not isinstance(data, dict):
            raise SandboxError("the sandbox answered without task data")
        context.clear()
        context.update(data)
        return True

    def _external(self, external: Mapping[str, Any]) -> dict[str, Any]:
        # Values among the environment's globals are readable like the external context;
        # functions cannot cross into the evaluator process.
        return {**_data(self.globals), **_data(external)}

    def _check_for_overwrite(self, context: Mapping[str, Any],
                             external: Mapping[str, Any]) -> None:
        # TaskDataEnvironment refuses this too: a variable would hide a helper function.
        clashes = (set(self.globals) | set(external)) & set(context)
        if clashes:
            raise SandboxError(f"task data overwrites predefined function(s): "
                               f"{', '.join(sorted(clashes))}")


def create_script_engine(time_limit: float = 1.0) -> PythonScriptEngine:
    """A SpiffWorkflow script engine whose every evaluation runs in the sandbox."""
    return PythonScriptEngine(environment=SandboxEnvironment(time_limit))
