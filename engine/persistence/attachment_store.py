"""Attachment files, stored by content (SHA-256) outside the database."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path


class AttachmentStore:
    """Files by SHA-256 under a folder: the same content is stored once, never overwritten."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        """Where the file with this hash lives (whether or not it exists)."""
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, sha256: str, content: bytes) -> None:
        """Write the file atomically unless it is already there."""
        target = self.path(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(content)
            temporary = Path(handle.name)
        os.replace(temporary, target)
