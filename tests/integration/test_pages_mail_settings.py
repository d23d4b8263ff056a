"""Pengaturan email (/akun/notifikasi): each kind at once, in the daily digest, or off."""

from __future__ import annotations

from flask import Flask

import engine
from tests.desk import Desk
from tests.pages import field_errors, html, visitor


def test_the_notifications_page_links_to_the_mail_settings(app: Flask) -> None:
    page = html(visitor(app, "helpdesk.lkpp").get("/notifikasi"))
    assert page.xpath('//a[@href="/akun/notifikasi"]')


def test_a_person_chooses_digest_or_off_per_kind_and_it_is_kept(app: Flask,
                                                                 desk: Desk) -> None:
    agent = visitor(app, "helpdesk.lkpp")
    page = html(agent.get("/akun/notifikasi"))
    assert page.xpath('//fieldset[@id="task_assigned"]//input[@checked]/@value') == [
        "immediate"]
    assert page.xpath('//fieldset[@id="guidance_given"]//input/@value') == [
        "immediate", "digest", "off"]

    saved = agent.post("/akun/notifikasi", {"task_assigned": "digest", "reminder": "off"})
    assert saved.status_code == 302
    settings = engine.mail_settings(desk.database.uow(), desk.user("helpdesk.lkpp"))
    assert (settings["task_assigned"], settings["reminder"], settings["ticket_reopened"]) == (
        "digest", "off", "immediate")
    again = html(agent.get("/akun/notifikasi"))
    assert again.xpath('//fieldset[@id="task_assigned"]//input[@checked]/@value') == ["digest"]
    # Someone else's settings are their own.
    assert set(engine.mail_settings(desk.database.uow(), desk.user("helpdesk2.lkpp"))
               .values()) == {"immediate"}


def test_an_unknown_choice_is_refused_on_its_kind_and_nothing_is_saved(app: Flask,
                                                                       desk: Desk) -> None:
    agent = visitor(app, "helpdesk.lkpp")
    refused = agent.post("/akun/notifikasi", {"reminder": "off", "task_assigned": "kadang"})
    assert refused.status_code == 422
    assert "kadang" in field_errors(refused)["task_assigned"]
    assert set(engine.mail_settings(desk.database.uow(), desk.user("helpdesk.lkpp"))
               .values()) == {"immediate"}
