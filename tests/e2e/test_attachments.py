"""Attachments in the browser: a screenshot shown as a thumbnail, a PDF in a frame, a log
to download, each file listed once; a file carried into the next step from the task form."""

from __future__ import annotations

from pathlib import Path

from tests.attachments import samples
from tests.desk import STEP_DATA
from tests.e2e.people import People
from tests.pages import PNG


def test_files_are_shown_once_and_a_log_is_carried_into_the_next_step(
        people: People, tmp_path: Path) -> None:
    files = []
    for name, content in (("layar.png", PNG), ("panduan.pdf", samples.MINIMAL_PDF),
                          ("error.log", samples.LOG)):
        (tmp_path / name).write_bytes(content)
        files.append(tmp_path / name)
    admin = people.sign_in("admin.bandung")
    opened = admin.open_ticket(STEP_DATA["step01_eskalasi"], files=files)

    helpdesk = people.sign_in("helpdesk.lkpp")
    page = helpdesk.ticket_page(opened.id)
    items = page.locator("#daftar-lampiran li.file")
    assert items.count() == 3
    thumbnail = page.locator("#daftar-lampiran li.file-image img")
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=thumbnail.element_handle())
    box = thumbnail.bounding_box()
    assert box is not None and box["width"] <= 130 and box["height"] <= 100
    frame = page.locator("#daftar-lampiran li.file-pdf iframe")
    assert frame.get_attribute("src", timeout=2000) is not None
    log_link = page.locator("#daftar-lampiran li.file-download p.file-name a")
    assert log_link.inner_text() == "error.log"
    with page.expect_download() as download:
        log_link.click()
    assert download.value.suggested_filename == "error.log"

    helpdesk.open_task(opened, "step02_terima")
    helpdesk.page.locator('#lampiran-sebelumnya li', has_text="error.log").locator(
        'input[name="teruskan"]').check()
    helpdesk.submit("step02_terima", STEP_DATA["step02_terima"])
    page = helpdesk.ticket_page()
    assert page.locator("#daftar-lampiran li.file").count() == 3
    carried = page.locator("#daftar-lampiran li.file", has_text="error.log")
    assert "(Langkah 1) → " in carried.locator(".file-steps").inner_text()
    assert "(Langkah 2)" in carried.locator(".file-steps").inner_text()
