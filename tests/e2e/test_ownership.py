"""Two Helpdesk LKPP agents in two browsers (issue 13): one takes a task, the other sees it
held, cannot complete it, and takes it over only after saying so."""

from __future__ import annotations

from tests.desk import Desk
from tests.e2e.people import People

HD, HD2 = "helpdesk.lkpp", "helpdesk2.lkpp"


def test_two_agents_one_claims_the_other_sees_it_held(people: People, desk: Desk) -> None:
    [task] = desk.open().tasks
    first, second = people.sign_in(HD), people.sign_in(HD2)

    first.goto(f"/tugas/{task.id}")
    panel = first.page.locator("#kepemilikan")
    assert "Belum ada yang mengambil tugas ini." in panel.inner_text()
    with first.page.expect_navigation(wait_until="domcontentloaded"):
        first.page.click("#ambil")
    assert "Anda sedang mengerjakan tugas ini." in first.page.locator("#kepemilikan").inner_text()

    # The colleague's inbox: the task is not in the queue any more, and says who has it.
    second.goto("/tugas?tampil=antrean")
    assert second.page.locator(f'tr[data-task-id="{task.id}"]').count() == 0
    second.goto("/tugas")
    row = second.page.locator(f'tr[data-task-id="{task.id}"] td.assignee')
    assert row.inner_text().strip() == "Helpdesk LKPP"

    # The task page says it is held; sending the form anyway is refused, naming the holder,
    # and what was typed is still there.
    second.goto(f"/tugas/{task.id}")
    held = second.page.locator(".ownership-held").inner_text()
    assert "Sedang dikerjakan oleh Helpdesk LKPP (helpdesk.lkpp)" in held
    second.page.fill('[name="catatan_telaah"]', "Saya juga sedang menelaah.")
    with second.page.expect_navigation(wait_until="domcontentloaded") as sent:
        second.page.get_by_role("button", name="Kirim", exact=True).click()
    response = sent.value
    assert response is not None and response.status == 409
    assert ("Tugas ini sedang dikerjakan oleh Helpdesk LKPP (helpdesk.lkpp)."
            in second.page.locator("[role=alert]").first.inner_text())
    assert second.page.input_value('[name="catatan_telaah"]') == "Saya juga sedang menelaah."
    assert desk.pending(task.ticket_id) == ["step02_terima"]

    # "Ambil alih" asks first: the browser will not send it until the box is ticked.
    second.page.click("#ambil-alih")
    assert second.page.locator("#ambil-alih-setuju:invalid").count() == 1
    second.page.check("#ambil-alih-setuju")
    with second.page.expect_navigation(wait_until="domcontentloaded"):
        second.page.click("#ambil-alih")
    assert "Anda sedang mengerjakan tugas ini." in second.page.locator(
        "#kepemilikan").inner_text()

    first.goto(f"/tugas/{task.id}")
    assert "Sedang dikerjakan oleh Helpdesk LKPP 2 (helpdesk2.lkpp)" in first.page.locator(
        ".ownership-held").inner_text()
