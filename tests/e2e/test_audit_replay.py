"""The auditor's replay in a real browser: stepping through a ticket that went around the
data-request loop twice, the diagram marking where it stood after each event."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.desk import Desk
from tests.e2e.people import People, Person
from tests.e2e.test_ticket_page import CSP_RECORDER

pytestmark = pytest.mark.e2e

LOOP: list[str | tuple[str, dict[str, Any]]] = [
    ("step05_kelengkapan", {"perlu_data_tambahan": True}), "step06_minta_data",
    "step07_terima_permintaan", "step08_data_pengguna", "step10_kirim_data",
    "step11_terima_data"]


def frame(page: Page) -> tuple[int, list[str], set[str]]:
    """The shown event's number, what the page says is pending then, and the diagram's
    `current` marks."""
    seq = int(page.get_attribute("#replay", "data-frame") or 0)
    article = page.locator(f'.replay-frame[data-seq="{seq}"]')
    assert article.is_visible() and page.locator(".replay-frame:visible").count() == 1
    pending = (article.get_attribute("data-current") or "").split()
    return seq, pending, marked(page, "current")


def marked(page: Page, marker: str) -> set[str]:
    ids: list[str] = page.eval_on_selector_all(
        f"#replay-diagram .djs-element.{marker}",
        "elements => elements.map(e => e.getAttribute('data-element-id'))")
    return set(ids)


def press(auditor: Person, name: str, expected_seq: int) -> None:
    auditor.page.get_by_role("button", name=name).click()
    auditor.page.wait_for_selector(f'#replay[data-frame="{expected_seq}"]')


def test_the_replay_steps_through_a_ticket_that_looped_twice(desk: Desk,
                                                              people: People) -> None:
    ticket = desk.run(desk.open(), "step02_terima", "step03_kewenangan", *LOOP, *LOOP,
                      "step05_kelengkapan")
    events = len(desk.trail(ticket))
    assert events == 16
    auditor = people.sign_in("auditor")
    auditor.context.add_init_script(CSP_RECORDER)
    assert auditor.goto(f"/audit/tiket/{ticket.id}/replay").status == 200
    page = auditor.page
    page.wait_for_selector('#replay[data-ready="true"], #replay[data-ready="error"]')
    assert page.get_attribute("#replay", "data-ready") == "true", page.inner_text("#replay")
    assert frame(page) == (16, ["step12_penanganan"], {"step12_penanganan"})

    press(auditor, "« Awal", 1)
    assert frame(page) == (1, ["step02_terima"], {"step02_terima"})
    assert page.get_by_role("button", name="◀ Sebelumnya").is_disabled()
    assert marked(page, "done") == {"StartEvent_Mulai", "step01_eskalasi"}

    seen: list[str] = []
    for seq in range(2, events + 1):
        press(auditor, "Berikutnya ▶", seq)
        number, pending, current = frame(page)
        assert number == seq and set(pending) == current, (seq, pending, current)
        seen.extend(pending)
        if seq == 5:  # step 6 done: the request for data is with the Admin LPSE
            assert current == {"step07_terima_permintaan"}
            assert "Ya" in page.locator('.replay-frame[data-seq="5"] tr'
                                        '[data-field="perlu_data_tambahan"]').inner_text()
    assert seen.count("step07_terima_permintaan") == 2
    assert seen.count("step11_terima_data") == 2
    assert page.get_by_role("button", name="Berikutnya ▶").is_disabled()
    loop_back = marked(page, "taken")
    assert {"step11_terima_data", "step07_terima_permintaan"} <= marked(page, "done")

    press(auditor, "◀ Sebelumnya", 15)
    assert frame(page)[1] == ["step05_kelengkapan"]
    page.select_option("#replay-jump", "7")  # the 8th event: step 10 in the first loop
    page.wait_for_selector('#replay[data-frame="8"]')
    assert frame(page)[2] == {"step11_terima_data"}
    assert marked(page, "taken") < loop_back
    page.focus("#replay-next")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector('#replay[data-frame="9"]')
    assert frame(page)[2] == {"step05_kelengkapan"}
    assert page.evaluate("window.__cspViolations") == []
