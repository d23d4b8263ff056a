"""The words search reads: lower case, Indonesian stop words left out, when an article is
indexed and when a query is read; and the full-text queries made of them (nothing typed is
ever query syntax: only runs of word characters reach the database)."""

from __future__ import annotations

import re

# A short list of Indonesian function words that match almost every text.
STOP_WORDS = frozenset((
    "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "pada", "ini", "itu", "tidak", "ada",
    "atau", "juga", "akan", "dalam", "oleh", "sudah", "saya", "kami", "kita", "anda", "adalah",
    "karena", "bisa", "dapat", "agar", "supaya", "jika", "bila", "maka", "saat", "ketika",
    "telah", "sebagai", "serta", "bahwa", "lalu", "namun", "tetapi", "hanya", "lebih", "masih",
    "belum", "sangat", "setelah", "sebelum", "tersebut", "para", "pun", "nya", "apa",
    "bagaimana", "mengapa", "kenapa", "mohon", "tolong", "sedang", "harus",
))
MAX_WORDS = 12
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The searchable words of a text, in order, each once, stop words left out."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in STOP_WORDS and word not in seen:
            seen[word] = None
    return list(seen)


def index_text(*parts: str) -> str:
    """What the full-text index of an article holds: its words without the stop words."""
    return " ".join(w for part in parts for w in _WORD.findall(part.lower())
                    if w not in STOP_WORDS)


def fts5_expression(found: list[str], *, any_word: bool) -> str:
    """An FTS5 expression of the words (each a quoted string), all of them or any."""
    joiner = " OR " if any_word else " AND "
    return joiner.join(f'"{w}"' for w in found[:MAX_WORDS])


def tsquery(found: list[str], *, any_word: bool) -> str:
    """A PostgreSQL `to_tsquery('simple', ...)` text of the words, all of them or any."""
    joiner = " | " if any_word else " & "
    return joiner.join(f"'{w}'" for w in found[:MAX_WORDS])
