"""Engine messages: a code with parameters, Indonesian as text, translated by whoever shows it."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from cli.english import english
from engine.errors import InvalidData, NotFound
from engine.messages import CATALOG, Message, render_message, text

ROOT = Path(__file__).resolve().parents[2]
PARAMETER = re.compile(r"%\((\w+)\)s")


def test_a_message_reads_as_its_indonesian_default_and_keeps_its_code_and_parameters() -> None:
    message = Message("too_many_tickets", limit=50)
    assert message == "Paling banyak 50 tiket sekaligus."
    assert (message.code, dict(message.params)) == ("too_many_tickets", {"limit": 50})
    assert english(message) == "At most 50 tickets at once."


def test_a_message_cannot_be_changed_and_survives_pickling() -> None:
    message = Message("draft_not_found", draft=7)
    with pytest.raises(AttributeError):
        message.code = "task_done"
    copied = pickle.loads(pickle.dumps(message))
    assert (copied, copied.code, dict(copied.params)) == (message, "draft_not_found", {"draft": 7})


def test_an_unknown_code_is_refused_at_once() -> None:
    with pytest.raises(KeyError):
        Message("no_such_code")


def test_a_message_inside_a_message_is_translated_with_it() -> None:
    nested = Message("field_type", kind=Message("kind_integer"))
    assert nested == "Harus berupa bilangan bulat."
    assert english(nested) == "Must be a whole number."


def test_plain_text_stays_as_it_is_in_every_language() -> None:
    assert english(text("SPSE 4.5 %d")) == "SPSE 4.5 %d"
    assert render_message("not a message", str.upper) == "not a message"


def test_a_translation_that_lost_a_parameter_falls_back_to_the_indonesian() -> None:
    message = Message("too_many_tickets", limit=3)
    assert message.render(lambda template: "At most %(count)s") == str(message)


def test_errors_carry_their_message_and_field_messages() -> None:
    error = NotFound(Message("ticket_not_found"))
    assert error.message.code == "ticket_not_found" and str(error) == "Tiket tidak ditemukan."
    assert NotFound("legacy words").message == "legacy words"
    invalid = InvalidData({"reporter": [Message("reporter_not_pengguna")]})
    assert english(invalid.errors["reporter"][0]) == (
        "The reporter must be an SPSE user of your LPSE.")


def test_every_code_the_engine_uses_is_in_the_catalog() -> None:
    used = {code for path in (ROOT / "engine").rglob("*.py")
            for code in re.findall(r'Message\(\s*"(\w+)"', path.read_text(encoding="utf-8"))}
    assert used, "the scan found no message at all"
    assert sorted(used - set(CATALOG)) == []


def test_every_english_translation_keeps_the_parameters_of_its_template() -> None:
    with (ROOT / "web/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        english_of = {m.id: str(m.string) for m in read_po(handle) if isinstance(m.id, str)}
    for code, template in CATALOG.items():
        if code == "text":
            continue
        translated = english_of.get(template)
        assert translated, f"{code}: no English for {template!r}"
        assert set(PARAMETER.findall(translated)) == set(PARAMETER.findall(template)), code
