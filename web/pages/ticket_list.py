"""Daftar Tiket (issue 13): search, filters and the columns people work by (current step,
whose turn, holder, due time). The search and filters are read from the query string, kept
in every page link; each role is offered the choices that narrow what they see."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import request
from flask.typing import ResponseReturnValue

import engine
from engine import Role, User
from web.context import actor, database
from web.pages.common import number_arg, page, paged, signed_in

SEARCH = "q"
LPSE = "lpse"
STEP = "langkah"
HOLDER = "penanggung"
SORT = "urut"
BY_DUE = "tenggat"
LANE = "giliran"
# The lane filter's values in the address (the operations dashboard links to them).
LANES = {"pengguna": Role.PENGGUNA.value, "admin": Role.ADMIN.value,
         "helpdesk": Role.HELPDESK.value}
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
AGE, DUE = "umur", "tenggat"
# The dashboard's windows in the address, and what the engine calls them (working time of
# each ticket's LPSE).
AGES = {"kurang-1": "<1", "1-3": "1-3", "3-5": "3-5", "lebih-5": ">5"}
DUES = {"terlambat": "late", "segera": "soon"}
MAX_TYPED = 500
# The holder filter's values in the address (Indonesian) and what the engine calls them.
HOLDERS = {"saya": "me", "belum": "none"}
# Who chooses an LPSE (the others see one LPSE's tickets, or their own), and who a holder.
CHOOSE_LPSE = (Role.HELPDESK, Role.AUDITOR)
CHOOSE_HOLDER = (Role.ADMIN, Role.HELPDESK)


@dataclass
class ListFilters:
    """What a ticket list was asked for, the engine's query, and the links' arguments."""

    query: engine.TicketQuery
    args: dict[str, Any] = field(default_factory=dict)
    lpses: list[tuple[int, str]] = field(default_factory=list)
    steps: list[tuple[int, str]] = field(default_factory=list)
    holders: bool = False


def read(user: User) -> ListFilters:
    """The search and filters of this request (nonsense in one: that filter is left out)."""
    typed = " ".join(request.args.get(SEARCH, "").replace("\x00", " ").split())[:MAX_TYPED]
    lpse_id = number_arg(LPSE, None, high=2**31 - 1) if user.role in CHOOSE_LPSE else None
    step = number_arg(STEP, None, high=99)
    holder = request.args.get(HOLDER, "") if user.role in CHOOSE_HOLDER else ""
    # A colleague's username too (the dashboard's workload links): not offered in the form.
    holder = holder if holder in HOLDERS or USERNAME.fullmatch(holder) else ""
    lane = request.args.get(LANE, "")
    lane = lane if lane in LANES else ""
    age = request.args.get(AGE, "")
    age = age if age in AGES else ""
    due = request.args.get(DUE, "")
    due = due if due in DUES else ""
    by_due = request.args.get(SORT, "") == BY_DUE
    args = {key: value for key, value in ((SEARCH, typed), (LPSE, lpse_id), (STEP, step),
                                          (HOLDER, holder), (SORT, BY_DUE if by_due else ""),
                                          (LANE, lane), (AGE, age), (DUE, due))
            if value}
    query = engine.TicketQuery(text=typed, lpse_id=lpse_id, sop_step=step,
                               assignee=HOLDERS.get(holder, holder), lane=LANES.get(lane, ""),
                               age=AGES.get(age, ""), due=DUES.get(due, ""),
                               sort=engine.SORT_DUE if by_due else "")
    return ListFilters(
        query=query, args=args,
        lpses=engine.list_lpse(database().uow()) if user.role in CHOOSE_LPSE else [],
        steps=engine.step_choices(database().uow()), holders=user.role in CHOOSE_HOLDER)


@signed_in
def tickets() -> ResponseReturnValue:
    """Daftar Tiket: the tickets the user may see, newest first (best match first when
    searched, or by due time), narrowed by LPSE, SOP step and holder, 25 a page."""
    user = actor()
    chosen = read(user)
    rows, pager = paged(lambda limit, offset: engine.find_tickets(
        database().uow(), user, chosen.query, limit=limit, offset=offset), chosen.args)
    return page("tickets.html", tickets=rows, **pager, chosen=chosen, now=datetime.now(UTC))
