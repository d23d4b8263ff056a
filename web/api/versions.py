"""Process versions: list, validate and deploy diagrams (who may is the engine's to say)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

import engine
from web.api.auth import caller
from web.api.inputs import diagram
from web.api.problems import diagram_problem
from web.api.serialize import items, version_json
from web.context import database

bp = Blueprint("versions", __name__)


@bp.get("/process-versions")
def index() -> dict[str, Any]:
    """Every deployed version, newest first (process owner, auditor)."""
    return items([version_json(v) for v in engine.list_versions(database().uow(), caller())])


def _scenarios(files: dict[str, bytes]) -> tuple[dict[str, bytes], bytes | None, str]:
    """The forms, and the owners' scenario file when the upload brings one: among the forms
    (a name ending .scenarios.json) or in its own `scenarios` field."""
    upload = request.files.get("scenarios") if request.mimetype == "multipart/form-data" else None
    if upload is not None:
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        if not name.lower().endswith(".scenarios.json"):
            name = engine.SCENARIO_FILE
        files = {**files, name: upload.read()}
    forms, scenarios, name = engine.split_scenarios(files)
    return forms, scenarios, name or engine.SCENARIO_FILE


@bp.post("/process-versions/validate")
def validate() -> dict[str, Any]:
    """Every problem of a diagram, then of the owners' scenarios run on it, nothing
    deployed; forms and scenarios not sent come from the current version."""
    user = caller()
    bpmn, files, _ = diagram()
    forms, scenarios, name = _scenarios(files)
    problems = engine.validate(database().uow(), user, bpmn, forms, scenarios, name)
    return {"ok": not problems, "problems": [diagram_problem(p) for p in problems]}


@bp.post("/process-versions")
def deploy() -> tuple[dict[str, Any], int]:
    """Validate, then make the diagram the version new tickets start on.

    201 also when the diagram is the current version already (`outcome`: "unchanged") or an
    older one made current again ("reactivated"), so clients need not tell these apart.
    """
    user = caller()
    bpmn, files, note = diagram()
    forms, scenarios, name = _scenarios(files)
    version, outcome = engine.deploy(database().uow(), user, bpmn, forms, note=note,
                                     scenarios=scenarios, scenarios_file=name)
    return {**version_json(version), "outcome": outcome}, 201
