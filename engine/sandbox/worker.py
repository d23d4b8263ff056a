"""An evaluator process: runs diagram code under kernel limits; JSON lines in, JSON lines out.

Started by pool.py as `python -I -B engine/sandbox/worker.py` (never imported by the web or
worker processes for its `main`). It loads only the sandbox's own modules, sets its hard
limits (address space, CPU time, no files written, no new processes, no core dumps), and
then answers one request per line on stdin: {"mode": "eval"|"exec", "source", "context",
"external", "time_limit"} gets {"ok": true, "value": ...} or {"ok": false, "error": "..."}.
A request that runs away is the parent's to stop: it kills this process at the wall-clock
limit; the kernel kills it past its CPU time (SIGXCPU) or refuses memory past RLIMIT_AS.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import os
import resource
import sys
import types
from typing import Any

# Total CPU seconds a warm process may use in its life: the pool retires it before.
CPU_LIFETIME = 3600
# Levels of nesting a value handed back may have (JSON encoders recurse per level).
MAX_DEPTH = 64
# Integers handed back stay under about 4 000 digits (Python prints at most 4 300).
MAX_INT_BITS = 13_000
_JSON_SCALARS = (str, int, float, bool, type(None))


def _load_sandbox_modules() -> None:
    """Make `engine.sandbox.*` importable without running `engine/__init__.py` (the app)."""
    here = os.path.dirname(os.path.abspath(__file__))
    for name, path in (("engine", os.path.dirname(here)), ("engine.sandbox", here)):
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = [path]
            sys.modules[name] = package


def json_problem(value: object, where: str) -> str | None:
    """Why `value` cannot be carried exactly as JSON (None if it can)."""
    stack: list[tuple[object, str, int]] = [(value, where, 0)]
    while stack:
        item, path, depth = stack.pop()
        kind = type(item)
        if depth > MAX_DEPTH:
            return f"{path} is nested more than {MAX_DEPTH} levels deep"
        if kind is float and not math.isfinite(item):  # type: ignore[arg-type]
            return f"{path} is {item!r}, which JSON cannot hold"
        if kind is int and item.bit_length() > MAX_INT_BITS:  # type: ignore[attr-defined]
            return f"{path} is an integer of more than 4,000 digits, too large to store"
        if kind in _JSON_SCALARS:
            continue
        if kind is list:
            items: list[object] = item  # type: ignore[assignment]
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(items))
        elif kind is dict:
            for key, v in item.items():  # type: ignore[attr-defined]
                if type(key) is not str:
                    return f"{path} has a key {type(key).__name__} {key!r:.40}, not text"
                stack.append((v, f"{path}[{key!r:.40}]", depth + 1))
        else:
            return (f"{path} is a {kind.__name__}: only text, numbers, true/false, null, "
                    f"lists and dicts with text keys can be stored")
    return None


class Evaluator:
    """Runs requests with the sandbox's compiler, guards and watchdog."""

    def __init__(self) -> None:
        """Import the sandbox (before the limits: imports open files)."""
        _load_sandbox_modules()
        from engine.errors import SandboxError
        from engine.sandbox import compiler, guards, limits, watchdog

        self.SandboxError = SandboxError
        self.compiler, self.guards, self.limits, self.watchdog = compiler, guards, limits, watchdog
        # What JSON cannot carry is named by json_values (the same messages the web process
        # checks with); its own plain check stands in while that module is not there.
        self.json_values: Any = None
        with contextlib.suppress(ImportError):
            self.json_values = importlib.import_module("engine.sandbox.json_values")
        # Codecs load their module on first use; load the ones diagram code may name now.
        for codec in ("unicode_escape", "raw_unicode_escape", "latin-1", "ascii", "utf-16",
                      "utf-32", "utf-8-sig", "cp1252"):
            "".encode(codec)

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        """The answer to one request."""
        time_limit = float(request.get("time_limit", 1.0))
        used = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
        soft = min(CPU_LIFETIME, int(used) + math.ceil(time_limit) + 1)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, CPU_LIFETIME))
        try:
            value = self.run(request["mode"], request["source"], request.get("context") or {},
                             request.get("external") or {}, time_limit)
        except self.SandboxError as err:
            answer: dict[str, Any] = {"ok": False, "error": str(err)}
            if getattr(err.message, "code", "text") != "text":
                answer["message"] = encode_message(err.message)
            return answer
        return {"ok": True, "value": value, "cpu": used}

    def run(self, mode: str, source: str, context: dict[str, Any],
            external: dict[str, Any], time_limit: float) -> Any:
        """Evaluate (mode "eval") or execute ("exec") `source`; its value or new data."""
        is_script = mode == "exec"
        code = self.compiler.compiled(source if is_script else source.strip(),
                                      "exec" if is_script else "eval")
        namespace = {**external, **context, **self.guards.GUARDS}
        result = self._run(code, namespace, is_script, time_limit)
        if not is_script:
            if self.json_values is not None:
                found = self.json_values.value_problem(result)
                if found is not None:
                    raise self.SandboxError(found)
            problem = json_problem(result, "the value")
            if problem:
                raise self.SandboxError(problem)
            return result
        data = {key: value for key, value in namespace.items()
                if key not in self.guards.GUARDS and key not in external
                and not callable(value)}
        # The task data is stored with the ticket: a script may not leave a huge value
        # (shared references make `[x] * n` small in memory, gigabytes when stored).
        limit = self.limits.MAX_DATA
        if self.limits.size_of(data, limit) > limit:
            raise self.SandboxError(f"the script would leave more than {limit:,} characters "
                                    f"in the task data")
        if self.json_values is not None:
            found = self.json_values.data_problem(data)
            if found is not None:
                raise self.SandboxError(found)
        for key, value in data.items():
            problem = json_problem(value, f"the variable {key}")
            if problem:
                raise self.SandboxError(problem)
        return data

    def _run(self, code: Any, namespace: dict[str, Any], is_script: bool,
             time_limit: float) -> Any:
        watchdog, SandboxError = self.watchdog, self.SandboxError
        call = watchdog.WATCHDOG.begin(time_limit)
        try:
            try:
                # The code was compiled by SandboxPolicy and runs with guarded builtins;
                # eval() runs exec-mode code objects too.
                return eval(code, namespace)  # noqa: S307
            finally:
                watchdog.WATCHDOG.end(call)
        except watchdog.Stop as stop:
            watchdog.WATCHDOG.end(call)
            if not call.fired:
                raise
            raise SandboxError(f"{self._where(stop, is_script)}stopped: it ran longer than "
                               f"the {time_limit:g} s time limit") from None
        except SandboxError as err:
            raise SandboxError(f"{self._where(err, is_script)}{err}") from None
        except MemoryError as err:
            raise SandboxError(f"{self._where(err, is_script)}stopped: it needed more memory "
                               f"than the sandbox allows") from None
        except Exception as err:  # noqa: BLE001 - every failure of diagram code is refused
            raise SandboxError(f"{self._where(err, is_script)}{type(err).__name__}: "
                               f"{_short(err)}") from None

    def _where(self, err: BaseException, is_script: bool) -> str:
        if not is_script:
            return ""
        line, tb = None, err.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.compiler.FILENAME:
                line = tb.tb_lineno
            tb = tb.tb_next
        return f"line {line}: " if line else ""


