"""Comparing versions and drafts, and moving open tickets to a version: the comparison in
words and on both diagrams, the migration's dry run and its results."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue

import engine
from web.context import actor, database
from web.extensions import _
from web.pages.common import page
from web.pages.errors import error_page
from web.process import words

FIELD = "tiket"
BASE = "dengan"
MAX_CHOSEN = 500


def unreadable_diagram(_error: engine.EskalasiError) -> ResponseReturnValue:
    """A draft whose diagram cannot be read cannot be compared."""
    return error_page(422, _("Diagram draf tidak dapat dibaca sehingga tidak dapat "
                             "dibandingkan. Perbaiki dulu di editor."))


def _side_json(side: engine.ComparedSide) -> dict[str, Any]:
    return {"xml": side.bpmn_xml, "marks": dict(side.marks)}


def _data(comparison: engine.Comparison) -> ResponseReturnValue:
    response = jsonify(before=_side_json(comparison.before),
                       after=_side_json(comparison.after))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _version_comparison(version_id: str) -> engine.Comparison:
    base = request.args.get(BASE) or None
    return engine.compare_version(database().uow(), actor(), version_id, base)


def _draft_comparison(draft_id: int) -> engine.Comparison:
    draft = engine.get_draft(database().uow(), actor(), draft_id)
    return engine.compare_with_current(database().uow(), actor(), "draft", str(draft.id),
                                       draft.name, draft.bpmn_xml.encode(), draft.forms,
                                       draft.scenarios)


def _compare_page(comparison: engine.Comparison, data_url: str,
                  versions: list[engine.ProcessVersion] | None = None) -> ResponseReturnValue:
    sentences = [(change, words.sentence(change)) for change in comparison.changes]
    return page("process/compare.html", comparison=comparison, sentences=sentences,
                data_url=data_url, versions=versions or [])


def compare_version(version_id: str) -> ResponseReturnValue:
    """A version compared with the deployed one (the deployed one with the one before it)."""
    comparison = _version_comparison(version_id)
    values: dict[str, Any] = {"version_id": version_id}
    if request.args.get(BASE):
        values[BASE] = request.args[BASE]
    return _compare_page(comparison, url_for(".compare_version_data", **values),
                         engine.list_versions(database().uow(), actor()))


def compare_version_data(version_id: str) -> ResponseReturnValue:
    """Both diagrams of a version comparison and what to mark on each, for the viewer."""
    return _data(_version_comparison(version_id))


def compare_draft(draft_id: int) -> ResponseReturnValue:
    """A draft compared with the deployed version."""
    return _compare_page(_draft_comparison(draft_id),
                         url_for(".compare_draft_data", draft_id=draft_id))


def compare_draft_data(draft_id: int) -> ResponseReturnValue:
    """Both diagrams of a draft comparison and what to mark on each, for the viewer."""
    return _data(_draft_comparison(draft_id))


def _chosen() -> tuple[list[int], str]:
    """The ticket ids ticked, or the reason the choice cannot be used."""
    raw = request.form.getlist(FIELD)
    if not raw:
        return [], _("Pilih minimal satu tiket untuk dimigrasi.")
    if len(raw) > MAX_CHOSEN or not all(value.isdecimal() and len(value) <= 12
                                        for value in raw):
        return [], _("Pilihan tiket tidak sah. Muat ulang halaman dan pilih lagi.")
    return [int(value) for value in raw], ""


def migrate(version_id: str) -> ResponseReturnValue:
    """The dry run (GET) and the migration of the ticked tickets (POST)."""
    results: list[tuple[engine.MigrationResult, list[str]]] = []
    error, status = "", 200
    if request.method == "POST":
        chosen, error = _chosen()
        if error:
            status = 422
        else:
            done = engine.migrate_tickets(database().uow, actor(), version_id, chosen)
            plan = engine.plan_migration(database().uow(), actor(), version_id)
            number = plan.version.number
            results = [(r, [words.reason(b, number) for b in r.blockers]) for r in done]
            return _migrate_page(plan, results, error, status)
    plan = engine.plan_migration(database().uow(), actor(), version_id)
    return _migrate_page(plan, results, error, status)


def _migrate_page(plan: engine.MigrationPlan,
                  results: list[tuple[engine.MigrationResult, list[str]]], error: str,
                  status: int) -> ResponseReturnValue:
    number = plan.version.number
    rows = [(check, [words.reason(b, number) for b in check.blockers]) for check in plan.tickets]
    return page("process/migrate.html", status, plan=plan, rows=rows, results=results,
                error=error, movable=sum(1 for check in plan.tickets if check.can_migrate),
                migrated=sum(1 for result, _reasons in results if result.migrated))
