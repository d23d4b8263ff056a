"""The process owner's editor in a real browser: change the diagram, see a problem marked on
its element, deploy, and watch new tickets take the new version while older ones keep theirs."""

from __future__ import annotations

import pytest

import engine
from engine import Database
from tests.desk import STEP_DATA
from tests.e2e.conftest import unavailable
from tests.e2e.people import ROOT, People, Person

pytestmark = pytest.mark.e2e
MODELER = ROOT / "web/static/vendor/bpmn-js/bpmn-modeler.production.min.js"

# Records the CSP violations of a page (an init script runs outside the page's CSP).
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.effectiveDirective + ' ' + e.blockedURI);
});
"""
OLD_NAME = "Menerima dan mempelajari permasalahan"
NEW_NAME = "Menerima dan menelaah permasalahan"
TASK = "step02_terima"


def change(owner: Person, field: str, value: str) -> None:
    """Type into a field of the properties panel and leave it (its change event applies it)."""
    owner.page.fill(field, value)
    owner.page.press(field, "Tab")


def marked(owner: Person) -> set[str]:
    ids: list[str] = owner.page.eval_on_selector_all(
        "#canvas .djs-element.has-problem",
        "elements => elements.map(e => e.getAttribute('data-element-id'))")
    return set(ids)


def validate(owner: Person) -> str:
    """Press Validasi and wait for the answer; the summary it shows."""
    summary = owner.page.locator("#problems-summary")
    owner.page.evaluate("document.getElementById('problems-summary').textContent = ''")
    owner.page.get_by_role("button", name="Validasi", exact=True).click()
    summary.filter(has_text="asalah").wait_for()
    return summary.inner_text()


def step_name_in_inbox(helpdesk: Person, ticket: str) -> str:
    helpdesk.inbox()
    return helpdesk.page.locator(
        f'tr[data-ticket="{ticket}"][data-step="{TASK}"] td').nth(2).inner_text()


def test_an_owner_changes_validates_and_deploys_and_new_tickets_take_the_new_version(
        people: People, database: Database) -> None:
    if not MODELER.exists():
        unavailable(f"{MODELER.relative_to(ROOT)} missing: run scripts/setup (needs npm)")
    admin = people.sign_in("admin.bandung")
    older = admin.open_ticket(STEP_DATA["step01_eskalasi"])

    owner = people.sign_in("pemilik.proses")
    owner.context.add_init_script(CSP_RECORDER)
    owner.page.get_by_role("link", name="Proses", exact=True).click()
    owner.page.get_by_role("link", name="Ubah Diagram").click()
    owner.page.wait_for_selector('#canvas[data-ready="true"], #canvas[data-ready="error"]')
    assert owner.page.get_attribute("#canvas", "data-ready") == "true"

    shape = owner.page.locator(f'#canvas .djs-shape[data-element-id="{TASK}"]')
    shape.click()
    assert owner.page.input_value("#prop-name") == OLD_NAME
    assert owner.page.input_value("#prop-sopStep") == "2"
    change(owner, "#prop-name", NEW_NAME)
    assert NEW_NAME in " ".join((shape.text_content() or "").split())
    change(owner, "#prop-timeLimit", "6h")
    timer = owner.page.locator('#canvas [data-element-id="Timer_02_batas_waktu_label"]')
    lines = timer.locator("tspan").all_text_contents()  # one per line of the label
    assert " ".join(" ".join(lines).split()) == "Batas waktu 6 jam kerja"
    change(owner, "#prop-sopStep", "99")  # the planted error

    summary = validate(owner)
    assert summary.startswith("Ditemukan")
    assert TASK in marked(owner)
    assert "sopStep '99'" in owner.page.locator(
        f'#problem-list li[data-element="{TASK}"]').first.inner_text()

    # The problem in the list leads to its element (clicking a selected shape deselects it).
    owner.page.locator(f'#problem-list li[data-element="{TASK}"] button').first.click()
    assert owner.page.input_value("#prop-sopStep") == "99"
    change(owner, "#prop-sopStep", "2")
    assert validate(owner) == "Tidak ada masalah. Diagram siap diterapkan."
    assert marked(owner) == set()

    owner.page.get_by_role("button", name="Simpan Draf").click()
    owner.page.locator("#editor-status", has_text="Draf disimpan.").wait_for()
    assert "/proses/draf/" in owner.page.url
    assert len(engine.list_drafts(database.uow(), engine.get_user(database.uow(),
                                                                  "pemilik.proses"))) == 1

    owner.page.fill("#deploy-note", "Langkah 2: nama baru, batas waktu 6 jam kerja")
    owner.page.get_by_role("button", name="Terapkan sebagai Versi Baru").click()
    owner.page.wait_for_selector("#deploy-result[data-version]")
    assert owner.page.get_attribute("#deploy-result", "data-version") == "2"
    assert owner.page.evaluate("window.__cspViolations") == []

    owner.goto("/proses")
    assert owner.page.locator("tr[data-draft-id]").count() == 0, "the deployed draft is gone"
    assert owner.page.locator('tr[data-version="2"][data-current="true"]').inner_text().count(
        "Langkah 2: nama baru") == 1
    owner.goto("/proses/sop")
    assert owner.page.locator('tr[data-sop-step="2"] .sop-time').inner_text() == "6 jam kerja"

    newer = admin.open_ticket(STEP_DATA["step01_eskalasi"])
    helpdesk = people.sign_in("helpdesk.lkpp")
    assert step_name_in_inbox(helpdesk, newer.number).startswith(NEW_NAME)
    assert step_name_in_inbox(helpdesk, older.number).startswith(OLD_NAME)
    auditor = engine.get_user(database.uow(), "auditor")
    version = {v.number: v.id for v in engine.list_versions(
        database.uow(), engine.command_line_operator("tests"))}
    assert engine.get_ticket(database.uow(), auditor, older.id).process_version == version[1]
    assert engine.get_ticket(database.uow(), auditor, newer.id).process_version == version[2]
