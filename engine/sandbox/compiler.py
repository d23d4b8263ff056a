"""Turns diagram source into sandboxed code, or into the problems that refuse it; cached."""

from __future__ import annotations

import ast
from functools import lru_cache
from types import CodeType
from typing import Literal

from RestrictedPython import compile_restricted_eval, compile_restricted_exec

from engine.errors import SandboxError
from engine.sandbox.literals import LiteralChecker
from engine.sandbox.policy import SandboxPolicy

MAX_SOURCE_CHARS = 100_000
# The filename compiled code carries, so tracebacks can find the sandboxed frames.
FILENAME = "<sandbox>"

Mode = Literal["eval", "exec"]


@lru_cache(maxsize=4096)
def _compile(source: str, mode: Mode) -> tuple[CodeType | None, tuple[str, ...]]:
    """The code for `source`, or the problems that refuse it; cached, conditions run often."""
    if len(source) > MAX_SOURCE_CHARS:
        return None, (f"longer than {MAX_SOURCE_CHARS:,} characters",)
    checker = LiteralChecker()
    restricted = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        tree = ast.parse(source, FILENAME, mode)
        checker.visit(tree)
        result = restricted(tree, FILENAME, policy=SandboxPolicy)
    except SyntaxError as err:
        return None, (f"line {err.lineno}: syntax error: {err.msg}",)
    except RecursionError:
        return None, ("nested too deeply",)
    except (ValueError, MemoryError) as err:
        return None, (f"cannot be compiled: {err}",)
    problems = (*checker.problems, *result.errors)
    return (None, problems) if problems else (result.code, ())


def check_expression(source: str) -> list[str]:
    """Problems (plain English messages, empty if none) that keep an expression from running in the sandbox."""  # noqa: E501
    return list(_compile(source.strip(), "eval")[1])


def check_script(source: str) -> list[str]:
    """Same for a multi-line script (script task)."""
    return list(_compile(source, "exec")[1])


def compiled(source: str, mode: Mode) -> CodeType:
    """The sandboxed code for `source`; a SandboxError listing its problems if it is refused."""
    code, problems = _compile(source, mode)
    if code is None:
        raise SandboxError("; ".join(problems))
    return code
