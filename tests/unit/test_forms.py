"""Submitted data against a form's JSON Schema: one plain message per field."""

from __future__ import annotations

import json

from engine.process.files import DEFAULT_DIAGRAM
from engine.process.forms import FORM_ERROR, check_submission

FORMS = DEFAULT_DIAGRAM.parent / "forms"


def form(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((FORMS / f"{name}.json").read_text())
    return loaded


def test_valid_step_1_data_has_no_errors() -> None:
    assert check_submission(form("step01_eskalasi"), {
        "judul": "Gagal unggah", "aplikasi": "SPSE 4.5", "tipe_tiket": "Usulan",
        "deskripsi": "Tidak bisa unggah dokumen penawaran."}) == {}


def test_each_broken_field_gets_its_own_message() -> None:
    errors = check_submission(form("step01_eskalasi"), {
        "judul": "abc", "aplikasi": "Excel", "tipe_tiket": "Usulan", "deskripsi": 5,
        "kode_error": "x" * 101})
    assert errors == {
        "judul": ["Minimal 5 karakter."],
        "aplikasi": [errors["aplikasi"][0]],
        "deskripsi": ["Harus berupa teks."],
        "kode_error": ["Maksimal 100 karakter."],
    }
    assert errors["aplikasi"][0].startswith("Pilih salah satu: SPSE 4.5")


def test_missing_required_fields_are_named() -> None:
    errors = check_submission(form("step17_tutup"), {})
    assert errors == {"rating": ["Wajib diisi."]}


def test_data_that_is_not_an_object_is_a_form_error() -> None:
    assert list(check_submission(form("step17_tutup"), [1, 2])) == [FORM_ERROR]


def test_a_reason_is_required_when_the_user_says_not_solved() -> None:
    assert "alasan_belum_selesai" in check_submission(form("step16_konfirmasi"),
                                                      {"terselesaikan": False})
    assert check_submission(form("step16_konfirmasi"), {"terselesaikan": True}) == {}
