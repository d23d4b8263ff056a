"""Attachments: checked by content, stored content-addressed outside the database.

Screenshots, PDF and recordings are recognised by their first bytes. Logs, text and CSV,
ZIP archives and office documents are accepted by their extension only when the content is
what the extension says: text has no NUL and few control bytes, a ZIP opens and lists within
the limits (no bombs), a .docx/.xlsx/.pptx is such a ZIP with its `[Content_Types].xml`
and main part, an .odt/.ods/.odp names its `mimetype` first, a .doc/.xls/.ppt starts with the
OLE compound-file signature. The web edge shows only images and PDF in the page and serves
everything else as a download (web/pages/attachment_files.py).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidData
from engine.messages import Message
from engine.persistence.tables import AttachmentRow, CommentRow, TicketRow
from engine.tickets import visibility
from engine.types import Upload, User

MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 5
FIELD = "lampiran"
PDF = "application/pdf"
# A ZIP (or office document) whose entries would unpack to more than this, or hold more
# entries, is refused: a zip bomb fills the disk of whoever opens it.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_RATIO = 200  # unpacked size over packed size, for archives beyond a few MB unpacked
RATIO_CHECKED_FROM = 8 * 1024 * 1024
# Text: share of control bytes (other than tab, line ends, form feed, escape) a log may hold.
MAX_CONTROL_SHARE = 0.01
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Screenshots, PDF and screen recordings, recognised by their first bytes, never by name.
_SIGNATURES: tuple[tuple[str, int, bytes], ...] = (
    ("image/png", 0, b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", 0, b"\xff\xd8\xff"),
    ("image/gif", 0, b"GIF87a"),
    ("image/gif", 0, b"GIF89a"),
    (PDF, 0, b"%PDF-"),
    ("video/webm", 0, b"\x1a\x45\xdf\xa3"),
    ("video/mp4", 4, b"ftyp"),
)
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")

TEXT_TYPES = {"txt": "text/plain", "log": "text/plain", "csv": "text/csv"}
# OOXML: the part every document of the kind has, besides [Content_Types].xml.
OOXML = {
    "docx": ("word/document.xml",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xl/workbook.xml",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("ppt/presentation.xml",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
ODF = {"odt": "application/vnd.oasis.opendocument.text",
       "ods": "application/vnd.oasis.opendocument.spreadsheet",
       "odp": "application/vnd.oasis.opendocument.presentation"}
OLE = {"doc": "application/msword", "xls": "application/vnd.ms-excel",
       "ppt": "application/vnd.ms-powerpoint"}
ZIP = "application/zip"


def sniff(content: bytes) -> str | None:
    """The media type the content really has, if it is an image, PDF or recording."""
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


def extension(name: str) -> str:
    """The lower-case extension of a file name, without the dot ("" when none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def text_type(content: bytes, base: str) -> str | None:
    """`base` with the charset the content is written in (UTF-8, else Latin-1), or None
    when it is not text: a NUL, or more control bytes than a log has."""
    if b"\x00" in content:
        return None
    body = content.removeprefix(b"\xef\xbb\xbf")
    if len(_CONTROL.findall(body)) > max(1, int(len(body) * MAX_CONTROL_SHARE)):
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return f"{base}; charset=iso-8859-1"
    return f"{base}; charset=utf-8"


@dataclass(frozen=True)
class _Refusal:
    code: str
    params: dict[str, object]


def _open_zip(content: bytes) -> zipfile.ZipFile | _Refusal:
    """The archive, listed and within the limits; or why not."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return _Refusal("file_not_zip", {})
    if len(entries) > MAX_ZIP_ENTRIES:
        return _Refusal("file_zip_too_many", {"limit": MAX_ZIP_ENTRIES})
    unpacked = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > RATIO_CHECKED_FROM
                                         and unpacked / packed > MAX_ZIP_RATIO):
        return _Refusal("file_zip_bomb", {"megabytes": MAX_UNPACKED_BYTES // (1024 * 1024)})
    return archive


def _zip_kind(content: bytes, ext: str) -> str | _Refusal:
    """The media type of a ZIP-based file of extension `ext`, or why it is refused."""
    archive = _open_zip(content)
    if isinstance(archive, _Refusal):
        return archive
    with archive:
        names = set(archive.namelist())
        if ext in OOXML:
            part, media_type = OOXML[ext]
            if "[Content_Types].xml" in names and part in names:
                return media_type
            return _Refusal("file_not_office", {"kind": ext})
        if ext in ODF:
            first = archive.infolist()[0] if archive.infolist() else None
            try:
                declared = archive.read(first).strip() if (
                    first is not None and first.filename == "mimetype"
                    and first.file_size < 200) else b""
            except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
                declared = b""
            if declared == ODF[ext].encode():
                return ODF[ext]
            return _Refusal("file_not_office", {"kind": ext})
    return ZIP


def kind_of(name: str, content: bytes) -> str | _Refusal:
    """The media type `content` really has, checked against the extension of `name`."""
    ext = extension(name)
    if ext in TEXT_TYPES:
        found = text_type(content, TEXT_TYPES[ext])
        return found if found is not None else _Refusal("file_not_text", {})
    if ext == "zip" or ext in OOXML or ext in ODF:
        return _zip_kind(content, ext)
    if ext in OLE:
        return OLE[ext] if content.startswith(OLE_MAGIC) else _Refusal(
            "file_not_office", {"kind": ext})
    media_type = sniff(content)
    return media_type if media_type is not None else _Refusal("file_type_refused", {})


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks, with its hash and real type."""

    filename: str
    content: bytes
    sha256: str
    content_type: str


def check_uploads(uploads: Sequence[Upload]) -> list[CheckedUpload]:
    """Accept screenshots, PDFs, recordings, text and logs, ZIP and office documents whose
    content is what they claim, within the limits; InvalidData naming each file otherwise."""
    problems = []
    if len(uploads) > MAX_FILES:
        problems.append(Message("too_many_files", limit=MAX_FILES))
    checked = []
    for upload in uploads:
        name = safe_filename(upload.filename)
        if len(upload.content) > MAX_BYTES:
            problems.append(Message("file_too_large", name=name,
                                    megabytes=MAX_BYTES // (1024 * 1024)))
            continue
        if not upload.content:
            problems.append(Message("file_empty", name=name))
            continue
        found = kind_of(name, upload.content)
        if isinstance(found, _Refusal):
            problems.append(Message(found.code, name=name, **found.params))
        else:
            checked.append(CheckedUpload(name, upload.content,
                                         hashlib.sha256(upload.content).hexdigest(), found))
    if problems:
        raise InvalidData({FIELD: problems})
    return checked


# At most this many earlier files carried into one step.
MAX_FORWARDED = 20


@dataclass(frozen=True)
class ForwardedFile:
    """A file already stored on the ticket, carried into a later step (not copied)."""

    sha256: str
    filename: str
    content_type: str
    size: int
    from_seq: int  # the event that first brought it


def forwarded_files(session: Session, actor: User, ticket: TicketRow,
                    sha256s: Sequence[str]) -> list[ForwardedFile]:
    """The ticket's files with these hashes that the actor may see (each once, in the order
    asked); InvalidData when one is not such a file, so nothing from elsewhere is carried."""
    wanted = list(dict.fromkeys(s for s in sha256s if s))
    if not wanted:
        return []
    if len(wanted) > MAX_FORWARDED:
        raise InvalidData({FIELD: [Message("too_many_files", limit=MAX_FORWARDED)]})
    if not all(_SHA256.fullmatch(sha256) for sha256 in wanted):  # not even a file's name
        raise InvalidData({FIELD: [Message("file_not_forwardable")]})
    hidden: set[int] = set()
    if not visibility.may_see_internal(actor, ticket):  # internal notes' files stay inside
        hidden = set(session.scalars(select(CommentRow.event_seq).where(
            CommentRow.ticket_id == ticket.id, CommentRow.internal.is_(True))))
    first: dict[str, AttachmentRow] = {}
    for row in session.scalars(select(AttachmentRow).where(
            AttachmentRow.ticket_id == ticket.id, AttachmentRow.sha256.in_(wanted))
            .order_by(AttachmentRow.event_seq, AttachmentRow.id)):
        if row.event_seq not in hidden:
            first.setdefault(row.sha256, row)
    if any(sha256 not in first for sha256 in wanted):
        raise InvalidData({FIELD: [Message("file_not_forwardable")]})
    return [ForwardedFile(sha256=row.sha256, filename=row.filename,
                          content_type=row.content_type, size=row.size, from_seq=row.event_seq)
            for row in (first[sha256] for sha256 in wanted)]
