"""The auditor's reports and exports in a real browser (issue 16): every chart label fits
beside its bar (wrapped, never cut, never outside the chart), every bar says its value, and
the export page downloads the XES event log."""

from __future__ import annotations

import pytest

from tests.desk import Desk
from tests.e2e.people import People
from tests.integration.test_sop_paths import PATHS

pytestmark = pytest.mark.e2e

# Each chart label's box and its bar's left edge, in the SVG's own units.
LABEL_BOXES = """() => [...document.querySelectorAll('svg.chart g.bar')].map(g => {
  const box = g.querySelector('text.chart-label').getBBox();
  const bar = g.querySelector('rect.chart-bar');
  return {label: g.dataset.label, left: box.x, right: box.x + box.width,
          bar: bar.x.baseVal.value,
          text: [...g.querySelectorAll('text.chart-label tspan')].map(t => t.textContent),
          value: g.querySelector('text.chart-value').textContent};
})"""


def test_report_labels_fit_and_each_bar_says_its_value(desk: Desk, people: People) -> None:
    for name in ("data_from_admin_only", "not_solved_then_solved", "lpse_authority"):
        desk.run(desk.open(), *PATHS[name])
    auditor = people.sign_in("auditor")
    assert auditor.goto("/audit/laporan?dari=2000-01-01").status == 200
    boxes = auditor.page.evaluate(LABEL_BOXES)
    assert boxes, "no chart drawn"
    for box in boxes:
        assert box["left"] >= 0, box            # not cut off at the chart's left edge
        assert box["right"] <= box["bar"], box  # not under the bar
        assert " ".join(box["text"]) == box["label"]  # wrapped, nothing left out
        assert "…" not in box["label"] and box["value"].strip()
    long = [b for b in boxes if b["label"].startswith("12. ")]
    assert long and len(long[0]["text"]) > 1


def test_the_export_page_downloads_the_xes_log(desk: Desk, people: People) -> None:
    ticket = desk.run(desk.open(), *PATHS["lpse_authority"])
    auditor = people.sign_in("auditor")
    assert auditor.goto("/audit/ekspor").status == 200
    with auditor.page.expect_download() as download:
        auditor.page.get_by_role("button", name="Unduh XES (IEEE 1849-2016)").click()
    path = download.value.path()
    text = path.read_text(encoding="utf-8")
    assert text.count("<trace>") == 1 and ticket.number in text
    assert download.value.suggested_filename.endswith(".xes")
