"""Attachments are accepted by content, checked against the extension: logs, text and CSV,
ZIP (no bombs), office documents; a file that only claims a kind is refused, naming it."""

from __future__ import annotations

import pytest

from engine import InvalidData, Upload
from engine.tickets.attachments import check_uploads
from tests.attachments import samples
from tests.pages import PNG


def kind(name: str, content: bytes) -> str:
    [checked] = check_uploads([Upload(name, content)])
    return checked.content_type


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(InvalidData) as refused:
        check_uploads([Upload(name, content)])
    [message] = refused.value.errors["lampiran"]
    assert message.startswith(f"{name}: "), message
    return str(message)


@pytest.mark.parametrize(("name", "content", "media_type"), [
    ("error.log", samples.LOG, "text/plain; charset=utf-8"),
    ("catatan.txt", "Catatan dengan é dan 中文\r\n".encode(), "text/plain; charset=utf-8"),
    ("lpse.csv", samples.LATIN1_CSV, "text/csv; charset=iso-8859-1"),
    ("arsip.zip", samples.ZIP, "application/zip"),
    ("surat.docx", samples.DOCX,
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("hitung.xlsx", samples.XLSX,
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("paparan.pptx", samples.PPTX,
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("surat.odt", samples.ODT, "application/vnd.oasis.opendocument.text"),
    ("hitung.ods", samples.ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    ("lama.doc", samples.DOC, "application/msword"),
    ("lama.xls", samples.XLS, "application/vnd.ms-excel"),
    ("layar.png", PNG, "image/png"),
    ("panduan.pdf", samples.MINIMAL_PDF, "application/pdf"),
    ("LAYAR.LOG", samples.LOG, "text/plain; charset=utf-8"),
])
def test_each_kind_is_accepted_by_its_content(name: str, content: bytes,
                                              media_type: str) -> None:
    assert kind(name, content) == media_type


@pytest.mark.parametrize(("name", "content", "words"), [
    ("error.log", PNG, "bukan berkas teks"),
    ("error.log", b"baris satu\x00\x00biner", "bukan berkas teks"),
    ("data.csv", bytes(range(1, 32)) * 10, "bukan berkas teks"),
    ("surat.docx", b"PK bukan zip sama sekali", "bukan arsip ZIP yang utuh"),
    ("surat.docx", samples.zip_of({"word/document.xml": b"<w/>"}), "bukan dokumen .docx"),
    ("hitung.xlsx", samples.DOCX, "bukan dokumen .xlsx"),
    ("surat.odt", samples.ODS, "bukan dokumen .odt"),
    ("lama.doc", samples.DOCX, "bukan dokumen .doc"),
    ("arsip.zip", samples.LOG, "bukan arsip ZIP yang utuh"),
    ("arsip.zip", samples.ZIP_BOMB, "isi ZIP terlalu besar bila dibuka"),
    ("arsip.zip", samples.ZIP_MANY, "ZIP memuat lebih dari 2000 berkas"),
    ("laporan.docx", samples.zip_of({"[Content_Types].xml": b"",
                                     "word/document.xml": b"\x00" * (16 * 1024 * 1024)}),
     "isi ZIP terlalu besar bila dibuka"),
    ("alat.exe", b"MZ\x90\x00" + b"\x00" * 60, "jenis berkas tidak diterima"),
    ("layar.png", b"<html><script>alert(1)</script></html>", "jenis berkas tidak diterima"),
])
def test_a_file_that_only_claims_a_kind_is_refused_naming_it(name: str, content: bytes,
                                                             words: str) -> None:
    assert words in refusal(name, content)
