"""In-app notifications under /notifikasi: every signed-in user sees and marks their own.

The unread count for the header badge comes from here too (a template helper).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

import engine
from web.context import actor, database
from web.extensions import _
from web.pages import errors
from web.pages.common import (
    Route,
    add_routes,
    page,
    paged,
    safe_next,
    signed_in,
)

bp = Blueprint("notifications", __name__, url_prefix="/notifikasi")
TASK_PREFIX = "/tugas/"


@signed_in
def index() -> ResponseReturnValue:
    """The user's notifications, newest first, 25 a page; unread ones stand out."""
    user = actor()
    rows, pager = paged(lambda limit, offset: engine.list_notifications(
        database().uow(), user, limit=limit, offset=offset))
    return page("notifications.html", notifications=rows, **pager)


@signed_in
def mark_read(notification_id: int) -> ResponseReturnValue:
    """Mark one of the user's notifications read (404 for anyone else's); go back."""
    engine.mark_notification_read(database().uow(), actor(), notification_id)
    return redirect(safe_next(request.form.get("next"), url_for(".index")))


@signed_in
def open_notification(notification_id: int) -> ResponseReturnValue:
    """Mark it read and go where it points (the task, or the ticket)."""
    user = actor()
    found = engine.mark_notification_read(database().uow(), user, notification_id)
    target = safe_next(found.link, url_for(".index"))
    if target.startswith(TASK_PREFIX) and found.ticket_id is not None:
        try:  # a task done meanwhile: its ticket says what became of it
            engine.get_task(database().uow(), user, target.removeprefix(TASK_PREFIX))
        except engine.NotFound:
            target = url_for("pages.ticket", ticket_id=found.ticket_id)
    return redirect(target)


@signed_in
def mark_all_read() -> ResponseReturnValue:
    """Mark every notification of the user read."""
    count = engine.mark_all_notifications_read(database().uow(), actor())
    if count:
        flash(_("%(count)s notifikasi ditandai sudah dibaca.", count=count), "success")
    return redirect(url_for(".index"))


def unread_notifications() -> int:
    """The signed-in user's unread count for the header badge (0 when it cannot be known)."""
    try:
        if not current_user.is_authenticated:
            return 0
        return engine.count_unread(database().uow(), current_user.user)
    except engine.EskalasiError:
        return 0


_ROUTES: tuple[Route, ...] = (
    ("", "index", index, ("GET",)),
    ("/<id:notification_id>/dibaca", "mark_read", mark_read, ("POST",)),
    ("/<id:notification_id>/buka", "open", open_notification, ("POST",)),
    ("/dibaca-semua", "mark_all_read", mark_all_read, ("POST",)),
)
add_routes(bp, _ROUTES)
errors.show_engine_errors(bp)
