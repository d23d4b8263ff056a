"""A process owner compares a new version and moves open tickets to it, in a real browser:
both diagrams drawn and marked under the CSP, the dry run, the migration and its results."""

from __future__ import annotations

import pytest
from flask import Flask

import engine
from tests.desk import Desk
from tests.diagram_edits import form_with_field, replaced_id
from tests.e2e.people import People
from web.config import DATABASE_EXTENSION

pytestmark = pytest.mark.e2e

CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.effectiveDirective + ' ' + e.blockedURI);
});
"""


def test_an_owner_compares_then_moves_the_tickets_that_can_move(app: Flask,
                                                               people: People) -> None:
    desk = Desk(app.extensions[DATABASE_EXTENSION])
    movable = desk.run(desk.open(), "step02_terima")
    stuck = desk.run(desk.open(), "step02_terima", ("step03_kewenangan", {"kewenangan": "LPSE"}))
    version, _ = engine.deploy(desk.database.uow(), engine.command_line_operator("pemilik.proses"),
                               replaced_id("step04_panduan", "step04_arahan"),
                               form_with_field("step12_penanganan.json", "vendor", "Vendor"),
                               "langkah 4 baru")

    owner = people.new("pemilik.proses")
    owner.context.add_init_script(CSP_RECORDER)
    owner.sign_in()
    assert owner.goto(f"/proses/versi/{version.id}/bandingkan").status == 200
    page = owner.page
    page.wait_for_selector('#diagram-after[data-ready="true"]')
    page.wait_for_selector('#diagram-before[data-ready="true"]')
    assert "step04_arahan" in (page.get_attribute("#diagram-after", "data-marked") or "")
    assert page.locator("#diagram-after .djs-element.added").count() >= 1
    assert page.locator("#diagram-before .djs-element.removed").count() >= 1
    assert page.locator("#diagram-after .djs-element.changed").count() >= 1
    assert page.evaluate("window.__cspViolations") == []
    assert page.locator("#daftar-perubahan li").count() >= 4

    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("link", name="Migrasi tiket ke versi ini").click()
    movable_row = page.locator(f'tr[data-ticket-number="{movable.number}"]')
    stuck_row = page.locator(f'tr[data-ticket-number="{stuck.number}"]')
    assert movable_row.get_attribute("data-can-migrate") == "true"
    assert stuck_row.get_attribute("data-can-migrate") == "false"
    assert "dihapus pada versi 2" in stuck_row.inner_text()
    assert stuck_row.locator("input[type=checkbox]").count() == 0

    movable_row.locator("input[type=checkbox]").check()
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name="Migrasikan tiket terpilih").click()
    results = page.locator("#hasil-migrasi")
    assert "1 dari 1 tiket dipindah ke versi 2" in results.inner_text()
    assert results.locator(f'li[data-ticket-id="{movable.id}"]').get_attribute(
        "data-migrated") == "true"
    # the moved ticket no longer waits for a move; the stuck one still cannot
    assert page.locator(f'tr[data-ticket-number="{movable.number}"]').count() == 0
    assert page.locator(f'tr[data-ticket-number="{stuck.number}"]').count() == 1
    assert page.evaluate("window.__cspViolations") == []

    helpdesk = desk.user("helpdesk.lkpp")
    assert engine.get_ticket(desk.database.uow(), helpdesk,
                             movable.id).process_version == version.id
    assert engine.get_ticket(desk.database.uow(), helpdesk,
                             stuck.id).process_version != version.id
    assert all(result.ok for result in engine.verify_tickets(desk.database.uow()))
