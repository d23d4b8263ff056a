"""A small helper for browser tests: a demo user in their own browser context, doing what
people do on the pages (sign in, read their inbox, open a ticket, fill a task's form)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree, html
from playwright.sync_api import Browser, BrowserContext, Page, Response

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "processes" / "forms"
DIAGRAM = ROOT / "processes" / "escalation.bpmn"
PASSWORD = "eskalasi-demo"  # the demo accounts' password (CONTRACT.md)
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
TICKET_NUMBER = re.compile(r"ESK-\d{4}-\d+")


@cache
def form(step: str) -> dict[str, Any]:
    """The JSON Schema of a step's form."""
    schema: dict[str, Any] = json.loads((FORMS / f"{step}.json").read_text())
    return schema


@cache
def step_names() -> dict[str, str]:
    """The name the diagram gives each user task, by id."""
    tree = etree.parse(str(DIAGRAM))
    return {e.get("id"): e.get("name") for e in tree.iter(f"{BPMN}userTask")}


def to_datetime_local(value: str) -> str:
    """`2026-11-28T09:30:00+07:00` as a datetime-local input takes it: `2026-11-28T09:30`."""
    return value[:16]


def fill_form(page: Page, step: str, data: dict[str, Any]) -> None:
    """Fill the step's form by field name, as its JSON Schema says the field is rendered."""
    properties = form(step)["properties"]
    for name, value in data.items():
        spec = properties[name]
        field = page.locator(f'[name="{name}"]')
        if spec.get("type") == "boolean":
            page.check(f'input[type=radio][name="{name}"][value="{str(value).lower()}"]')
        elif "enum" in spec and len(spec["enum"]) <= 4:
            page.check(f'input[type=radio][name="{name}"][value="{value}"]')
        elif "enum" in spec:
            page.select_option(f'select[name="{name}"]', str(value))
        elif (spec.get("type") == "integer" and isinstance(spec.get("minimum"), int)
              and isinstance(spec.get("maximum"), int)
              and spec["maximum"] - spec["minimum"] < 10):  # a rating: radio choices
            page.check(f'input[type=radio][name="{name}"][value="{value}"]')
        elif spec.get("format") == "date-time":
            page.fill(f'input[type="datetime-local"][name="{name}"]', to_datetime_local(value))
        else:
            field.fill(str(value))


@dataclass(frozen=True)
class Opened:
    """A ticket opened in the browser: its id (in URLs) and number (in "Tugas Saya")."""

    id: int
    number: str


@dataclass(frozen=True)
class Row:
    """One row of "Tugas Saya"."""

    task_id: str
    step: str
    ticket: str


