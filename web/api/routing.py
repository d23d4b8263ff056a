"""Which API endpoints answer without a token, and what answers paths no endpoint has."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from flask import Blueprint, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from web.extensions import _

F = TypeVar("F", bound=Callable[..., Any])
UNMATCHED = "api.unmatched"
FALLBACK_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


def public(view: F) -> F:
    """Mark a view as answering without a token."""
    view.api_public = True  # type: ignore[attr-defined]
    return view


def is_public(endpoint: str | None) -> bool:
    """Whether the endpoint answers without a token."""
    view = current_app.view_functions.get(endpoint or "")
    return view is None or bool(getattr(view, "api_public", False))


@public
def unmatched(rest: str = "") -> NoReturn:
    """Any path or method under /api/v1 that no endpoint answers: 404, or 405 with Allow.

    Blueprint error handlers never see routing errors, so the API routes its own misses to
    this catch-all, whose errors its handlers then turn into problems.
    """
    raise routing_error()


def routing_error() -> HTTPException:
    """Match the request against the API's own routes, without the catch-all."""
    rules = [Rule(rule.rule, endpoint=rule.endpoint, methods=rule.methods)
             for rule in current_app.url_map.iter_rules()
             if rule.endpoint.startswith("api.") and rule.endpoint != UNMATCHED]
    try:
        Map(rules, converters=current_app.url_map.converters).bind("").match(
            request.path, method=request.method)
    except MethodNotAllowed as error:
        return error
    except HTTPException:
        pass
    return NotFound(_("%(path)s tidak ada di API ini; lihat /api/v1/openapi.json.",
                      path=request.path))


def add_fallback(bp: Blueprint) -> None:
    """Route every other path under the blueprint to `unmatched`."""
    bp.add_url_rule("/", "unmatched", unmatched, methods=FALLBACK_METHODS)
    bp.add_url_rule("/<path:rest>", "unmatched", unmatched, methods=FALLBACK_METHODS)
