"""What a new password must be: at least 10 characters, not easy to guess, not built on
the user's own names; each refusal is one plain Indonesian sentence."""

from __future__ import annotations

import pytest

from engine.people.password_rules import MAX_LENGTH, password_problems

PERSONAL = ("pengguna.bandung", "Pengguna SPSE Bandung", "pengguna.bandung@lkpp.test")


@pytest.mark.parametrize("password", ["kuda-lari-pagi-hijau", "Tiga ekor kucing makan",
                                      "x7#Qm9!vLp2$", "a" * 10 + "Zq8!mR"])
def test_a_long_uncommon_password_is_accepted(password: str) -> None:
    assert password_problems(password, PERSONAL) == []


@pytest.mark.parametrize(("password", "said"), [
    ("kucing", "Kata sandi minimal 10 karakter."),
    ("123456789", "Kata sandi minimal 10 karakter."),
    ("password123", "Kata sandi ini mudah ditebak: termasuk kata sandi yang banyak dipakai orang."),
    ("qwertyuiop", "Kata sandi ini mudah ditebak: termasuk kata sandi yang banyak dipakai orang."),
    ("Bandung.Pengguna", "Kata sandi ini mudah ditebak: memuat nama, nama pengguna atau alamat "
                         "email Anda."),
    ("pengguna.bandung2026", "Kata sandi ini mudah ditebak: memuat nama, nama pengguna atau "
                             "alamat email Anda."),
    ("x" * (MAX_LENGTH + 1), f"Kata sandi maksimal {MAX_LENGTH} karakter."),
])
def test_a_weak_password_is_refused_with_its_reason(password: str, said: str) -> None:
    assert password_problems(password, PERSONAL) == [said]


def test_the_users_own_names_count_only_for_that_user() -> None:
    assert password_problems("Bandung.Pengguna", ("auditor", "Auditor Inspektorat")) == []
