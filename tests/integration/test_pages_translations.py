"""Every UI string has its English translation, compiled; dates follow the language."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask

from tests.desk import Desk
from tests.pages import texts, visitor

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "web" / "translations" / "en" / "LC_MESSAGES"
METHODS = [("web/**.py", "python"), ("web/templates/**.html", "jinja2"),
           ("engine/messages.py", "python")]


def ui_strings() -> set[str]:
    """Every message the web UI passes through gettext, as `pybabel extract` finds them."""
    found = extract_from_dir(str(ROOT), METHODS, keywords={"_": None, "lazy_gettext": None,
                                                           "ngettext": (1, 2)},
                             comment_tags=())
    return {_singular(message) for _file, _line, message, _comments, _context in found}


def _singular(message: object) -> str:
    """A message's id: itself, or the singular of a plural one (ngettext)."""
    return str(message[0]) if isinstance(message, tuple | list) else str(message)


def _translated(string: object) -> bool:
    """Whether a translation is there (every plural form of a plural one)."""
    return all(string) if isinstance(string, tuple | list) else bool(string)


def test_every_ui_string_has_a_compiled_english_translation() -> None:
    with (CATALOG / "messages.po").open("rb") as handle:
        source = {_singular(m.id): m.string for m in read_po(handle) if m.id and not m.fuzzy}
    with (CATALOG / "messages.mo").open("rb") as handle:
        compiled = {_singular(m.id): tuple(m.string) if isinstance(m.string, list) else m.string
                    for m in read_mo(handle) if m.id}
    untranslated = sorted(s for s in ui_strings() if not _translated(source.get(s)))
    assert untranslated == [], "add these to messages.po, then pybabel compile"
    assert compiled == {key: value for key, value in source.items() if _translated(value)}, (
        "messages.mo is stale: run pybabel compile -d web/translations")


def test_dates_and_ages_follow_the_language(app: Flask, desk: Desk) -> None:
    ticket = desk.open()
    person = visitor(app, "helpdesk.lkpp")
    indonesian = texts(person.get(f"/tiket/{ticket.id}"), '//article[@class="entry"]//time')[0]
    # The thread shows times in the LPSE's own zone, labelled (WIB for Bandung).
    assert re.fullmatch(r"\d{1,2} \w{3} \d{4} \d{2}\.\d{2} WIB", indonesian), indonesian
    assert texts(person.get("/tugas"), "//tbody/tr/td[5]")[0].endswith("detik")
    person.post("/bahasa", {"lang": "en", "next": "/tugas"})
    english = texts(person.get(f"/tiket/{ticket.id}"), '//article[@class="entry"]//time')[0]
    assert re.fullmatch(r"\w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M WIB", english), english
    page = person.get("/tugas")
    assert re.search(r"seconds?$", texts(page, "//tbody/tr/td[5]")[0])
    assert "(Step 2)" in texts(page, "//tbody/tr/td[3]")[0]