def encode_message(message: Any) -> dict[str, Any]:
    """A Message (engine/messages.py) as JSON: its code and parameters, nested ones too."""
    return {"code": message.code,
            "params": {key: encode_message(value) if hasattr(value, "code") else value
                       for key, value in message.params.items()}}


def _short(err: BaseException) -> str:
    """An exception's text, cut short: printing its arguments may be huge (or fail)."""
    def small(arg: object) -> bool:
        kind = type(arg)
        return (kind in (float, bool, type(None)) or (kind is str and len(arg) <= 1_000)  # type: ignore[arg-type]
                or (kind is int and arg.bit_length() <= 3_000))  # type: ignore[attr-defined]

    try:
        if all(small(arg) for arg in err.args):
            return str(err)[:500]
        return "(its arguments are too large to print)"
    except Exception:  # noqa: BLE001
        return ""


def set_limits(memory_bytes: int) -> None:
    """The kernel's hard limits for this process (kept for its whole life)."""
    def cap(which: int, value: int) -> None:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            _soft, hard = resource.getrlimit(which)
            if hard == resource.RLIM_INFINITY or value < hard:
                resource.setrlimit(which, (min(value, hard if hard >= 0 else value), hard))

    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_FSIZE, 0)
    cap(resource.RLIMIT_NPROC, 0)
    cap(resource.RLIMIT_NOFILE, 8)
    cap(resource.RLIMIT_AS, memory_bytes)
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIFETIME, CPU_LIFETIME))


def main() -> None:
    """Serve requests on stdin until it closes."""
    memory_bytes = int(sys.argv[1]) if len(sys.argv) > 1 else 512 * 1024 * 1024
    evaluator = Evaluator()
    reader, writer = sys.stdin.buffer, sys.stdout.buffer
    # Nothing else may write on the answer channel.
    sys.stdout = sys.stderr
    set_limits(memory_bytes)
    writer.write(b'{"ready": true}\n')
    writer.flush()
    for line in reader:
        try:
            request = json.loads(line)
            answer = evaluator.handle(request)
            out = json.dumps(answer, allow_nan=False).encode()
        except MemoryError:
            out = b'{"ok":false,"error":"stopped: it needed more memory than the sandbox allows"}'
        except (ValueError, TypeError, RecursionError, KeyError) as err:
            out = json.dumps({"ok": False, "error": f"the value cannot be sent back: "
                                                    f"{type(err).__name__}"}).encode()
        writer.write(out + b"\n")
        writer.flush()


if __name__ == "__main__":
    main()
