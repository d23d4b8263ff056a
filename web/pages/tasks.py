"""The task page: the ticket so far, the step's instructions, and its form."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

import engine
from engine import Task, ThreadEntry, TicketHistory
from web import forms_render
from web.context import actor, database
from web.extensions import _
from web.pages.common import page, signed_in
from web.pages.focus import focus_entry
from web.pages.formatting import translated
from web.pages.tickets import ATTACHMENTS, too_large_message

# The earlier files ticked to carry into this step (partials/attachments.html).
FORWARDED = "teruskan"


def _task_focus(history: TicketHistory, task: Task) -> ThreadEntry | None:
    return focus_entry(history.thread, task.lane)


# The second button of "Tidak ada isian. Kirim tanpa isian?": complete the step anyway.
SEND_EMPTY = "kirim_tanpa_isian"


def _task_page(task: Task, status: int = 200, errors: Mapping[str, list[str]] | None = None,
               problem: str = "", *, confirm_empty: bool = False) -> ResponseReturnValue:
    errors = errors or {}
    values = request.form if request.method == "POST" and status != 413 else {}
    history = engine.ticket_history(database().uow(), actor(), task.ticket_id)
    return page("task.html", status, task=task, history=history, ticket=history.ticket,
                focus=_task_focus(history, task),
                fields=forms_render.widgets(task.form, values, errors), errors=errors,
                other_errors=forms_render.other_errors(task.form, errors, (ATTACHMENTS,)),
                problem=problem, confirm_empty=confirm_empty, confirm_empty_name=SEND_EMPTY)


def task_page(task: Task, status: int) -> ResponseReturnValue:
    """The task page with another status: a refused claim or assignment (issue 13) says
    why in its own panel."""
    return _task_page(task, status)


def _nothing_filled(task: Task, submission: forms_render.Submission) -> bool:
    """An all-optional form sent with no answer and no file."""
    return (not task.form.get("required") and not submission.data
            and not submission.uploads and not request.form.getlist(FORWARDED))


def _conflict_page(task: Task) -> ResponseReturnValue:
    """The task was done meanwhile: say so, and show what was typed so nothing is lost."""
    return page("task_conflict.html", 409, task=task,
                entered=forms_render.entered(task.form, request.form))


def _done_message(task: Task) -> str:
    if task.sop_step is not None:
        return _("Langkah %(number)s: %(name)s selesai.", number=task.sop_step, name=task.name)
    return _("Langkah %(name)s selesai.", name=task.name)


@signed_in
def task(task_id: str) -> ResponseReturnValue:
    """Show a pending task; on POST complete it and go to its ticket."""
    user = actor()
    if request.method == "GET":
        return _task_page(engine.get_task(database().uow(), user, task_id))
    found = engine.get_task(database().uow(), user, task_id, include_completed=True)
    if found.completed_at is not None:
        return _conflict_page(found)
    submission = forms_render.parse(found.form, request.form, request.files,
                                    found.lpse_timezone)
    submission.uploads += forms_render.uploads(request.files, ATTACHMENTS)
    if submission.errors:
        return _task_page(found, 422, submission.errors)
    if _nothing_filled(found, submission) and not request.form.get(SEND_EMPTY):
        # One tap on Kirim must not complete a step with no answers: ask first (no JS).
        return _task_page(found, confirm_empty=True)
    try:
        engine.complete_task(database().uow(), user, task_id, submission.data,
                             submission.uploads, forwarded=request.form.getlist(FORWARDED))
    except engine.InvalidData as invalid:
        return _task_page(found, 422, invalid.errors)
    except engine.Conflict as conflict:
        # Someone else holds the task (issue 13): the page again, saying who, the answers kept.
        now = engine.get_task(database().uow(), user, task_id, include_completed=True)
        if now.completed_at is None and now.assignee not in (None, user.username):
            return _task_page(now, 409, problem=translated(conflict.message))
        return _conflict_page(found)
    except engine.SandboxError:
        return _task_page(found, 422, problem=_(
            "Proses tidak dapat dilanjutkan karena aturan pada diagram proses gagal dijalankan. "
            "Isian Anda tidak disimpan; hubungi pemilik proses."))
    flash(_done_message(found), "success")
    return redirect(url_for(".ticket", ticket_id=found.ticket_id))


def task_too_large(task_id: str) -> ResponseReturnValue:
    """The task page again, when the files sent were more than the server takes."""
    found = engine.get_task(database().uow(), actor(), task_id)
    return _task_page(found, 413, {ATTACHMENTS: [too_large_message()]})
