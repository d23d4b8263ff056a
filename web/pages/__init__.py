"""The HTML pages for the three roles (sign-in, inbox, tickets, tasks)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pages", __name__)


@bp.get("/healthz")
def health() -> dict[str, str]:
    """Liveness for load balancers and tests."""
    return {"status": "ok"}
