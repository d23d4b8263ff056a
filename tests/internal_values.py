"""Distinctive values for every internal form field, and the longest SOP path carrying them,
for the leak tests (issue 13): whatever the Pengguna SPSE can read must contain none of them.

The values are generated from the shipped forms (every top-level property marked
`"x-visibility": "internal"`), so a field newly marked internal is checked without editing
the tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.process.visibility import internal_fields
from tests.desk import STEP_ACTOR, STEP_DATA

FORMS = Path(__file__).resolve().parents[1] / "processes" / "forms"
REPORTER = "pengguna.bandung"
# A date-time no other part of the ticket can show (local: 27 Nov 2026, 06.47 WIB).
SECRET_MOMENT = "2026-11-27T06:47:00+07:00"
# An internal note and a file, written as comments outside the SOP steps.
SECRET_COMMENT = "Rahasia9Kom catatan internal komentar helpdesk"
SECRET_PAGE_COMMENT = "Rahasia9Hal catatan internal dari halaman"
SECRET_FILE = "rahasia9lampiran.png"
PUBLIC_COMMENT = "Balasan umum untuk pelapor 4Qx"


def forms() -> dict[str, dict[str, Any]]:
    """The shipped forms by step (file name without .json)."""
    return {path.stem: json.loads(path.read_text()) for path in sorted(FORMS.glob("*.json"))}


def secret_values() -> dict[str, dict[str, str]]:
    """step -> internal field -> a value found nowhere else (a date-time for date-time
    fields, else a made-up word naming the field); within the field's length limits."""
    found: dict[str, dict[str, str]] = {}
    for step, schema in forms().items():
        for name in sorted(internal_fields(schema)):
            prop = schema["properties"][name]
            assert prop.get("type") == "string", (
                f"{step}.{name}: an internal field the leak test can trace must be text")
            if prop.get("format") == "date-time":
                value = SECRET_MOMENT
            else:
                value = f"Rahasia9{name.replace('_', '')}"[:prop.get("maxLength", 200)]
            assert len(value) >= prop.get("minLength", 0)
            found.setdefault(step, {})[name] = value
    return found


def longest_path() -> list[tuple[str, dict[str, Any]]]:
    """Every step of the longest path (data from the admin, then from the user through the
    admin, a check that is not done yet, a reopen by the user), each with its full data and
    every internal field filled with its secret value."""
    secrets = secret_values()
    yes, no = True, False
    steps: list[tuple[str, dict[str, Any]]] = [
        ("step02_terima", {}), ("step03_kewenangan", {"kewenangan": "LKPP"}),
        ("step05_kelengkapan", {"perlu_data_tambahan": yes}),
        ("step06_minta_data", {"konfirmasi_telepon": yes}),
        ("step07_terima_permintaan", {}), ("step08_data_pengguna", {"perlu_data_pengguna": no}),
        ("step10_kirim_data", {}), ("step11_terima_data", {}),
        ("step05_kelengkapan", {"perlu_data_tambahan": yes}),
        ("step06_minta_data", {"konfirmasi_telepon": yes}),
        ("step07_terima_permintaan", {}),
        ("step08_data_pengguna", {"perlu_data_pengguna": yes,
                                  "permintaan_ke_pengguna": "Kirim tangkapan layar galat."}),
        ("step09_kirim_data_pengguna", {}), ("step10_kirim_data", {}),
        ("step11_terima_data", {}),
        ("step05_kelengkapan", {"perlu_data_tambahan": no}),
        ("step12_penanganan", {}), ("step13_cek_selesai", {"masalah_selesai": no}),
        ("step12_penanganan", {}), ("step13_cek_selesai", {"masalah_selesai": yes}),
        ("step14_balas_selesai", {}), ("step15_periksa", {}),
        ("step16_konfirmasi", {"terselesaikan": no, "alasan_belum_selesai": "Masih gagal."}),
        ("step12_penanganan", {}), ("step13_cek_selesai", {"masalah_selesai": yes}),
        ("step14_balas_selesai", {}), ("step15_periksa", {}),
        ("step16_konfirmasi", {"terselesaikan": yes}), ("step17_tutup", {}),
    ]
    return [(step, {**STEP_DATA[step], **changes, **secrets.get(step, {})})
            for step, changes in steps]


def actor_of(step: str) -> str:
    """Who does a step on a Bandung ticket."""
    return STEP_ACTOR.get(step, "helpdesk.lkpp")


def every_secret() -> list[str]:
    """Every value that must never reach the reporter (fields, comments, the file name)."""
    values = {value for fields in secret_values().values() for value in fields.values()}
    return sorted(values | {SECRET_COMMENT, SECRET_PAGE_COMMENT, SECRET_FILE})


def leaked(text: str, secrets: list[str]) -> list[str]:
    """The secrets found in a text."""
    return [secret for secret in secrets if secret in text]
