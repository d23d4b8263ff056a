"""Diagram incidents: the steps a diagram problem stopped, for the process owners."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue

import engine
from web.context import actor, database
from web.extensions import _
from web.pages.common import page
from web.pages.formatting import translated


def open_incidents() -> list[engine.Incident]:
    """The incidents not yet cleared, for the /proses overview."""
    return engine.list_incidents(database().uow(), actor())


def incidents() -> ResponseReturnValue:
    """Every incident, cleared ones too, newest first."""
    return page("process/incidents_page.html",
                incidents=engine.list_incidents(database().uow(), actor(), include_cleared=True))


def retry(incident_id: int) -> ResponseReturnValue:
    """Coba lagi: run the stopped step's engine work again on the ticket's version (404
    for an incident that is not open)."""
    try:
        engine.retry_incident(database(), actor(), incident_id)
    except engine.SandboxError as failed:
        flash(_("Langkah masih gagal: %(error)s", error=translated(failed.message)), "error")
    except engine.Conflict as refused:
        flash(translated(refused.message), "error")
    else:
        flash(_("Langkah dijalankan lagi dan insiden selesai."), "success")
    return redirect(url_for(".incidents"))
