"""Password hashes in werkzeug.security's format, made with hashlib (the engine knows no HTTP).

A hash is `method$salt$hex` with the method and its cost in the stored string, as
`werkzeug.security.generate_password_hash` writes it (`scrypt:32768:8:1$salt$hex`), so either
side can check the other's hashes (tests/unit/test_passwords.py holds that). The hashes of
before issue 11 (`scrypt$b64salt$b64digest`, N=2**14) are still read; `needs_rehash` says
when a stored hash should be replaced at the next successful sign-in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import string
from functools import cache

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1   # werkzeug's default cost
METHOD = f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}"
_SALT_CHARS = string.ascii_letters + string.digits
_SALT_LENGTH = 16
_LEGACY_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# A stored method asking for more than this is refused rather than run (memory, time).
_MAX_SCRYPT_N = 2**20
_MAX_PBKDF2_ITERATIONS = 10_000_000


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p,
                          maxmem=132 * n * r * p, dklen=64)


def hash_password(password: str) -> str:
    """A salted hash of `password` in werkzeug's format, with its method and cost."""
    salt = "".join(secrets.choice(_SALT_CHARS) for _ in range(_SALT_LENGTH))
    digest = _scrypt(password, salt.encode(), SCRYPT_N, SCRYPT_R, SCRYPT_P).hex()
    return f"{METHOD}${salt}${digest}"


def _werkzeug_digest(method: str, salt: str, password: str) -> str | None:
    name, *args = method.split(":")
    try:
        if name == "scrypt":
            n, r, p = map(int, args) if args else (SCRYPT_N, SCRYPT_R, SCRYPT_P)
            if not (1 < n <= _MAX_SCRYPT_N and 0 < r <= 64 and 0 < p <= 16):
                return None
            return _scrypt(password, salt.encode(), n, r, p).hex()
        if name == "pbkdf2":
            hash_name = args[0] if args else "sha256"
            iterations = int(args[1]) if len(args) > 1 else 1_000_000
            if not 0 < iterations <= _MAX_PBKDF2_ITERATIONS:
                return None
            return hashlib.pbkdf2_hmac(hash_name, password.encode(), salt.encode(),
                                       iterations).hex()
    except (ValueError, TypeError, OverflowError, MemoryError):
        return None
    return None


def _legacy_matches(salt: str, digest: str, password: str) -> bool:
    try:
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt, validate=True),
                                **_LEGACY_SCRYPT)
    except (ValueError, binascii.Error):
        return False
    return hmac.compare_digest(actual, expected)


def check_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored` (werkzeug's format or the pre-issue-11 one).

    No stored hash (an unknown or passwordless account) still costs one hash of today's
    method, so such an answer takes as long as a wrong password for a real account.
    """
    if not stored or stored.count("$") != 2:
        _spend_one_hash(password)
        return False
    method, salt, digest = stored.split("$")
    if method == "scrypt" and digest.endswith("="):  # before issue 11: base64 salt and digest
        return _legacy_matches(salt, digest, password)
    actual = _werkzeug_digest(method, salt, password)
    if actual is None:
        _spend_one_hash(password)
        return False
    return hmac.compare_digest(actual, digest)


def needs_rehash(stored: str | None) -> bool:
    """Whether a hash that just matched should be replaced by one of today's method."""
    return not (stored or "").startswith(METHOD + "$")


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _spend_one_hash(password: str) -> None:
    """Check `password` against a hash no password matches, at today's cost."""
    check_password(_dummy_hash(), password)
