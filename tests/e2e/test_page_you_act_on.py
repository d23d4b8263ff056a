"""The page you act on, in a real browser (issue 13): step 4's guidance heads the reporter's
ticket page; a reopen's reason heads the helpdesk's ticket page and the step it goes back to."""

from __future__ import annotations

import pytest

from tests.desk import STEP_DATA
from tests.e2e.people import People, Person

pytestmark = pytest.mark.e2e

GUIDANCE = "Atur ulang akun penyedia lewat menu Admin Agency, lalu minta penyedia unggah ulang."
REASON = "Unggah masih gagal untuk berkas di atas 20 MB."


def card_at_top(person: Person, text: str) -> None:
    """The card is on screen when the page opens, above the history, and says `text`."""
    card = person.page.locator("#perlu-ditanggapi")
    assert text in card.inner_text()
    box = card.bounding_box()
    viewport = person.page.viewport_size
    assert box is not None and viewport is not None
    assert box["y"] < viewport["height"], f"the card starts {box['y']} px down"
    history = person.page.locator("#riwayat").bounding_box()
    assert history is not None and box["y"] < history["y"]
    # The history is folded until opened.
    assert person.page.locator("#riwayat").get_attribute("open") is None


def test_step_4s_guidance_heads_the_reporters_ticket_page(people: People) -> None:
    admin = people.sign_in("admin.bandung")
    ticket = admin.open_ticket(STEP_DATA["step01_eskalasi"])
    helpdesk = people.sign_in("helpdesk.lkpp")
    helpdesk.do(ticket, "step02_terima", STEP_DATA["step02_terima"])
    helpdesk.do(ticket, "step03_kewenangan", {"kewenangan": "LPSE",
                                             "alasan_kewenangan": "Pengaturan akun di LPSE."})
    helpdesk.do(ticket, "step04_panduan", {"panduan": GUIDANCE})

    reporter = people.sign_in("pengguna.bandung")
    reporter.ticket_page(ticket.id)
    card_at_top(reporter, GUIDANCE)
    reporter.goto("/notifikasi")
    guidance = reporter.page.locator('li.notification[data-kind="guidance_given"]')
    assert guidance.count() == 1 and GUIDANCE in guidance.inner_text()

    admin.ticket_page(ticket.id)
    card_at_top(admin, GUIDANCE)


def test_a_reopen_shows_its_reason_to_the_helpdesk(people: People) -> None:
    admin = people.sign_in("admin.bandung")
    ticket = admin.open_ticket(STEP_DATA["step01_eskalasi"])
    helpdesk = people.sign_in("helpdesk.lkpp")
    for step in ("step02_terima", "step03_kewenangan", "step05_kelengkapan",
                 "step12_penanganan", "step13_cek_selesai", "step14_balas_selesai"):
        helpdesk.do(ticket, step, STEP_DATA[step])
    reporter = people.sign_in("pengguna.bandung")
    reporter.open_task(ticket, "step15_periksa")
    card_at_top(reporter, STEP_DATA["step14_balas_selesai"]["solusi"])
    reporter.submit("step15_periksa", {})  # all optional: the page asks, then completes
    reporter.do(ticket, "step16_konfirmasi", {"terselesaikan": False,
                                             "alasan_belum_selesai": REASON})

    helpdesk.ticket_page(ticket.id)
    card_at_top(helpdesk, REASON)
    helpdesk.open_task(ticket, "step12_penanganan")
    card_at_top(helpdesk, REASON)
    helpdesk.goto("/notifikasi")
    reopened = helpdesk.page.locator('li.notification[data-kind="ticket_reopened"]')
    assert reopened.count() == 1 and REASON in reopened.inner_text()
