"""Every error of the API as `application/problem+json` (RFC 9457), engine errors mapped.

`detail`, the field messages of `errors` and the diagram problems' `message` speak the
caller's language (Accept-Language; Indonesian by default): the engine's messages are codes
with parameters, translated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, default_exceptions

import engine
from web.extensions import _
from web.pages.formatting import translated

PROBLEM_JSON = "application/problem+json"

# Engine errors that carry no details beyond their message.
STATUS_OF: tuple[tuple[type[engine.EskalasiError], int], ...] = (
    (engine.NotFound, 404),
    (engine.Forbidden, 403),
    (engine.Conflict, 409),
    (engine.TooManyAttempts, 429),
    (engine.NoProcessDeployed, 503),
    (engine.Gone, 410),
)


class ApiProblem(Exception):
    """An answer other than success, raised by views and their helpers."""

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = extra


def invalid(errors: Mapping[str, list[str]], detail: str = "") -> ApiProblem:
    """A 422 problem with field errors, each in the caller's language."""
    return ApiProblem(422, detail or _("Beberapa isian tidak sah; lihat `errors`."),
                      errors={field: [translated(m) for m in messages]
                              for field, messages in errors.items()})


def problem(status: int, detail: str, headers: Mapping[str, str] | None = None,
            **extra: Any) -> Response:
    """A problem+json response; `type` is about:blank, so `title` is the status phrase."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status,
            "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.content_type = PROBLEM_JSON
    response.headers.update(headers or {})
    return response


def from_api_problem(error: ApiProblem) -> Response:
    """What a view or helper raised."""
    return problem(error.status, error.detail, error.headers, **error.extra)


def from_engine(error: engine.EskalasiError) -> Response:
    """Map what the engine refused to the status a client can act on."""
    if isinstance(error, engine.InvalidData):
        return from_api_problem(invalid(error.errors))
    if isinstance(error, engine.InvalidDiagram):
        return problem(422, _("Diagram tidak sah; lihat `problems`."),
                       problems=[diagram_problem(p) for p in error.problems])
    if isinstance(error, engine.SandboxError):
        return problem(422, translated(engine.Message("process_cannot_continue",
                                                      error=error.message)))
    if isinstance(error, engine.StorageUnavailable):
        current_app.logger.error("storage unavailable: %s", error)
        return problem(503, _("Basis data sedang tidak tersedia; coba lagi nanti."),
                       {"Retry-After": "5"})
    for kind, status in STATUS_OF:
        if isinstance(error, kind):
            return problem(status, translated(error.message))
    return problem(400, translated(error.message))


def diagram_problem(found: engine.Problem) -> dict[str, Any]:
    """One problem of a diagram or form as JSON."""
    return {"line": found.line, "message": translated(found.message), "file": found.file,
            "element": found.element}


def from_http(error: HTTPException) -> Response:
    """404, 405, 413 and the rest of werkzeug's errors, as problems."""
    status = error.code or 500
    allow = ({"Allow": ", ".join(error.valid_methods or ())}
             if isinstance(error, MethodNotAllowed) else {})
    return problem(status, error.description or HTTPStatus(status).description, allow)


def from_unexpected(error: Exception) -> Response:
    """A bug: logged with its traceback, answered without one."""
    current_app.logger.exception("unexpected error in %s %s", request.method, request.path,
                                 exc_info=error)
    return problem(500, _("Terjadi kesalahan pada server; sudah dicatat."))


def register(bp: Blueprint) -> None:
    """Make every error inside the blueprint a problem document."""
    bp.register_error_handler(ApiProblem, from_api_problem)
    bp.register_error_handler(engine.EskalasiError, from_engine)
    bp.register_error_handler(HTTPException, from_http)
    for code in default_exceptions:  # by code too: code handlers of the app come first
        bp.register_error_handler(code, from_http)
    bp.register_error_handler(Exception, from_unexpected)
