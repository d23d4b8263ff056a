"""Diagram incidents: the steps a diagram problem stopped, for the process owners."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

import engine
from web.context import actor, database
from web.pages.common import page


def open_incidents() -> list[engine.Incident]:
    """The incidents not yet cleared, for the /proses overview."""
    return engine.list_incidents(database().uow(), actor())


def incidents() -> ResponseReturnValue:
    """Every incident, cleared ones too, newest first."""
    return page("process/incidents_page.html",
                incidents=engine.list_incidents(database().uow(), actor(), include_cleared=True))
