"""The SpiffWorkflow script environment that runs every condition and script in the sandbox."""

from __future__ import annotations

from collections.abc import Mapping
from types import CodeType, TracebackType
from typing import Any

from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)

from engine.errors import SandboxError
from engine.sandbox.compiler import FILENAME, compiled
from engine.sandbox.guards import GUARDS
from engine.sandbox.limits import MAX_DATA, size_of
from engine.sandbox.watchdog import WATCHDOG, Stop


def _sandbox_line(tb: TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _where(err: BaseException, is_script: bool) -> str:
    line = _sandbox_line(err.__traceback__) if is_script else None
    return f"line {line}: " if line else ""


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
        code = compiled(expression.strip(), "eval")
        namespace = {**self.globals, **(external_context or {}), **context, **GUARDS}
        return self._run(code, namespace, is_script=False)

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        """Run `script`; the variables it assigns end up in the task data `context`."""
        external = dict(external_context or {})
        self._check_for_overwrite(context, external)
        code = compiled(script, "exec")
        namespace = {**self.globals, **external, **context, **GUARDS}
        self._run(code, namespace, is_script=True)
        # Like TaskDataEnvironment: deleted names leave the task data, and builtins,
        # functions, helpers and external context do not enter it.
        data = {key: value for key, value in namespace.items()
                if key not in GUARDS and key not in self.globals and key not in external
                and not callable(value)}
        # The task data is stored with the ticket: a script may not leave a huge value
        # (shared references make `[x] * n` small in memory, gigabytes when stored).
        if size_of(data, MAX_DATA) > MAX_DATA:
            raise SandboxError(f"the script would leave more than {MAX_DATA:,} characters "
                               f"in the task data")
        context.clear()
        context.update(data)
        return True

    def _check_for_overwrite(self, context: Mapping[str, Any],
                             external: Mapping[str, Any]) -> None:
        # TaskDataEnvironment refuses this too: a variable would hide a helper function.
        clashes = (set(self.globals) | set(external)) & set(context)
        if clashes:
            raise SandboxError(f"task data overwrites predefined function(s): "
                               f"{', '.join(sorted(clashes))}")

    def _run(self, code: CodeType, namespace: dict[str, Any], *, is_script: bool) -> Any:
        call = WATCHDOG.begin(self.time_limit)
        try:
            try:
                # The code was compiled by SandboxPolicy and runs with guarded builtins;
                # eval() runs exec-mode code objects too.
                return eval(code, namespace)  # noqa: S307
            finally:
                WATCHDOG.end(call)
        except Stop as stop:
            WATCHDOG.end(call)
            if not call.fired:
                raise  # the stop belongs to an enclosing sandboxed call
            raise SandboxError(f"{_where(stop, is_script)}stopped: it ran longer than the "
                               f"{self.time_limit:g} s time limit") from None
        except SandboxError as err:
            raise SandboxError(f"{_where(err, is_script)}{err}") from None
        except Exception as err:  # every failure of diagram code becomes a SandboxError
            raise SandboxError(f"{_where(err, is_script)}{type(err).__name__}: {err}") from err


def create_script_engine(time_limit: float = 1.0) -> PythonScriptEngine:
    """A SpiffWorkflow script engine whose every evaluation runs in the sandbox."""
    return PythonScriptEngine(environment=SandboxEnvironment(time_limit))
