"""Small real files of every kind the attachment checks know, built in memory."""

from __future__ import annotations

import io
import zipfile

from engine.tickets.attachments import OLE_MAGIC

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")
LOG = (b"2026-12-04 09:15:02 ERROR [spse] Gagal mengunggah dokumen penawaran: timeout\n"
       b"2026-12-04 09:15:03 \x1b[31mWARN\x1b[0m retry 1/3\n")
LATIN1_CSV = "kode;nama\nkota-bandung;LPSE Kota Bandung – Jalan Wastukancana\n".encode(
    "cp1252")


def zip_of(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP archive holding `entries` in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
DOCX = zip_of({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"})
XLSX = zip_of({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>"})
PPTX = zip_of({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": b"<p/>"})
ODT = zip_of({"mimetype": b"application/vnd.oasis.opendocument.text",
              "content.xml": b"<office:document-content/>"}, compression=zipfile.ZIP_STORED)
ODS = zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
              "content.xml": b"<office:document-content/>"}, compression=zipfile.ZIP_STORED)
DOC = OLE_MAGIC + b"\x00" * 504
XLS = OLE_MAGIC + b"\x00" * 504
ZIP = zip_of({"error.log": LOG, "config/app.properties": b"timeout=30\n"})
# 16 MB of zeros packs into a few kilobytes: a small zip bomb.
ZIP_BOMB = zip_of({"nol.bin": b"\x00" * (16 * 1024 * 1024)})
ZIP_MANY = zip_of({f"f{n}.txt": b"" for n in range(2001)}, compression=zipfile.ZIP_STORED)
