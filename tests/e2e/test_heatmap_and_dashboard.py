"""The heatmap drawn on the diagram and the dashboard's drill-down, in a real browser
(issue 16)."""

from __future__ import annotations

import re

import pytest

from tests.desk import Desk
from tests.e2e.people import People
from tests.integration.test_sop_paths import PATHS

pytestmark = pytest.mark.e2e

FLOW_MARKERS = """() => [...document.querySelectorAll('#heatmap .djs-connection')]
  .map(g => ({id: g.dataset.elementId,
              heat: [...g.classList].filter(c => c.startsWith('heat-'))}))"""


def test_the_heatmap_is_drawn_on_the_diagram(desk: Desk, people: People) -> None:
    for name in ("lpse_authority", "data_from_admin_only"):
        desk.run(desk.open(), *PATHS[name])
    desk.open()
    owner = people.sign_in("pemilik.proses")
    assert owner.goto("/proses").status == 200
    owner.page.get_by_role("link", name="Peta Panas", exact=True).click()
    owner.page.wait_for_selector('#heatmap[data-ready="true"]')
    badges = owner.page.locator("#heatmap .heat-badge")
    assert badges.count() >= 4
    assert re.match(r"median [\d,]+ jam · p90 [\d,]+ jam", badges.first.inner_text())
    flows = {f["id"]: f["heat"] for f in owner.page.evaluate(FLOW_MARKERS)}
    assert flows["Flow_01_02"] == ["heat-5"]          # every ticket went along it
    assert flows["Flow_03_tidak"] not in (["heat-0"], [])  # one ticket: the LPSE's authority
    assert flows["Flow_02_batas_waktu"] == ["heat-0"]  # none
    assert owner.page.locator("#heatmap .heat-count").count() >= 3
    assert owner.page.locator("ol.heatmap-slowest li").count() >= 3


def test_the_dashboard_drills_down_to_the_filtered_list(desk: Desk, people: People) -> None:
    waiting = desk.run(desk.open(), "step02_terima")      # at step 3
    other = desk.open()                                   # at step 2
    helpdesk = people.sign_in("helpdesk.lkpp")
    helpdesk.page.get_by_role("link", name="Dasbor", exact=True).click()
    row = helpdesk.page.locator('tr[data-step="3"]')
    assert row.locator("a").inner_text() == "1"
    row.locator("a").click()
    helpdesk.page.wait_for_url(re.compile(r"/tiket\?langkah=3"))
    listed = helpdesk.page.locator("table a[href^='/tiket/']").all_inner_texts()
    assert waiting.number in listed and other.number not in listed
    assert helpdesk.page.locator("#filter-step").input_value() == "3"
