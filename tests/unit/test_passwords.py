"""Password hashes: werkzeug.security's format both ways, the old hashes still read."""

from __future__ import annotations

import base64
import hashlib

from werkzeug.security import check_password_hash, generate_password_hash

from engine.people.passwords import METHOD, check_password, hash_password, needs_rehash


def old_style_hash(password: str) -> str:
    """A hash as engine/people/accounts.py made them before issue 11."""
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def test_a_hash_carries_its_method_and_cost_and_werkzeug_checks_it() -> None:
    stored = hash_password("kata-sandi-1")
    assert stored.startswith("scrypt:32768:8:1$") and METHOD == "scrypt:32768:8:1"
    assert check_password_hash(stored, "kata-sandi-1")
    assert not check_password_hash(stored, "kata-sandi-2")
    assert hash_password("kata-sandi-1") != stored  # salted


def test_the_engine_checks_the_hashes_werkzeug_makes() -> None:
    for method in ("scrypt", "scrypt:16384:8:1", "pbkdf2:sha256:1000"):
        stored = generate_password_hash("kata-sandi-1", method=method)
        assert check_password(stored, "kata-sandi-1"), method
        assert not check_password(stored, "kata-sandi-2"), method


def test_an_old_style_hash_is_still_read_and_asks_to_be_replaced() -> None:
    stored = old_style_hash("eskalasi-demo")
    assert check_password(stored, "eskalasi-demo")
    assert not check_password(stored, "wrong")
    assert needs_rehash(stored)
    assert needs_rehash(generate_password_hash("x", method="pbkdf2:sha256:1000"))
    assert not needs_rehash(hash_password("x"))


def test_no_hash_or_a_broken_one_matches_nothing() -> None:
    for stored in (None, "", "plain", "scrypt$!!$!!=", "scrypt:99999999999:8:1$salt$00",
                   "md5$salt$00", "pbkdf2:sha256:x$salt$00"):
        assert not check_password(stored, "anything"), stored
