"""Process versions: list, validate and deploy diagrams (who may is the engine's to say)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

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


@bp.post("/process-versions/validate")
def validate() -> dict[str, Any]:
    """Every problem of a diagram, nothing deployed; forms not sent come from the current
    version."""
    user = caller()
    bpmn, forms, _ = diagram()
    problems = engine.validate(database().uow(), user, bpmn, forms)
    return {"ok": not problems, "problems": [diagram_problem(p) for p in problems]}


@bp.post("/process-versions")
def deploy() -> tuple[dict[str, Any], int]:
    """Validate, then make the diagram the version new tickets start on.

    201 also when the diagram is the current version already (`outcome`: "unchanged") or an
    older one made current again ("reactivated"), so clients need not tell these apart.
    """
    user = caller()
    bpmn, forms, note = diagram()
    version, outcome = engine.deploy(database().uow(), user, bpmn, forms, note=note)
    return {**version_json(version), "outcome": outcome}, 201
