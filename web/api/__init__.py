"""The JSON API of CONTRACT.md under /api/v1: bearer tokens, JSON bodies, problem+json."""

from __future__ import annotations

from flask import Blueprint
from flask.sansio.blueprints import BlueprintSetupState

from web.api import (
    auth,
    changes,
    comments,
    exports,
    inputs,
    notifications,
    openapi,
    problems,
    routing,
    tasks,
    ticket_operations,
    tickets,
    users,
    versions,
)

PARTS = (auth.bp, changes.bp, tickets.bp, tasks.bp, versions.bp, notifications.bp, openapi.bp,
         comments.bp, users.bp, exports.bp, ticket_operations.bp)

bp = Blueprint("api", __name__)
for part in PARTS:
    bp.register_blueprint(part)
bp.before_request(inputs.limit_body)
bp.before_request(auth.require_token)
problems.register(bp)
routing.add_fallback(bp)


def _exempt_from_csrf(state: BlueprintSetupState) -> None:
    """Bearer tokens, never cookies: no CSRF. Flask-WTF looks at the request's own
    blueprint, so exempting `bp` alone leaves the nested parts protected."""
    csrf = state.app.extensions.get("csrf")
    if csrf is not None:
        for part in PARTS:
            csrf.exempt(part)


bp.record_once(_exempt_from_csrf)
