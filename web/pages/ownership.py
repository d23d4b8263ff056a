"""Who works on a task, in the pages: Ambil, Lepas, Tugaskan ke, Ambil alih; and the
workload page (open and overdue tasks per person)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, g, redirect, request, url_for
from flask.typing import ResponseReturnValue

import engine
from engine import Role, Task
from web.context import actor, database
from web.extensions import _
from web.pages import tasks
from web.pages.common import page, signed_in
from web.pages.formatting import translated

USERNAME, TAKE_OVER = "username", "ambil_alih"


def _back(task_id: str) -> ResponseReturnValue:
    return redirect(url_for(".task", task_id=task_id, _anchor="kepemilikan"), 303)


def _refused(task_id: str, status: int, problem: str) -> ResponseReturnValue:
    """A claim, release or assignment that did not happen: the task page as it now is,
    saying why in its ownership panel."""
    g.ownership_problem = problem
    return tasks.task_page(engine.get_task(database().uow(), actor(), task_id), status)


@signed_in
def claim(task_id: str) -> ResponseReturnValue:
    """Ambil: the task becomes the user's; told who has it when someone was quicker."""
    try:
        engine.claim_task(database().uow(), actor(), task_id)
    except engine.Conflict as conflict:
        return _refused(task_id, 409, translated(conflict.message))
    return _back(task_id)


@signed_in
def release(task_id: str) -> ResponseReturnValue:
    """Lepas: back to the queue."""
    try:
        engine.release_task(database().uow(), actor(), task_id)
    except engine.Forbidden as refused:
        return _refused(task_id, 403, translated(refused.message))
    return _back(task_id)


@signed_in
def assign(task_id: str) -> ResponseReturnValue:
    """Tugaskan ke (a colleague), or Ambil alih (oneself, from whoever holds it: only with
    the box that says so ticked)."""
    user = actor()
    username = request.form.get(USERNAME, "")
    task = engine.get_task(database().uow(), user, task_id)
    if (username == user.username and task.assignee not in (None, user.username)
            and request.form.get(TAKE_OVER) != "1"):
        return _refused(task_id, 422, _(
            "Centang \"Saya mengambil alih\" untuk mengambil alih tugas ini."))
    try:
        engine.assign_task(database().uow(), user, task_id, username)
    except engine.InvalidData as invalid:
        return _refused(task_id, 422, "; ".join(
            translated(message) for messages in invalid.errors.values() for message in messages))
    except engine.Conflict as conflict:
        return _refused(task_id, 409, translated(conflict.message))
    return _back(task_id)


def assignable_people(task: Task) -> list[tuple[str, str]]:
    """(username, name) of who may do the task, for the "Tugaskan ke" choice (template
    global: only the task page's ownership panel asks)."""
    try:
        return engine.assignable_users(database().uow(), actor(), task.id)
    except engine.EskalasiError:
        return []


@signed_in
def workload() -> ResponseReturnValue:
    """Beban kerja: open and overdue tasks per person (Helpdesk LKPP: everyone; Admin LPSE:
    their LPSE's people); 404 for other roles."""
    user = actor()
    rows = engine.workload(database().uow(), user)
    return page("workload.html", rows=rows, helpdesk=user.role is Role.HELPDESK,
                now=datetime.now(UTC))


def register(bp: Blueprint) -> None:
    """Add the ownership routes and the workload page to the pages blueprint."""
    bp.add_url_rule("/tugas/<task_id>/ambil", "claim_task", claim, methods=("POST",))
    bp.add_url_rule("/tugas/<task_id>/lepas", "release_task", release, methods=("POST",))
    bp.add_url_rule("/tugas/<task_id>/tugaskan", "assign_task", assign, methods=("POST",))
    bp.add_url_rule("/beban-kerja", "workload", workload, methods=("GET",))
    bp.add_app_template_global(assignable_people, "assignable_people")
