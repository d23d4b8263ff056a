"""`eskalasi test FILE.bpmn [--scenarios FILE]`: the owners' scenarios, nothing deployed."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import engine
from cli.english import english
from engine import Database, Problem, ScenarioReport


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `test` to the command line."""
    test = commands.add_parser(
        "test", help="run the owners' scenarios against a diagram, deploy nothing")
    test.add_argument("file", help="the diagram (its forms in forms/ beside it)")
    test.add_argument("--scenarios", default=None,
                      help="the scenario file (default: NAME.scenarios.json beside the diagram)")
    test.set_defaults(run=cmd_test)


def beside(diagram: Path) -> tuple[bytes | None, str]:
    """The scenario file beside a diagram (None when there is none) and how its problems name
    it: its name, or the deployed version's when the engine falls back to those."""
    found = engine.read_scenarios_beside(diagram)
    name = engine.scenarios_beside(diagram).name
    return found, name if found is not None else f"{engine.SCENARIO_FILE} (deployed)"


def _where(diagram: Path, label: str, problem: Problem) -> str:
    if not problem.file:
        return str(diagram)
    if problem.file == label:
        return label
    return str(diagram.parent / problem.file)


def _print_report(diagram: Path, label: str, report: ScenarioReport) -> None:
    failed = {r.name for r in report.results if not r.passed}
    print(f"{label}: {len(report.results)} scenario(s)")
    for result in report.results:
        print(f"  {'FAIL' if result.name in failed else 'pass'}  {result.name}")
    _print_problems(diagram, label, report.problems)
    coverage = report.coverage
    if coverage is None:
        return
    for line in coverage.summary():
        print(english(line))
    for flow in coverage.not_taken:
        print(f"  not taken: {flow} ({coverage.labels.get(flow, '')})")


def _read(path: Path, given: str | None) -> tuple[bytes | None, str] | None:
    """The scenario file (given, else beside the diagram; None when there is none) and how
    to name it; None after saying why it cannot be read."""
    if given is None:
        return engine.read_scenarios_beside(path), str(engine.scenarios_beside(path))
    try:
        return Path(given).read_bytes(), given
    except OSError as err:
        print(f"{given}:0: cannot read the file: {err.strerror}", file=sys.stderr)
        return None


def _print_problems(path: Path, label: str, problems: list[Problem] | tuple[Problem, ...]
                    ) -> None:
    for problem in problems:
        print(f"{_where(path, label, problem)}:{problem.line}: {english(problem.message)}")


def cmd_test(args: argparse.Namespace) -> int:
    """Run the scenarios; print each one's result, every failure and the flow coverage."""
    path = Path(args.file)
    try:
        bpmn = path.read_bytes()
    except OSError as err:
        print(f"{path}:0: cannot read the file: {err.strerror}", file=sys.stderr)
        return 1
    found = _read(path, args.scenarios)
    if found is None:
        return 1
    scenarios, label = found
    started = time.monotonic()
    with Database(args.settings) as database:
        uow = database.uow() if database.has_schema() else None
        if scenarios is None and uow is not None:
            label = f"{engine.SCENARIO_FILE} (deployed)"
        problems, report = engine.test_scenarios(uow, bpmn, engine.read_forms(path), scenarios,
                                                 label)
    if problems:
        _print_problems(path, label, problems)
        print(f"{path}: the diagram is not valid; no scenario ran", file=sys.stderr)
        return 1
    if report is None:
        print(f"{path}: no scenarios: write them in {engine.scenarios_beside(path)} or give "
              "--scenarios FILE", file=sys.stderr)
        return 1
    if not report.results and report.problems:  # the file itself cannot be used
        _print_problems(path, label, report.problems)
        print(f"{label}: no scenario ran", file=sys.stderr)
        return 1
    _print_report(path, label, report)
    passed = sum(1 for r in report.results if r.passed)
    seconds = time.monotonic() - started
    print(f"{path}: {passed} of {len(report.results)} scenario(s) pass ({seconds:.2f} s)")
    return 0 if report.ok else 1
