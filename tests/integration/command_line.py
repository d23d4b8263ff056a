"""The `eskalasi` command line run in-process, as the command-line tests call it."""

from __future__ import annotations

import pytest

from cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """`eskalasi ARGS...`: its exit code and everything it wrote (stdout, then stderr)."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err
