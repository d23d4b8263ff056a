"""Benchmark: what hostile diagrams and form answers cost to validate (issue 11, part 3).

Prints, wall and CPU seconds of one call each: validating the shipped diagram; the shipped
diagram plus 333 distinct scripts of `'%s' % (((1,)*9999,)*10,)` (the issue's row: 25 s of
CPU in one request before the budget); three and ten scripts of 1000 such lines (the 3 s
deadline, the 100,000-character cap); and checking the answer `"a"*36 + "!"` against the
form pattern `^(a|aa)+$` (seconds of backtracking with Python's re, microseconds with RE2).

    .venv/bin/python bench/validation_budget.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.process.files import read_forms
from engine.process.forms import check_submission, make_validator
from engine.process.validation import BPMN_NS, NS, validate_diagram

DIAGRAM = Path(__file__).resolve().parents[1] / "processes" / "escalation.bpmn"
HEAVY = "'%s' % (((1,)*9999,)*10,)"


def with_scripts(scripts: list[str]) -> bytes:
    """The shipped diagram with one script task per script."""
    root = etree.fromstring(DIAGRAM.read_bytes())
    process = root.find("bpmn:process", NS)
    for i, script in enumerate(scripts):
        task = etree.SubElement(process, f"{{{BPMN_NS}}}scriptTask", id=f"Script_{i}")
        etree.SubElement(task, f"{{{BPMN_NS}}}script").text = script
    return bytes(etree.tostring(root))


def timed(name: str, run: Callable[[], Any]) -> None:
    """Print how long one call took, wall and CPU, and what it said first."""
    wall, cpu = time.perf_counter(), time.process_time()
    said = run()
    print(f"{name}: {time.perf_counter() - wall:.3f} s wall, "
          f"{time.process_time() - cpu:.3f} s CPU; {said}")


def first_problem(bpmn: bytes) -> Callable[[], str]:
    forms = read_forms(DIAGRAM)
    return lambda: next((p.message for p in validate_diagram(bpmn, forms)[0]), "no problems")


def main() -> None:
    """Run each case once and print its cost."""
    timed("shipped diagram", first_problem(DIAGRAM.read_bytes()))
    timed("333 heavy scripts", first_problem(
        with_scripts([f"x{i} = {HEAVY}" for i in range(333)])))
    heavy = "\n".join(f"x{i} = {HEAVY}" for i in range(1000))
    timed("three scripts of 1000 heavy lines (99,000 characters)", first_problem(
        with_scripts([f"{heavy}\ny{n} = 1" for n in range(3)])))
    timed("ten scripts of 1000 heavy lines", first_problem(
        with_scripts([f"{heavy}\ny{n} = 1" for n in range(10)])))
    validator = make_validator({"type": "object",
                                "properties": {"a": {"type": "string",
                                                     "pattern": "^(a|aa)+$"}}})
    timed("pattern ^(a|aa)+$ against 'a'*36+'!'",
          lambda: check_submission(validator, {"a": "a" * 36 + "!"}))


if __name__ == "__main__":
    main()
