"""Process versions: list, validate and deploy diagrams (process owner)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

import engine
from engine import Role
from web.api.auth import require
from web.api.inputs import diagram
from web.api.problems import diagram_problem
from web.api.serialize import items, version_json
from web.context import database

bp = Blueprint("versions", __name__)


@bp.get("/process-versions")
def index() -> dict[str, Any]:
    """Every deployed version, newest first (process owner, auditor)."""
    require(Role.PROCESS_OWNER, Role.AUDITOR)
    return items([version_json(v) for v in engine.list_versions(database().uow())])


@bp.post("/process-versions/validate")
def validate() -> dict[str, Any]:
    """Every problem of a diagram, nothing deployed; forms not sent come from the current
    version."""
    require(Role.PROCESS_OWNER)
    bpmn, forms, _ = diagram()
    problems = engine.validate(database().uow(), bpmn, forms)
    return {"ok": not problems, "problems": [diagram_problem(p) for p in problems]}


@bp.post("/process-versions")
def deploy() -> tuple[dict[str, Any], int]:
    """Validate, then make the diagram the version new tickets start on.

    201 also when the diagram is the current version already (`outcome`: "unchanged") or an
    older one made current again ("reactivated"), so clients need not tell these apart.
    """
    owner = require(Role.PROCESS_OWNER)
    bpmn, forms, note = diagram()
    version, outcome = engine.deploy(database().uow(), bpmn, forms, deployed_by=owner.username,
                                     note=note)
    return {**version_json(version), "outcome": outcome}, 201
