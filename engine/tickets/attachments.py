"""Attachments: checked by content, stored content-addressed outside the database."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from engine.errors import InvalidData
from engine.messages import Message
from engine.types import Upload

MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 5
FIELD = "lampiran"

# Screenshots, PDF and screen recordings, recognised by their first bytes, never by name.
_SIGNATURES: tuple[tuple[str, int, bytes], ...] = (
    ("image/png", 0, b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", 0, b"\xff\xd8\xff"),
    ("image/gif", 0, b"GIF87a"),
    ("image/gif", 0, b"GIF89a"),
    ("application/pdf", 0, b"%PDF-"),
    ("video/webm", 0, b"\x1a\x45\xdf\xa3"),
    ("video/mp4", 4, b"ftyp"),
)
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def sniff(content: bytes) -> str | None:
    """The media type the content really has, if it is one we accept."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    for media_type, offset, magic in _SIGNATURES:
        if content[offset:offset + len(magic)] == magic:
            return media_type
    return None


def safe_filename(name: str) -> str:
    """A display name without paths or control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .") or "lampiran"
    return cleaned[-200:]


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks, with its hash and real type."""

    filename: str
    content: bytes
    sha256: str
    content_type: str


def check_uploads(uploads: Sequence[Upload]) -> list[CheckedUpload]:
    """Accept screenshots, PDFs and recordings within the limits; InvalidData otherwise."""
    problems = []
    if len(uploads) > MAX_FILES:
        problems.append(Message("too_many_files", limit=MAX_FILES))
    checked = []
    for upload in uploads:
        name = safe_filename(upload.filename)
        media_type = sniff(upload.content)
        if len(upload.content) > MAX_BYTES:
            problems.append(Message("file_too_large", name=name,
                                    megabytes=MAX_BYTES // (1024 * 1024)))
        elif not upload.content:
            problems.append(Message("file_empty", name=name))
        elif media_type is None:
            problems.append(Message("file_type_refused", name=name))
        else:
            checked.append(CheckedUpload(name, upload.content,
                                         hashlib.sha256(upload.content).hexdigest(), media_type))
    if problems:
        raise InvalidData({FIELD: problems})
    return checked
