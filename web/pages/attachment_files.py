"""Serving attachment files: images and PDF shown in the page, everything else downloaded.

An attachment is whatever someone uploaded, so it never runs as a page of this site: every
answer carries `X-Content-Type-Options: nosniff` and a CSP `sandbox` (a document opened from
it has no origin, no scripts, no forms). Images are shown inline (thumbnails on the ticket
page); PDF inline too, in a frame of the ticket page only (`frame-ancestors 'self'`); logs,
text, CSV, ZIP, office documents and recordings always as downloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from flask import Flask, Response, send_file
from flask.blueprints import BlueprintSetupState

import engine

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
PDF = "application/pdf"
INLINE_TYPES = IMAGE_TYPES | {PDF}
# Nothing from the file may load or run; the PDF viewer still draws it.
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
PDF_POLICY = f"{SANDBOX}; object-src 'self'; frame-ancestors 'self'"
DOWNLOAD_POLICY = f"{SANDBOX}; frame-ancestors 'none'"


def media_type(content_type: str) -> str:
    """The type without parameters: `text/plain; charset=utf-8` -> `text/plain`."""
    return content_type.split(";", 1)[0].strip().lower()


def shown_inline(content_type: str) -> bool:
    """Whether the browser may show the file in the page (images and PDF) or must save it."""
    return media_type(content_type) in INLINE_TYPES


def send(found: engine.Attachment, path: Path) -> Response:
    """The file's answer: inline or a download as its type says, never sniffed or run."""
    inline = shown_inline(found.content_type)
    response = send_file(path, mimetype=media_type(found.content_type),
                         download_name=found.filename, as_attachment=not inline,
                         conditional=True, etag=found.sha256, max_age=0)
    response.headers["Content-Type"] = found.content_type  # with the charset text was read in
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    if media_type(found.content_type) == PDF:
        response.headers["Content-Security-Policy"] = PDF_POLICY
        response.headers["X-Frame-Options"] = "SAMEORIGIN"  # shown in the ticket page's frame
    else:
        response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


@dataclass(frozen=True)
class SharedFile:
    """One file of a ticket, listed once however many steps carry it."""

    file: engine.Attachment               # as it first came (its name, who, when)
    entries: tuple[engine.ThreadEntry, ...]  # the steps that carry it, oldest first
    kind: str                             # "image", "pdf" or "download"

    @property
    def anchor(self) -> str:
        """The id of its place in the list, for the thread's links to it."""
        return anchor(self.file.sha256)


def _kind(content_type: str) -> str:
    found = media_type(content_type)
    return "image" if found in IMAGE_TYPES else "pdf" if found == PDF else "download"


def distinct_files(history: engine.TicketHistory) -> list[SharedFile]:
    """The ticket's files the reader may see, each once (the same content uploaded again or
    carried into a later step is the same file), in the order they first came."""
    first: dict[str, engine.Attachment] = {}
    for attachment in history.attachments:
        first.setdefault(attachment.sha256, attachment)
    carriers: dict[str, list[engine.ThreadEntry]] = {sha256: [] for sha256 in first}
    for entry in history.thread:
        for sha256 in dict.fromkeys(a.sha256 for a in entry.attachments):
            if sha256 in carriers:
                carriers[sha256].append(entry)
    return [SharedFile(file, tuple(carriers[sha256]), _kind(file.content_type))
            for sha256, file in first.items()]


def anchor(sha256: str) -> str:
    """The id of a file's place in the ticket's list of files (SharedFile.anchor)."""
    return f"berkas-{sha256[:16]}"


def set_up(state: BlueprintSetupState) -> None:
    """Give the templates the list helpers (partials/attachments.html)."""
    app = cast(Flask, state.app)
    app.add_template_filter(distinct_files, "distinct_files")
    app.add_template_filter(anchor, "file_anchor")
    app.add_template_filter(shown_inline, "shown_inline")
