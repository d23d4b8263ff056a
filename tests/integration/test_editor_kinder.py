"""The kinder editor (issue 15), without a browser: time limits as people say them through
the grammar the page serves (run in Node against the engine's parser), the timer's label
following its limit without counting as a rename, the translate module and the designer
served with the page."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from engine.process.calendar import normalize_time_limit, time_limit_label
from engine.process.compare import compare_parts
from engine.process.files import DEFAULT_DIAGRAM, read_forms
from tests.integration.test_process_editor import Owner
from tests.pages import html
from web.pages.formatting import time_limit

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ("2 hari", "4 jam", "1 hari kerja", "8 jam kerja", "4h", "2d", "2D", " 3  Hari ",
           "12hk", "9999 hari", "30 menit", "2 har", "0 hari", "1,5 jam", "10000 jam", "hari",
           "2 hari 4 jam", "\u0663 hari", "2 \u0130ari", "4 \u212aam", "", "8 h", "8hh")
# The editor script's own steps (process-editor.js canonicalLimit / limitWords), in Node.
SCRIPT = """
const g = JSON.parse(process.argv[1]);
const input = new RegExp(g.inputPattern, g.inputFlags), stored = new RegExp(g.pattern);
function canonical(text) {
  if (!text.trim()) return '';
  const found = input.exec(text);
  if (!found) return null;
  const unit = g.words[found[2].toLowerCase().split(/ +/).join(' ')];
  return unit ? String(parseInt(found[1], 10)) + unit : null;
}
function words(c) {
  const found = /^([0-9]+)([a-z])$/.exec(c || '');
  return found && g.labels[found[2]] ? found[1] + ' ' + g.labels[found[2]] : (c || '');
}
console.log(JSON.stringify(JSON.parse(process.argv[2]).map(v => {
  const c = canonical(v);
  return [c, c && stored.test(c) ? words(c) : null];
})));
"""


def engine_reading(value: str) -> list[str | None]:
    try:
        stored = normalize_time_limit(value)
    except ValueError:
        return [None, None]
    return [stored, time_limit_label(stored) if stored else None]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the regex")
def test_the_editor_reads_limits_as_people_say_them_with_the_grammar_the_engine_parses(
        app: Flask) -> None:
    page = html(Owner(app).get("/proses/editor"))
    [served] = page.xpath('//div[@id="editor"]/@data-time-limit')
    [field] = page.xpath('//input[@id="prop-timeLimit"]')
    assert field.get("pattern") is None and int(field.get("maxlength")) >= 20
    done = subprocess.run(["node", "-e", SCRIPT, served, json.dumps(SAMPLES)],
                          capture_output=True, text=True, timeout=60, check=True)
    in_the_browser = dict(zip(SAMPLES, json.loads(done.stdout), strict=True))
    assert in_the_browser == {value: engine_reading(value) for value in SAMPLES}
    assert in_the_browser["2 hari"] == ["2d", "2 hari kerja"]
    assert in_the_browser["2 har"] == [None, None]


def test_the_page_serves_the_translations_the_designer_and_the_element_list(
        app: Flask) -> None:
    page = html(Owner(app).get("/proses/editor"))
    scripts = [s.split("?")[0] for s in page.xpath("//script/@src")]
    for name in ("editor-translate.js", "editor-forms.js", "process-editor.js"):
        assert any(s.endswith(f"/js/{name}") for s in scripts), name
    assert scripts.index(next(s for s in scripts if s.endswith("editor-forms.js"))) < \
        scripts.index(next(s for s in scripts if s.endswith("process-editor.js")))
    assert page.xpath('//select[@id="element-picker"]') and page.xpath(
        '//label[@for="element-picker"]')
    assert [t.get("aria-controls") for t in page.xpath('//*[@role="tab"]')] == [
        "form-designer", "form-json"]
    messages = json.loads(page.xpath('//div[@id="editor"]/@data-messages')[0])
    assert messages["designer_internal"].startswith("Internal")
    translate = (ROOT / "web/static/js/editor-translate.js").read_text(encoding="utf-8")
    assert "'Create task': 'Buat tugas'" in translate and ".innerHTML" not in translate
    assert ".innerHTML" not in (ROOT / "web/static/js/editor-forms.js").read_text(encoding="utf-8")


def test_a_timer_relabelled_with_its_new_limit_is_not_a_rename() -> None:
    source = DEFAULT_DIAGRAM.read_bytes()
    forms = read_forms(DEFAULT_DIAGRAM)
    step = b'<bpmn:userTask id="step02_terima"'
    start = source.index(step)
    limit = source.index(b'name="timeLimit" value="4h"', start)
    edited = (source[:limit] + b'name="timeLimit" value="6h"'
              + source[limit + len(b'name="timeLimit" value="4h"'):])
    edited = edited.replace(b'id="Timer_02_batas_waktu" name="Batas waktu 4h"',
                            b'id="Timer_02_batas_waktu" name="Batas waktu 6 jam kerja"')
    changes = compare_parts(source, forms, edited, forms)
    assert [(c.kind, c.element, c.aspect, c.before, c.after) for c in changes] == [
        ("property_changed", "step02_terima", "timeLimit", "4h", "6h")]
    # A timer the owner really renamed still is one.
    renamed = source.replace(b'id="Timer_02_batas_waktu" name="Batas waktu 4h"',
                             b'id="Timer_02_batas_waktu" name="Pengingat telaah"')
    assert [c.kind for c in compare_parts(source, forms, renamed, forms)] == ["renamed"]


def test_a_limit_in_minutes_is_said_in_minutes(app: Flask) -> None:
    assert normalize_time_limit("30 menit") == "30m"
    with app.test_request_context("/"):
        assert time_limit("30m") == "30 menit kerja"
        assert time_limit("2d") == "2 hari kerja"
