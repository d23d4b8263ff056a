"""The ticket's diagram is read at page width (issue 13): drawn around the path taken and
the current step at a readable scale, zoom and fit buttons, the mouse wheel scrolls the page
(ctrl+wheel zooms), reminder events drawn quietly, no sideways page scroll on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.desk import Desk
from tests.e2e.people import People, Person

pytestmark = pytest.mark.e2e

SCALE = """() => {
  const viewport = document.querySelector('#diagram .viewport');
  return viewport.transform.baseVal.consolidate().matrix.a;
}"""


def scale(page: Page) -> float:
    """The diagram's current zoom (1 = the diagram's own size)."""
    return float(page.evaluate(SCALE))


def ticket_at_step_3(people: People, desk: Desk) -> tuple[Person, int]:
    """A ticket the helpdesk moved on to step 3, and the helpdesk signed in."""
    opened = desk.open()
    desk.do(opened, "step02_terima")
    return people.sign_in("helpdesk.lkpp"), opened.id


def test_at_1366_px_the_diagram_fits_the_path_readably_and_the_wheel_scrolls_the_page(
        people: People, desk: Desk) -> None:
    helpdesk, ticket_id = ticket_at_step_3(people, desk)
    page = helpdesk.page
    page.set_viewport_size({"width": 1366, "height": 800})
    helpdesk.ticket_page(ticket_id)
    assert scale(page) >= 0.6, scale(page)
    # The current step is in view.
    box = page.locator('#diagram [data-element-id="step03_kewenangan"]').bounding_box()
    frame = page.locator("#diagram").bounding_box()
    assert box is not None and frame is not None
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    # Reminder end events and their timers are drawn quietly.
    quiet = helpdesk.marked("quiet")
    assert "EndEvent_02_pengingat" in quiet and "Timer_03_batas_waktu" in quiet
    assert "step03_kewenangan" not in quiet
    # The wheel over the diagram scrolls the page and leaves the zoom alone.
    page.locator("#diagram").scroll_into_view_if_needed()
    before, zoom = page.evaluate("window.scrollY"), scale(page)
    diagram = page.locator("#diagram").bounding_box()
    assert diagram is not None
    page.mouse.move(diagram["x"] + diagram["width"] / 2, diagram["y"] + diagram["height"] / 2)
    page.mouse.wheel(0, -200)
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") != before
    assert scale(page) == zoom
    # The buttons zoom in and out and fit the path again.
    page.get_by_role("button", name="Perbesar").click()
    assert scale(page) > zoom
    page.get_by_role("button", name="Perkecil").click()
    page.get_by_role("button", name="Perkecil").click()
    assert scale(page) < zoom
    page.get_by_role("button", name="Pas ke jalur").click()
    assert abs(scale(page) - zoom) < 0.01


def test_at_375_px_the_page_does_not_scroll_sideways(people: People, desk: Desk) -> None:
    helpdesk, ticket_id = ticket_at_step_3(people, desk)
    page = helpdesk.page
    page.set_viewport_size({"width": 375, "height": 740})
    helpdesk.ticket_page(ticket_id)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
