"""Event logs for process-mining tools (issue 16): XES and OCEL 2.0 of the closed tickets
opened in a date range, for auditors; people pseudonymised unless `names=true`."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

import engine
from web.api.auth import caller
from web.api.problems import invalid
from web.context import database
from web.date_args import date_range
from web.extensions import _

bp = Blueprint("exports", __name__)


def _log() -> engine.EventLog:
    date_from, date_to, wrong = date_range("from", "to")
    errors = {name: [message] for name, message in wrong.items()}
    names = request.args.get("names", "").lower()
    if names not in ("", "true", "false"):
        errors["names"] = [_("Tulis true atau false.")]
    user = caller()
    if errors and user.role is engine.Role.AUDITOR:
        raise invalid(errors)
    return engine.event_log(database().uow(), user, current_app.config["SECRET_KEY"],
                            date_from, date_to, names=names == "true")


def _file(body: bytes | str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/exports/xes")
def xes() -> Response:
    """The closed tickets' event log as IEEE XES (1849-2016)."""
    log = _log()
    return _file(engine.to_xes(log), "application/xml",
                 engine.event_log_filename("xes", log.date_from, log.date_to))


@bp.get("/exports/ocel")
def ocel() -> Response:
    """The closed tickets' event log as OCEL 2.0 JSON."""
    log = _log()
    return _file(engine.ocel_json(log), "application/json",
                 engine.event_log_filename("jsonocel", log.date_from, log.date_to))
