"""The kinder editor in a real browser (issue 15): a time limit typed as people say it, the
palette in Indonesian, choosing an element from the keyboard, the form designer and its
JSON kept in step, and a Camunda Modeler diagram uploaded and deployed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.camunda_files import camunda_modeler_5
from tests.e2e.conftest import unavailable
from tests.e2e.people import ROOT, People, Person

pytestmark = pytest.mark.e2e
MODELER = ROOT / "web/static/vendor/bpmn-js/bpmn-modeler.production.min.js"
TASK = "step02_terima"
STEP_NAME = "Menerima dan mempelajari permasalahan"


# Records what the page's scripts report as errors (bpmn-js says so for a bad config).
ERROR_RECORDER = """
window.__consoleErrors = [];
const original = console.error.bind(console);
console.error = function () {
  window.__consoleErrors.push(Array.from(arguments).map(String).join(' '));
  original.apply(null, arguments);
};
"""


def open_editor(people: People) -> Person:
    if not MODELER.exists():
        unavailable(f"{MODELER.relative_to(ROOT)} missing: run scripts/setup (needs npm)")
    owner = people.sign_in("pemilik.proses")
    owner.context.add_init_script(ERROR_RECORDER)
    owner.goto("/proses/editor")
    owner.page.wait_for_selector('#canvas[data-ready="true"], #canvas[data-ready="error"]')
    assert owner.page.get_attribute("#canvas", "data-ready") == "true"
    return owner


def words(text: str | None) -> str:
    return " ".join((text or "").split())


def drawn(owner: Person, element: str) -> str:
    """The text drawn for an element, its lines (tspans) joined with spaces."""
    lines: list[str] = owner.page.eval_on_selector_all(
        f'#canvas [data-element-id="{element}"] tspan', "spans => spans.map(s => s.textContent)")
    return words(" ".join(lines))


def stored(owner: Person, element: str, name: str) -> str:
    value: str = owner.page.evaluate(
        "([id, name]) => { const e = window.eskalasiEditor;"
        " return e.getProperty(e.registry.get(id), name); }", [element, name])
    return value


def test_a_limit_typed_as_people_say_it_is_stored_canonical_and_drawn_in_words(
        people: People) -> None:
    owner = open_editor(people)
    owner.page.locator(f'#canvas .djs-shape[data-element-id="{TASK}"]').click()
    assert owner.page.input_value("#prop-timeLimit") == "4 jam kerja"
    field = owner.page.locator("#prop-timeLimit")
    field.fill("2 hari")
    assert field.input_value() == "2 hari"  # nothing cut at 5 characters any more
    field.press("Tab")
    assert stored(owner, TASK, "timeLimit") == "2d"
    assert field.input_value() == "2 hari kerja"
    timer = "Timer_02_batas_waktu_label"
    assert drawn(owner, timer) == "Batas waktu 2 hari kerja"
    # Any value the label had before is followed, not only one word.
    field.fill("6h")
    field.press("Tab")
    assert stored(owner, TASK, "timeLimit") == "6h"
    assert drawn(owner, timer) == "Batas waktu 6 jam kerja"
    # What is not a limit is said next to the field and not stored.
    field.fill("2 har")
    field.press("Tab")
    assert owner.page.locator("#prop-timeLimit-error").is_visible()
    assert "jam, hari atau menit kerja" in owner.page.inner_text("#prop-timeLimit-error")
    assert stored(owner, TASK, "timeLimit") == "6h"
    assert drawn(owner, timer) == "Batas waktu 6 jam kerja"


def test_the_palette_speaks_indonesian_and_elements_are_chosen_from_the_keyboard(
        people: People) -> None:
    owner = open_editor(people)
    titles = owner.page.eval_on_selector_all(
        ".djs-palette .entry[aria-label]",
        "entries => entries.map(e => e.getAttribute('aria-label'))")
    assert "Buat tugas" in titles and "Buat gerbang" in titles, titles
    assert not any(t.startswith("Create ") for t in titles), titles

    picker = owner.page.locator("#element-picker")
    picker.focus()
    owner.page.keyboard.press("Tab")  # the canvas is next in the tab order
    assert owner.page.evaluate("!!document.activeElement.closest('#canvas')")
    picker.focus()
    label = next(o for o in picker.locator("option").all_inner_texts() if o.startswith(STEP_NAME))
    picker.select_option(label=label)
    assert owner.page.evaluate("document.activeElement.id") == "prop-name"
    assert owner.page.input_value("#prop-name") == STEP_NAME
    assert owner.page.evaluate(
        "window.eskalasiEditor.modeler.get('selection').get().map(e => e.id)") == [TASK]
    owner.page.keyboard.press("Tab")
    assert owner.page.evaluate("document.activeElement.id") == "prop-sopStep"
    # Ctrl+Z on the canvas (focusable, with the keyboard bound to it) undoes a change.
    owner.page.fill("#prop-name", "Nama sementara")
    owner.page.keyboard.press("Tab")
    owner.page.locator("#canvas").click(position={"x": 5, "y": 5})
    owner.page.keyboard.press("Control+z")
    assert owner.page.evaluate(
        f"window.eskalasiEditor.registry.get('{TASK}').businessObject.name") == STEP_NAME
    assert owner.page.evaluate("window.__consoleErrors") == []


def test_the_form_designer_and_the_json_stay_in_step(people: People) -> None:
    owner = open_editor(people)
    owner.page.locator(f'#canvas .djs-shape[data-element-id="{TASK}"]').click()
    designer = owner.page.locator("#form-designer")
    assert designer.locator('li[data-field="catatan_telaah"]').count() == 1
    assert designer.locator('li[data-field="catatan_telaah"] input[data-key="internal"]'
                            ).is_checked()

    designer.get_by_role("button", name="Tambah kolom").click()
    added = designer.locator("li.designer-field").last
    added.locator('input[data-key="name"]').fill("kanal")
    added.locator('input[data-key="name"]').press("Tab")
    added = designer.locator('li[data-field="kanal"]')
    added.locator('input[data-key="title"]').fill("Kanal <b>laporan</b>")
    added.locator('input[data-key="title"]').press("Tab")
    added.locator('select[data-key="type"]').select_option("choice")
    added = designer.locator('li[data-field="kanal"]')
    added.locator('textarea[data-key="choices"]').fill("Telepon\nSurel\nTelepon")
    added.locator('textarea[data-key="choices"]').press("Tab")
    added.locator('input[data-key="required"]').check()
    added.locator('input[data-key="prefill"]').fill("data_dari_pengguna")
    added.locator('input[data-key="prefill"]').press("Tab")
    assert added.locator("b").count() == 0  # the title is text, never markup

    owner.page.get_by_role("tab", name="JSON").click()
    schema = json.loads(owner.page.input_value("#prop-form-schema"))
    assert schema["properties"]["kanal"] == {
        "type": "string", "title": "Kanal <b>laporan</b>", "enum": ["Telepon", "Surel"],
        "x-prefill-from": "data_dari_pengguna"}
    assert schema["required"] == ["kanal"]
    assert schema["properties"]["catatan_telaah"]["x-title-en"] == "Review Notes"  # kept

    schema["properties"]["kanal"]["title"] = "Kanal pelaporan"
    schema["properties"]["kanal"]["x-visibility"] = "internal"
    owner.page.fill("#prop-form-schema", json.dumps(schema, indent=2))
    owner.page.get_by_role("tab", name="Perancang").click()
    back = designer.locator('li[data-field="kanal"]')
    assert back.locator('input[data-key="title"]').input_value() == "Kanal pelaporan"
    assert back.locator('input[data-key="internal"]').is_checked()
    assert back.locator('select[data-key="type"]').input_value() == "choice"
    assert back.locator('textarea[data-key="choices"]').input_value() == "Telepon\nSurel"
    assert owner.page.evaluate(
        "JSON.parse(window.eskalasiEditor.state.forms['step02_terima.json'])"
        ".properties.kanal.title") == "Kanal pelaporan"


def test_a_camunda_modeler_diagram_is_uploaded_and_deployed(people: People,
                                                           tmp_path: Path) -> None:
    owner = open_editor(people)
    diagram = tmp_path / "dari_camunda.bpmn"
    diagram.write_bytes(camunda_modeler_5("camunda"))
    owner.goto("/proses/unggah")
    owner.page.fill("#name", "Dari Camunda Modeler")
    owner.page.set_input_files("#diagram", str(diagram))
    owner.page.get_by_role("button", name="Unggah sebagai Draf").click()
    owner.page.wait_for_selector('#canvas[data-ready="true"], #canvas[data-ready="error"]')
    assert "/proses/draf/" in owner.page.url
    said = " ".join(owner.page.locator(".flash").all_inner_texts())
    assert "properti Camunda diubah menjadi properti SpiffWorkflow" in said, said
    assert stored(owner, TASK, "sopStep") == "2"
    owner.page.fill("#deploy-note", "Diagram dari Camunda Modeler")
    owner.page.get_by_role("button", name="Terapkan sebagai Versi Baru").click()
    owner.page.wait_for_selector("#deploy-result[data-version], #deploy-result.deploy-failed")
    assert owner.page.get_attribute("#deploy-result", "data-version") == "2", \
        owner.page.inner_text("#deploy-result")
