"""The request form a Pengguna SPSE fills is step 1 without the handlers' internal fields."""

from __future__ import annotations

from typing import Any

from engine.process.forms import check_submission
from engine.tickets.intake import reporter_form
from engine.tickets.new_reporter import username_for

START: dict[str, Any] = {
    "type": "object",
    "properties": {
        "judul": {"type": "string", "minLength": 5},
        "catatan_admin": {"type": "string", "x-visibility": "internal"},
        "prioritas": {"type": "string", "enum": ["tinggi", "rendah"],
                      "x-visibility": "internal"},
        "deskripsi": {"type": "string", "x-visibility": "public"},
    },
    "required": ["judul", "prioritas"],
    "additionalProperties": False,
}


def test_internal_fields_are_left_out_of_the_request_form() -> None:
    form = reporter_form(START)
    assert list(form["properties"]) == ["judul", "deskripsi"]
    assert form["required"] == ["judul"]
    assert "catatan_admin" in START["properties"]  # the start form itself is unchanged


def test_a_reporter_cannot_send_an_internal_field() -> None:
    form = reporter_form(START)
    assert check_submission(form, {"judul": "Gagal unggah"}) == {}
    assert set(check_submission(form, {"judul": "Gagal unggah", "prioritas": "tinggi"})) == {
        "prioritas"}


def test_a_form_without_internal_fields_is_the_same_form() -> None:
    plain = {"type": "object", "properties": {"judul": {"type": "string"}},
             "required": ["judul"]}
    assert reporter_form(plain) == plain


def test_usernames_come_from_the_address_and_are_made_unique() -> None:
    assert username_for(set(), "Siti.Rahma+spse@pemkot.test") == "siti.rahma.spse"
    assert username_for({"budi"}, "BUDI@x.test") == "budi.2"
    assert username_for({"budi", "budi.2"}, "budi@x.test") == "budi.3"
    assert username_for(set(), "__@x.test") == "pengguna"
    assert username_for(set(), "Andi Wijaya@x.test") == "andi.wijaya"
    assert len(username_for(set(), "a" * 300 + "@x.test")) <= 90
