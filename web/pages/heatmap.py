"""Peta panas (issue 16): the heatmap on the diagram for process owners and auditors, the
tickets per sequence flow and the working time per step over a filter (opening dates, LPSE,
process version), drawn by web/static/js/heatmap.js on the bpmn-js viewer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from flask import Blueprint, jsonify, request, url_for
from flask.typing import ResponseReturnValue

import engine
from web.context import actor, database
from web.date_args import date_range
from web.pages import formatting
from web.pages.common import number_arg, page, signed_in

FROM, TO, LPSE, VERSION = "dari", "sampai", "lpse", "versi"


@dataclass
class Filter:
    """The heatmap's filter as asked, and what is wrong with it by field."""

    date_from: date | None = None
    date_to: date | None = None
    lpse_id: int | None = None
    version: str | None = None
    args: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def read_filter() -> Filter:
    """The filter of this request (a bad date is an error on its field)."""
    found = Filter()
    found.date_from, found.date_to, found.errors = date_range(FROM, TO)
    found.lpse_id = number_arg(LPSE, None, high=2**31 - 1)
    version = request.args.get(VERSION, "").replace("\x00", "")[:64]
    found.version = version or None
    found.args = {name: request.args.get(name, "")[:64] for name in (FROM, TO, LPSE, VERSION)
                  if request.args.get(name)}
    return found


def _heatmap(chosen: Filter) -> engine.Heatmap:
    return engine.heatmap(database().uow(), actor(), date_from=chosen.date_from,
                          date_to=chosen.date_to, lpse_id=chosen.lpse_id,
                          version_id=chosen.version)


@signed_in
def heatmap() -> ResponseReturnValue:
    """Peta panas: the page (filter, diagram, slowest steps); 404 for roles other than process
    owner and auditor; 422 with the field's error for a bad date."""
    user = actor()
    if not engine.may_see_heatmap(user):
        raise engine.NotFound(engine.Message("page_not_found"))
    chosen = read_filter()
    found = None if chosen.errors else _heatmap(chosen)
    return page("heatmap/heatmap.html", 422 if chosen.errors else 200, chosen=chosen,
                found=found, lpses=engine.list_lpse(database().uow()),
                all_versions=engine.ALL_VERSIONS,
                data_url=url_for("pages.heatmap_data") + (
                    "?" + urlencode(chosen.args) if chosen.args else ""))


@signed_in
def heatmap_data() -> ResponseReturnValue:
    """The heatmap as JSON for the viewer (the diagram, tickets per flow, times per step)."""
    chosen = read_filter()
    if chosen.errors:
        response = jsonify(errors=chosen.errors)
        response.status_code = 422
        return response
    data = engine.heatmap_data(_heatmap(chosen))
    data["bpmn_xml"] = formatting.readable_limits(data["bpmn_xml"])
    response = jsonify(data)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def register(bp: Blueprint) -> None:
    """Add /audit/peta-panas and its data to the pages blueprint."""
    bp.add_url_rule("/audit/peta-panas", "heatmap", heatmap, methods=("GET",))
    bp.add_url_rule("/audit/peta-panas.json", "heatmap_data", heatmap_data, methods=("GET",))
