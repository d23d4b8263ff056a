"""Per-request access to the database and the signed-in person, for views."""

from __future__ import annotations

from flask import current_app
from flask_login import UserMixin, current_user

from engine import Database, User
from web.config import DATABASE_EXTENSION


class SignedIn(UserMixin):  # type: ignore[misc]
    """Flask-Login's view of an engine user; the session stores its server-side secret."""

    def __init__(self, user: User, secret: str) -> None:
        self.user = user
        self.secret = secret

    def get_id(self) -> str:
        return self.secret


def database() -> Database:
    """The app's database."""
    found: Database = current_app.extensions[DATABASE_EXTENSION]
    return found


def actor() -> User:
    """The signed-in user (views behind login_required only)."""
    return current_user.user  # type: ignore[no-any-return]
