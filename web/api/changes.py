"""Comparing versions and moving open tickets between them (process owners; the engine
refuses the rest, answered 404 as on the pages)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

import engine
from web.api.auth import caller
from web.api.inputs import json_object
from web.api.problems import invalid, problem
from web.api.serialize import items, version_json
from web.context import database
from web.extensions import _

bp = Blueprint("changes", __name__)

MAX_TICKETS = 500


@bp.errorhandler(engine.Forbidden)
def hidden(_error: engine.Forbidden) -> Response:
    """What only process owners may use does not exist for anyone else."""
    return problem(404, _("Sumber yang diminta tidak ditemukan."))


def change_json(change: engine.Change) -> dict[str, Any]:
    """One difference between two versions."""
    return {"kind": change.kind, "element": change.element,
            "element_kind": change.element_kind, "name": change.name,
            "aspect": change.aspect, "before": change.before, "after": change.after}


def blocker_json(blocker: engine.MigrationBlocker) -> dict[str, Any]:
    """Why a ticket cannot move."""
    return {"code": blocker.code, "element": blocker.element, "name": blocker.name,
            "detail": blocker.detail, "message": blocker.message}


def _side(side: engine.ComparedSide) -> dict[str, Any]:
    return {"kind": side.kind, "id": side.id, "number": side.number,
            "marks": dict(side.marks)}


@bp.get("/process-versions/<version_id>/comparison")
def comparison(version_id: str) -> dict[str, Any]:
    """The version compared with the deployed one (or with `base`)."""
    found = engine.compare_version(database().uow(), caller(), version_id,
                                   request.args.get("base") or None)
    return {"before": _side(found.before), "after": _side(found.after),
            "changes": [change_json(c) for c in found.changes]}


@bp.get("/process-versions/<version_id>/migration")
def dry_run(version_id: str) -> dict[str, Any]:
    """Which open tickets on other versions can move to this one, and why the others cannot."""
    plan = engine.plan_migration(database().uow(), caller(), version_id)
    return {"version": version_json(plan.version), "items": [
        {"ticket_id": c.ticket_id, "ticket_number": c.ticket_number,
         "from_version": c.from_version, "from_number": c.from_number,
         "positions": list(c.positions), "can_migrate": c.can_migrate,
         "reasons": [blocker_json(b) for b in c.blockers]} for c in plan.tickets]}


@bp.post("/process-versions/<version_id>/migration")
def migrate(version_id: str) -> dict[str, Any]:
    """Move the chosen tickets to this version, each on its own; what happened to each."""
    user = caller()
    chosen = json_object().get("tickets")
    try:
        results = engine.migrate_tickets(database().uow, user, version_id, chosen)
    except engine.InvalidData:
        raise invalid({"tickets": [_("Daftar berisi 1 sampai %(limit)s id tiket.",
                                      limit=MAX_TICKETS)]}) from None
    return items([{"ticket_id": r.ticket_id, "ticket_number": r.ticket_number,
                   "migrated": r.migrated, "reasons": [blocker_json(b) for b in r.blockers]}
                  for r in results])
