"""The editor's "Skenario" tab: run the draft's scenarios, and walk the draft step by step
to record a new one. JSON in and out, the CSRF token in the X-CSRFToken header (as the
editor's other calls); nothing is stored here (saving the draft keeps its scenarios)."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.typing import ResponseReturnValue

import engine
from web.context import actor, database
from web.pages.formatting import translated
from web.process.editor import diagram_parts, json_body, problem_json, scenarios_of

MAX_RECORDED_STEPS = 500


def _coverage(coverage: engine.ScenarioReport | None) -> dict[str, Any] | None:
    found = coverage.coverage if coverage is not None else None
    if found is None:
        return None
    return {"flows": len(found.flows), "flows_taken": found.flows_taken,
            "branches": len(found.branches), "branches_taken": found.branches_taken,
            "summary": [translated(line) for line in found.summary()],
            "not_taken": [{"id": flow, "label": found.labels.get(flow, flow)}
                          for flow in found.not_taken]}


def run_all() -> ResponseReturnValue:
    """Run every scenario the editor holds on its diagram and forms: pass or fail each,
    with why, and the flows none of them takes."""
    body = json_body()
    xml, forms = diagram_parts(body)
    run = engine.run_draft_scenarios(database().uow(), actor(), xml, forms, scenarios_of(body))
    report = run.report
    results = [] if report is None else [
        {"name": result.name, "passed": result.passed,
         "failure": problem_json(result.failure) if result.failure is not None else None}
        for result in report.results]
    problems = list(run.problems) + (list(report.problems) if report is not None else [])
    return {"ok": not problems, "diagram_ok": not run.problems,
            "problems": [problem_json(p) for p in problems], "results": results,
            "coverage": _coverage(report)}


def next_steps() -> ResponseReturnValue:
    """The steps ready after the partial scenario the recorder holds, with their forms."""
    body = json_body()
    xml, forms = diagram_parts(body)
    steps = body.get("steps", [])
    if not isinstance(steps, list) or len(steps) > MAX_RECORDED_STEPS or not all(
            isinstance(step, dict) for step in steps):
        abort(400)
    problems, walked = engine.walk_draft(database().uow(), actor(), xml, forms, steps)
    if walked is None:
        return {"ok": False, "problems": [problem_json(p) for p in problems], "ready": [],
                "path": [], "closed": False, "failure": None}
    return {"ok": walked.failure is None, "problems": [],
            "failure": problem_json(walked.failure) if walked.failure is not None else None,
            "path": list(walked.path), "closed": walked.closed,
            "ready": [{"task": step.task, "name": step.name, "sop_step": step.sop_step,
                       "form": step.form} for step in walked.ready]}
