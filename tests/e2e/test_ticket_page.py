"""The ticket page in a real browser: attachments, escaping, the diagram under the CSP, and
the page without JavaScript."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import Dialog

from tests.desk import STEP_DATA
from tests.e2e.people import People

pytestmark = pytest.mark.e2e

# Records the CSP violations of a page (an init script runs outside the page's CSP).
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.effectiveDirective + ' ' + e.blockedURI);
});
"""


def png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG image: a small red rectangle."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_an_attachment_is_shown_to_the_ticket_s_people_only(
        people: People, tmp_path: Path) -> None:
    screenshot = tmp_path / "tangkapan-layar.png"
    screenshot.write_bytes(png())
    admin = people.sign_in("admin.bandung")
    ticket_id = admin.open_ticket(STEP_DATA["step01_eskalasi"], files=[screenshot]).id

    user = people.sign_in("pengguna.bandung")
    user.ticket_page(ticket_id)
    # The one place the file is listed (the thread's entry links there).
    href = user.page.locator("#daftar-lampiran a", has_text="tangkapan-layar.png").first \
        .get_attribute("href")
    assert href, "no link to the attachment on the ticket page"
    opened = user.goto(href)
    assert opened.status == 200
    assert opened.headers["content-type"].startswith("image/png")
    assert opened.body() == screenshot.read_bytes()

    for outsider in ("admin.surabaya", "pengguna.surabaya"):
        other = people.sign_in(outsider)
        assert other.status_of(href) == 404, outsider
        assert other.status_of(f"/tiket/{ticket_id}") == 404, outsider
    user.sign_out()
    assert user.status_of(href) != 200


def test_html_and_script_in_the_title_come_back_as_text(people: People) -> None:
    title = '<script>alert("judul")</script><img src=x onerror=alert(1)> <b>tebal</b>'
    dialogs: list[str] = []
    admin = people.sign_in("admin.bandung")
    helpdesk = people.sign_in("helpdesk.lkpp")
    for page in (admin.page, helpdesk.page):
        page.on("dialog", lambda dialog: record(dialogs, dialog))

    ticket = admin.open_ticket({**STEP_DATA["step01_eskalasi"], "judul": title})
    ticket_id = ticket.id
    admin.ticket_page(ticket_id)
    assert title in admin.page.locator("body").inner_text()
    helpdesk.inbox()
    assert title in helpdesk.page.locator(f'tr[data-ticket="{ticket.number}"]').inner_text()
    helpdesk.ticket_page(ticket_id)
    assert title in helpdesk.page.locator("body").inner_text()
    for page in (admin.page, helpdesk.page):
        assert page.locator('img[src="x"], b:text-is("tebal")').count() == 0
        assert page.locator("script:not([src])").count() == 0
    assert dialogs == []


def record(dialogs: list[str], dialog: Dialog) -> None:
    dialogs.append(dialog.message)
    dialog.dismiss()


def test_the_diagram_is_drawn_under_the_strict_csp_without_a_violation(
        people: People) -> None:
    admin = people.sign_in("admin.bandung")
    admin.context.add_init_script(CSP_RECORDER)
    ticket_id = admin.open_ticket(STEP_DATA["step01_eskalasi"]).id
    admin.ticket_page(ticket_id)
    csp = admin.goto(f"/tiket/{ticket_id}").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["style-src"]
    admin.page.wait_for_selector('#diagram[data-ready="true"]')
    assert admin.marked("current") == {"step02_terima"}
    assert {"step01_eskalasi", "StartEvent_Mulai"} <= admin.marked("done")
    assert admin.marked("taken")
    admin.page.mouse.wheel(0, 300)  # zooming and panning restyle the canvas
    assert admin.page.evaluate("window.__cspViolations") == []


def test_the_ticket_page_reads_the_same_without_javascript(people: People) -> None:
    admin = people.sign_in("admin.bandung")
    ticket_id = admin.open_ticket(STEP_DATA["step01_eskalasi"]).id
    reader = people.sign_in("helpdesk.lkpp", javascript=False)
    assert reader.goto(f"/tiket/{ticket_id}").status == 200
    assert "Menerima dan mempelajari permasalahan" in reader.position()
    assert reader.thread_steps() == ["step01_eskalasi"]
    assert reader.page.get_attribute("#diagram", "data-ready") is None
    assert "memerlukan JavaScript" in reader.page.inner_text(".diagram-figure")


def test_posisi_tiket_links_the_person_whose_turn_it_is_to_the_task(people: People) -> None:
    admin = people.sign_in("admin.bandung")
    ticket = admin.open_ticket(STEP_DATA["step01_eskalasi"])
    helpdesk = people.sign_in("helpdesk.lkpp")
    [row] = [row for row in helpdesk.inbox() if row.ticket == ticket.number]
    helpdesk.ticket_page(ticket.id)
    link = helpdesk.page.locator(f'#posisi-tiket a[href$="/tugas/{row.task_id}"]')
    assert link.count() == 1, "no link to the task in Posisi Tiket for the person whose turn it is"
    admin.ticket_page(ticket.id)
    assert admin.page.locator('#posisi-tiket a[href*="/tugas/"]').count() == 0
