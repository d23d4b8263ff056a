"""Role areas: blueprints only one role may reach (/proses, /audit)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine import Role
from web.pages.errors import show_engine_errors


def restrict_to(bp: Blueprint, role: Role) -> None:
    """Make `bp` one role's area: signed-out visitors are asked to sign in, every other
    role gets 404 (as if it did not exist); engine errors become error pages."""

    def only_role() -> ResponseReturnValue | None:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined,no-any-return]
        if current_user.user.role is not role:
            abort(404)
        return None

    bp.before_request(only_role)
    show_engine_errors(bp)
