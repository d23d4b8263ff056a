"""Tugas Saya: the pending tasks the signed-in user may complete."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import request
from flask.typing import ResponseReturnValue

import engine
from engine import Role
from web.context import actor, database
from web.pages.common import number_arg, page, paged, signed_in

SOP_STEPS = range(1, 18)
# The inbox's views (`?tampil=`): everything, what I hold ("Tugas saya"), what nobody holds
# ("Antrean"); as list_tasks' `assignee` filter.
VIEWS = {"semua": None, "saya": "me", "antrean": "none"}


@signed_in
def inbox() -> ResponseReturnValue:
    """The inbox, oldest first, 25 a page; Helpdesk LKPP may filter by LPSE and SOP step."""
    user = actor()
    helpdesk = user.role is Role.HELPDESK
    lpse_id = number_arg("lpse", None, high=2**31) if helpdesk else None
    step = number_arg("langkah", None, high=max(SOP_STEPS)) if helpdesk else None
    # Pengguna SPSE's tasks are theirs alone: no claiming, so no views.
    view = request.args.get("tampil", "semua") if user.role is not Role.PENGGUNA else "semua"
    view = view if view in VIEWS else "semua"
    filters = {key: value for key, value in (("lpse", lpse_id), ("langkah", step),
                                             ("tampil", view if view != "semua" else None))
               if value}
    rows, pager = paged(lambda limit, offset: engine.list_tasks(
        database().uow(), user, limit=limit, offset=offset, lpse_id=lpse_id, sop_step=step,
        assignee=VIEWS[view]), filters)
    lpses = engine.list_lpse(database().uow()) if helpdesk else []
    return page("inbox.html", tasks=rows, **pager, lpses=lpses,
                steps=SOP_STEPS, chosen_lpse=lpse_id, chosen_step=step,
                now=datetime.now(UTC), view=view,
                views=[] if user.role is Role.PENGGUNA else list(VIEWS))
