"""web.forms_render: JSON Schema to widgets, and a submitted form back to typed data."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage, MultiDict

from engine.process.forms import check_submission
from web.forms_render import entered, other_errors, parse, widgets

FORMS = Path(__file__).resolve().parents[2] / "processes" / "forms"


def form(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((FORMS / f"{name}.json").read_text())
    return schema


def kinds(schema: dict[str, Any]) -> dict[str, str]:
    return {w.name: w.kind for w in widgets(schema)}


SYNTHETIC = {
    "type": "object",
    "properties": {
        "surel": {"type": "string", "title": "Surel", "format": "email"},
        "tanggal": {"type": "string", "title": "Tanggal", "format": "date"},
        "waktu": {"type": "string", "title": "Waktu", "format": "date-time"},
        "tautan": {"type": "string", "format": "uri", "maxLength": 500},
        "jumlah": {"type": "number", "minimum": 0},
        "prioritas": {"type": "integer", "enum": [1, 2, 3]},
        "setuju": {"type": "boolean"},
        "bukti": {"type": "string", "contentMediaType": "image/png"},
        "berkas": {"type": "string", "format": "attachment"},
    },
    "required": ["surel"],
}


def test_every_widget_kind_from_the_real_forms() -> None:
    assert kinds(form("step01_eskalasi")) == {
        "judul": "text", "aplikasi": "select", "versi_aplikasi": "text", "kode_error": "text",
        "kode_tender": "text", "tipe_tiket": "radio", "deskripsi": "textarea"}
    assert kinds(form("step03_kewenangan")) == {"kewenangan": "radio",
                                                "alasan_kewenangan": "textarea"}
    assert kinds(form("step04_panduan"))["tautan_panduan"] == "url"
    assert kinds(form("step05_kelengkapan"))["perlu_data_tambahan"] == "radio"
    assert kinds(form("step06_minta_data"))["waktu_telepon"] == "datetime"
    assert kinds(form("step17_tutup"))["rating"] == "radio"  # choices with words (issue 13)


def test_the_other_widget_kinds() -> None:
    found = {w.name: w for w in widgets(SYNTHETIC)}
    assert {name: (w.kind, w.input_type) for name, w in found.items()} == {
        "surel": ("email", "email"), "tanggal": ("date", "date"),
        "waktu": ("datetime", "datetime-local"), "tautan": ("url", "url"),
        "jumlah": ("number", "text"), "prioritas": ("radio", "text"),
        "setuju": ("radio", "text"), "bukti": ("file", "text"), "berkas": ("file", "text")}
    assert found["jumlah"].step == "any" and found["jumlah"].minimum == 0
    assert found["prioritas"].choices == (("1", "1"), ("2", "2"), ("3", "3"))
    assert found["surel"].required and not found["tanggal"].required
    assert found["surel"].label == "Surel" and found["jumlah"].label == "jumlah"


def test_labels_help_required_and_choices() -> None:
    by_name = {w.name: w for w in widgets(form("step01_eskalasi"))}
    judul = by_name["judul"]
    assert (judul.label, judul.required, judul.max_length, judul.min_length) == (
        "Judul", True, 200, 5)
    assert judul.help.startswith("Ringkasan singkat")
    assert judul.described_by == "judul-help"
    assert by_name["aplikasi"].choices[0] == ("", "— Pilih —")
    assert by_name["tipe_tiket"].choices[0] == ("Permasalahan", "Permasalahan")
    boolean = widgets(form("step05_kelengkapan"))[0]
    assert boolean.choices == (("true", "Ya"), ("false", "Tidak"))


def test_values_and_errors_are_kept_on_the_widgets() -> None:
    shown = widgets(form("step17_tutup"), MultiDict({"rating": "lima", "komentar": "x"}),
                    {"rating": ["Harus berupa angka."]})
    assert [(w.name, w.value, w.errors) for w in shown] == [
        ("rating", "lima", ("Harus berupa angka.",)), ("komentar", "x", ())]
    assert shown[0].described_by == "rating-help rating-error"


def test_parse_types_values_and_leaves_out_empty_fields() -> None:
    submitted = parse(form("step06_minta_data"), MultiDict({
        "data_diminta": "Log\r\nserver", "konfirmasi_telepon": "true",
        "waktu_telepon": "2026-11-28T09:30", "pihak_dihubungi": "   ", "tidak_dikenal": "x"}))
    assert submitted.errors == {}
    assert submitted.data == {"data_diminta": "Log\nserver", "konfirmasi_telepon": True,
                              "waktu_telepon": "2026-11-28T02:30:00Z"}
    assert parse(form("step17_tutup"), MultiDict({"rating": "4"})).data == {"rating": 4}
    assert parse(form("step05_kelengkapan"), MultiDict({
        "perlu_data_tambahan": "false"})).data == {"perlu_data_tambahan": False}
    assert parse(SYNTHETIC, MultiDict({"jumlah": "2,5", "prioritas": "2"})).data == {
        "jumlah": 2.5, "prioritas": 2}


@pytest.mark.parametrize(("zone", "stored"), [
    (None, "2026-11-28T03:00:00Z"), ("Asia/Jakarta", "2026-11-28T03:00:00Z"),
    ("Asia/Makassar", "2026-11-28T02:00:00Z"), ("Asia/Jayapura", "2026-11-28T01:00:00Z"),
    ("Not/A_Zone", "2026-11-28T03:00:00Z"),
])
def test_a_typed_date_time_is_read_in_the_lpse_zone_and_kept_in_utc(
        zone: str | None, stored: str) -> None:
    submitted = parse(form("step06_minta_data"), MultiDict({"waktu_telepon": "2026-11-28T10:00"}),
                      timezone=zone)
    assert submitted.data == {"waktu_telepon": stored}


@pytest.mark.parametrize(("field", "raw", "message"), [
    ("rating", "lima", "Harus berupa angka."),
    ("rating", "4.5", "Harus berupa bilangan bulat."),
    ("rating", "nan", "Harus berupa angka."),
])
def test_unreadable_numbers_are_field_errors(field: str, raw: str, message: str) -> None:
    submitted = parse(form("step17_tutup"), MultiDict({field: raw}))
    assert submitted.errors == {field: [message]}
    assert field not in submitted.data


def test_unreadable_dates_and_booleans_are_field_errors() -> None:
    submitted = parse(SYNTHETIC, MultiDict({"waktu": "besok pagi", "setuju": "mungkin"}))
    assert submitted.errors == {"waktu": ["Tanggal dan jam tidak valid."],
                                "setuju": ["Pilih Ya atau Tidak."]}


def test_a_file_field_becomes_an_attachment_named_by_its_hash() -> None:
    files = MultiDict({"bukti": FileStorage(io.BytesIO(b"\x89PNG..."), "layar.png"),
                       "berkas": FileStorage(io.BytesIO(b""), "")})
    submitted = parse(SYNTHETIC, MultiDict({"surel": "a@b.id"}), files)
    assert submitted.data == {"surel": "a@b.id",
                              "bukti": hashlib.sha256(b"\x89PNG...").hexdigest()}
    assert [(u.filename, u.content) for u in submitted.uploads] == [("layar.png", b"\x89PNG...")]


def test_round_trip_every_real_form_with_sample_data() -> None:
    from tests.desk import STEP_DATA

    for name, data in STEP_DATA.items():
        schema = form(name)
        as_submitted = MultiDict({w.name: w.value for w in widgets(schema, data) if w.value})
        submitted = parse(schema, as_submitted)
        assert submitted.errors == {}, name
        assert submitted.data == data, name
        assert check_submission(schema, submitted.data) == {}, name


@pytest.mark.parametrize(("name", "data", "missing"), [
    ("step06_minta_data", {"data_diminta": "Data log", "konfirmasi_telepon": "true"},
     {"waktu_telepon", "pihak_dihubungi"}),
    ("step08_data_pengguna", {"perlu_data_pengguna": "true"}, {"permintaan_ke_pengguna"}),
    ("step16_konfirmasi", {"terselesaikan": "false"}, {"alasan_belum_selesai"}),
])
def test_fields_required_by_if_then_get_their_engine_errors_in_place(
        name: str, data: dict[str, str], missing: set[str]) -> None:
    schema = form(name)
    submitted = parse(schema, MultiDict(data))
    errors = check_submission(schema, submitted.data)
    assert set(errors) == missing
    shown = {w.name: w.errors for w in widgets(schema, MultiDict(data), errors)}
    assert all(shown[field] == ("Wajib diisi.",) for field in missing)
    assert other_errors(schema, errors) == []


def test_errors_of_no_field_are_shown_above_the_form() -> None:
    errors = {"_form": ["Data formulir harus berupa objek JSON."], "judul": ["Wajib diisi."],
              "lampiran": ["x.exe: jenis berkas tidak diterima"]}
    assert other_errors(form("step01_eskalasi"), errors, ("lampiran",)) == [
        "Data formulir harus berupa objek JSON."]


def test_entered_values_are_shown_back_with_their_labels() -> None:
    assert entered(form("step16_konfirmasi"), MultiDict({
        "terselesaikan": "false", "alasan_belum_selesai": "Masih galat"})) == [
        ("Permasalahan sudah terselesaikan?", "Tidak"),
        ("Alasan Belum Selesai", "Masih galat")]
