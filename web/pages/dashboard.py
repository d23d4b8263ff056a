"""Dasbor operasional (issue 16): open tickets by step, lane and LPSE, their age and lateness
in working hours, and who holds what; every number links to Daftar Tiket filtered to it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for
from flask.typing import ResponseReturnValue

import engine
from engine import Role
from web.context import actor, database
from web.pages.common import page, signed_in
from web.pages.ticket_list import (
    AGE,
    AGES,
    BY_DUE,
    DUE,
    DUES,
    HOLDER,
    LANE,
    LANES,
    LPSE,
    SORT,
    STEP,
)

LPSE_SEARCH = "cari_lpse"
MAX_TYPED = 200
# The list's lane filter value of each lane.
LANE_ARGS = {lane: key for key, lane in LANES.items()}
AGE_ARGS = {bucket: key for key, bucket in AGES.items()}
LATE_ARG, SOON_ARG = ({due: key for key, due in DUES.items()}[due] for due in ("late", "soon"))


def list_link(**args: Any) -> str:
    """Daftar Tiket filtered (the dashboard's drill-down)."""
    return url_for("pages.tickets", **{key: value for key, value in args.items() if value})


@signed_in
def dashboard() -> ResponseReturnValue:
    """Dasbor: Helpdesk LKPP and the auditor see every LPSE, an Admin LPSE their own; 404 for
    the other roles."""
    user = actor()
    typed = " ".join(request.args.get(LPSE_SEARCH, "").replace("\x00", " ").split())
    figures = engine.dashboard(database().uow(), user, lpse_search=typed[:MAX_TYPED])
    # What the knowledge base saved (issue 17), beside the work it did not save.
    knowledge = (engine.knowledge_figures(database().uow(), user)
                 if user.role is Role.HELPDESK else None)
    return page("dashboard/dashboard.html", figures=figures, typed=typed[:MAX_TYPED],
                knowledge=knowledge,
                all_lpse=figures.lpse_id is None, holders=user.role is not Role.AUDITOR,
                links={"step": lambda n: list_link(**{STEP: n}),
                       "lane": lambda lane: list_link(**{LANE: LANE_ARGS.get(lane, "")}),
                       "lpse": lambda lpse_id: list_link(**{LPSE: lpse_id}),
                       "late": list_link(**{DUE: LATE_ARG, SORT: BY_DUE}),
                       "soon": list_link(**{DUE: SOON_ARG, SORT: BY_DUE}),
                       "age": lambda bucket: list_link(**{AGE: AGE_ARGS.get(bucket, "")}),
                       "all": list_link(),
                       "holder": lambda who: list_link(**{HOLDER: who, SORT: BY_DUE}),
                       "holder_late": lambda who: list_link(**{HOLDER: who, DUE: LATE_ARG,
                                                               SORT: BY_DUE})},
                me=user.username)


def register(bp: Blueprint) -> None:
    """Add /dasbor to the pages blueprint."""
    bp.add_url_rule("/dasbor", "dashboard", dashboard, methods=("GET",))
