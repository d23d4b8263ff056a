"""Internal form fields (`"x-visibility": "internal"`) and who may see them."""

from __future__ import annotations

from types import SimpleNamespace

from engine.process.validation import read_form
from engine.process.visibility import internal_fields, public_data
from engine.tickets.visibility import may_see_internal
from engine.types import Role, User

FORM = {"type": "object", "properties": {
    "jawaban": {"type": "string"},
    "catatan_telaah": {"type": "string", "x-visibility": "internal"},
    "nama_admin": {"type": "string", "x-visibility": "internal"},
    "ringkasan": {"type": "string", "x-visibility": "public"},
}}


def test_internal_fields_are_the_top_level_properties_marked_internal() -> None:
    assert internal_fields(FORM) == {"catatan_telaah", "nama_admin"}
    assert internal_fields({"type": "object"}) == frozenset()
    assert internal_fields({"type": "object", "properties": {"a": True}}) == frozenset()


def test_public_data_leaves_out_internal_fields_and_keeps_the_original() -> None:
    data = {"jawaban": "Ya", "catatan_telaah": "rahasia", "nama_admin": "Budi",
            "ringkasan": "ok", "lain": 1}
    assert public_data(FORM, data) == {"jawaban": "Ya", "ringkasan": "ok", "lain": 1}
    assert data["catatan_telaah"] == "rahasia"


def test_a_visibility_other_than_internal_or_public_is_refused_naming_the_field() -> None:
    form, problems = read_form("f.json", {"type": "object", "properties": {
        "catatan": {"type": "string", "x-visibility": "rahasia"}}})
    assert form is None
    assert ["catatan" in str(p.message) and "rahasia" in str(p.message) for p in problems] \
        == [True]
    accepted, none = read_form("f.json", FORM)
    assert accepted is not None and none == []


def user(role: Role, lpse_id: int | None = None, lpse: str | None = None) -> User:
    return User(id=1, username="u", full_name="U", role=role, lpse_id=lpse_id, lpse=lpse)


def test_handlers_and_the_auditor_see_internal_items_the_pengguna_never() -> None:
    row = SimpleNamespace(lpse_id=7)
    assert may_see_internal(user(Role.HELPDESK), row)
    assert may_see_internal(user(Role.AUDITOR), row)
    assert may_see_internal(user(Role.ADMIN, 7, "LPSE Kota Bandung"), row)
    assert not may_see_internal(user(Role.ADMIN, 8, "LPSE Kota Surabaya"), row)
    assert not may_see_internal(user(Role.PENGGUNA, 7, "LPSE Kota Bandung"), row)
    assert not may_see_internal(user(Role.PROCESS_OWNER), row)
    named = SimpleNamespace(lpse="LPSE Kota Bandung")
    assert may_see_internal(user(Role.ADMIN, 7, "LPSE Kota Bandung"), named)
    assert not may_see_internal(user(Role.ADMIN, 8, "LPSE Kota Surabaya"), named)
