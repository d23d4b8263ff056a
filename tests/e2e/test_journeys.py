"""Every SOP path in a real browser, as the right people in turn, each in their own browser.

At each step the person whose turn it is finds it, and only it, in "Tugas Saya", follows
the link, fills the form and sends it; the ticket page they land on shows the next step in
"Posisi Tiket" and as the diagram's current element. Whenever the turn passes to another
lane, the ticket's other people do not have it in their inbox; the other LPSE's admin never
sees the ticket, its diagram or its tasks (404, the same as a ticket that does not exist).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.desk import STEP_ACTOR, STEP_DATA
from tests.e2e.people import Opened, People, Person, step_names
from tests.integration.test_sop_paths import PATHS, names

pytestmark = pytest.mark.e2e

PARTICIPANTS = ("admin.bandung", "helpdesk.lkpp", "pengguna.bandung")
OUTSIDER = "admin.surabaya"
END = {"lpse_authority": "EndEvent_Selesai_LPSE"}  # every other path ends at EndEvent_Selesai


def actor_of(step: str) -> str:
    return STEP_ACTOR.get(step, "helpdesk.lkpp")


def assert_position(person: Person, step: str | None) -> None:
    """The ticket page open now shows `step` (None: closed) as Posisi Tiket and current."""
    person.ticket_page()
    if step is None:
        assert "Selesai" in person.position()
        assert person.marked("current") == set()
    else:
        assert step_names()[step] in person.position()
        assert person.marked("current") == {step}
        assert person.page.locator(f'#diagram [data-element-id="{step}"].current').count() == 1


def assert_nobody_else_has_it(people: dict[str, Person], ticket: Opened, actor: str) -> None:
    """The ticket's other people have nothing of it in their inbox."""
    for username in PARTICIPANTS:
        if username != actor:
            seen = [row.step for row in people[username].peek_inbox()
                    if row.ticket == ticket.number]
            assert seen == [], f"{username} sees {seen} on {ticket.number}, turn of {actor}"


def assert_outsider_sees_nothing(outsider: Person, ticket: Opened, task_id: str) -> None:
    """The other LPSE's admin: empty inbox, 404 on the ticket, its diagram and the task."""
    assert outsider.peek_inbox() == []
    assert outsider.goto(f"/tiket/{ticket.id}").status == 404
    assert outsider.status_of(f"/tiket/{ticket.id}/diagram.json") == 404
    assert outsider.status_of(f"/tugas/{task_id}") == 404


def run_journey(everyone: People, path: list[Any], end: str) -> None:
    people = {u: everyone.sign_in(u) for u in (*PARTICIPANTS, OUTSIDER)}
    steps = names(path)
    ticket = people["admin.bandung"].open_ticket(STEP_DATA["step01_eskalasi"])
    assert_position(people["admin.bandung"], steps[0])

    previous, outsider_checked = "admin.bandung", set()
    for number, step in enumerate(steps):
        actor = people[actor_of(step)]
        if actor.username != previous:
            assert_nobody_else_has_it(people, ticket, actor.username)
        task_id = actor.open_task(ticket, step)
        if actor.username not in outsider_checked:  # once on a task of each lane
            assert_outsider_sees_nothing(people[OUTSIDER], ticket, task_id)
            outsider_checked.add(actor.username)
        changes = path[number][1] if isinstance(path[number], tuple) else {}
        actor.submit(step, {**STEP_DATA[step], **changes})
        assert_position(actor, steps[number + 1] if number + 1 < len(steps) else None)
        previous = actor.username

    for username in PARTICIPANTS:
        person = people[username]
        assert person.tasks_on(ticket) == [], f"{username} still has a task"
        person.ticket_page(ticket.id)
        assert person.thread_steps() == ["step01_eskalasi", *steps]
        assert person.marked("current") == set()
        assert {*steps, end} <= person.marked("done")
    assert people[OUTSIDER].goto(f"/tiket/{ticket.id}").status == 404


@pytest.mark.parametrize("path", sorted(PATHS))
def test_each_sop_path_as_its_people_in_turn(people: People, path: str) -> None:
    run_journey(people, PATHS[path], END.get(path, "EndEvent_Selesai"))