@dataclass
class Person:
    """A demo user with their own browser context (cookies) and page."""

    username: str
    context: BrowserContext
    page: Page

    def goto(self, path: str) -> Response:
        """Open a path of the app (its DOM, not waiting for images); the response."""
        response = self.page.goto(path, wait_until="domcontentloaded")
        assert response is not None, path
        return response

    def sign_in(self) -> Person:
        """Sign in on /masuk with the demo password."""
        response = self.goto("/masuk")
        assert response.status == 200, f"/masuk answered {response.status}"
        self.page.fill('[name="username"]', self.username)
        self.page.fill('[name="password"]', PASSWORD)
        with self.page.expect_navigation(wait_until="domcontentloaded"):
            self.page.get_by_role("button", name="Masuk").click()
        assert "/masuk" not in self.page.url, f"{self.username} could not sign in"
        return self

    def sign_out(self) -> None:
        """Press "Keluar" in the header; afterwards the inbox asks to sign in again."""
        self.goto("/tugas")
        with self.page.expect_navigation(wait_until="domcontentloaded"):
            self.page.get_by_role("button", name="Keluar").click()
        self.goto("/tugas")
        assert "/masuk" in self.page.url, f"{self.username} is still signed in"

    def inbox(self) -> list[Row]:
        """The rows of "Tugas Saya" (/tugas)."""
        response = self.goto("/tugas")
        assert response.status == 200, f"{self.username}: /tugas answered {response.status}"
        rows = self.page.locator("tr[data-task-id]")
        return [Row(task_id=row.get_attribute("data-task-id") or "",
                    step=row.get_attribute("data-step") or "",
                    ticket=row.get_attribute("data-ticket") or "")
                for row in rows.all()]

    def tasks_on(self, ticket: Opened) -> list[str]:
        """The steps of the ticket in this person's inbox."""
        return [row.step for row in self.inbox() if row.ticket == ticket.number]

    def open_ticket(self, data: dict[str, Any], reporter: str = "pengguna.bandung",
                    files: list[Path] | None = None) -> Opened:
        """Open a ticket on /tiket/baru; its id (from the URL) and number (from the flash)."""
        self.goto("/tiket/baru")
        fill_form(self.page, "step01_eskalasi", data)
        self.page.select_option('select[name="reporter"]', reporter)
        if files:
            self.page.set_input_files('input[type=file][name="lampiran"]', files)
        with self.page.expect_navigation(wait_until="domcontentloaded"):
            self.page.get_by_role("button", name="Kirim").click()
        found = re.search(r"/tiket/(\d+)$", self.page.url)
        assert found, f"opening a ticket led to {self.page.url}, not to a ticket page"
        number = TICKET_NUMBER.search(self.page.locator(".flash").inner_text())
        assert number, "the flash message does not give the ticket number"
        return Opened(int(found.group(1)), number.group(0))

    def open_task(self, ticket: Opened, step: str) -> str:
        """In "Tugas Saya", the ticket's one row must be `step`: follow its link; the task id."""
        rows = [row for row in self.inbox() if row.ticket == ticket.number]
        assert [row.step for row in rows] == [step], (
            f"{self.username} should have {step} on {ticket.number}, has {rows}")
        row = self.page.locator(f'tr[data-ticket="{ticket.number}"][data-step="{step}"]')
        with self.page.expect_navigation(wait_until="domcontentloaded"):
            row.locator(f'a[href$="/tugas/{rows[0].task_id}"]').first.click()
        return rows[0].task_id

    def submit(self, step: str, data: dict[str, Any]) -> None:
        """On the open task page, fill the form and press Kirim; it leads to the ticket."""
        task_url = self.page.url
        fill_form(self.page, step, data)
        with self.page.expect_navigation(wait_until="domcontentloaded"):
            self.page.get_by_role("button", name="Kirim", exact=True).click()
        if self.page.url == task_url and self.page.locator("#konfirmasi-kosong").count():
            # Nothing filled in an all-optional form: the page asks first (issue 13).
            with self.page.expect_navigation(wait_until="domcontentloaded"):
                self.page.get_by_role("button", name="Kirim tanpa isian").click()
        assert self.page.url != task_url, (
            f"{self.username}'s {step} was not accepted: "
            + " / ".join(self.page.locator(".error, .errors, [role=alert]").all_inner_texts()))

    def do(self, ticket: Opened, step: str, data: dict[str, Any]) -> None:
        """From "Tugas Saya", open the ticket's task of `step`, fill its form, press Kirim."""
        self.open_task(ticket, step)
        self.submit(step, data)

    def ticket_page(self, ticket_id: int | None = None) -> Page:
        """Open /tiket/<id> (it must answer 200), or stay on the ticket page open now, and
        wait for the diagram to be drawn."""
        if ticket_id is not None:
            status = self.goto(f"/tiket/{ticket_id}").status
            assert status == 200, f"{self.username}: ticket {ticket_id} answered {status}"
        assert re.search(r"/tiket/\d+$", self.page.url), f"not a ticket page: {self.page.url}"
        self.page.wait_for_selector('#diagram[data-ready="true"], #diagram[data-ready="error"]')
        assert self.page.get_attribute("#diagram", "data-ready") == "true", (
            "the diagram was not drawn: " + self.page.inner_text("#diagram"))
        return self.page

    def position(self) -> str:
        """The text of "Posisi Tiket" on the open ticket page."""
        return self.page.locator("#posisi-tiket").inner_text()

    def thread_steps(self) -> list[str]:
        """The steps of the open ticket page's thread, in order."""
        entries = self.page.locator(".thread article.entry[data-step]")
        return [entry.get_attribute("data-step") or "" for entry in entries.all()]

    def marked(self, marker: str) -> set[str]:
        """The ids of the diagram's elements with this marker (done, taken, current)."""
        ids: list[str] = self.page.eval_on_selector_all(
            f"#diagram .djs-element.{marker}",
            "elements => elements.map(e => e.getAttribute('data-element-id'))")
        return set(ids)

    def peek_inbox(self) -> list[Row]:
        """The rows of "Tugas Saya" as the server sends them to this person (their cookies,
        no rendering): for quick checks of what someone must not see."""
        answer = self.context.request.get("/tugas", max_redirects=0)
        assert answer.status == 200, f"{self.username}: /tugas answered {answer.status}"
        return [Row(task_id=row.get("data-task-id", ""), step=row.get("data-step", ""),
                    ticket=row.get("data-ticket", ""))
                for row in html.fromstring(answer.text()).xpath("//tr[@data-task-id]")]

    def status_of(self, path: str) -> int:
        """The HTTP status of a GET with this person's cookies (no redirects followed)."""
        return self.context.request.get(path, max_redirects=0).status


class People:
    """Signs demo users in, each in a fresh browser context of one shared browser."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []

    def new(self, username: str = "", javascript: bool = True) -> Person:
        """A person in a new, signed-out browser context."""
        context = self.browser.new_context(base_url=self.base_url, locale="id-ID",
                                           timezone_id="Asia/Jakarta",
                                           java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        return Person(username, context, context.new_page())

    def sign_in(self, username: str, javascript: bool = True) -> Person:
        """A person signed in as `username` in a new browser context."""
        return self.new(username, javascript).sign_in()

    def close(self) -> None:
        """Close every context opened."""
        for context in self.contexts:
            context.close()
        self.contexts.clear()
