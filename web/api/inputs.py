"""Reading requests: JSON bodies, paging parameters, uploaded diagrams."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any, NoReturn

from flask import current_app, request

from web.api.problems import ApiProblem, invalid
from web.converters import not_text, not_text_message, odd_text_field
from web.extensions import _

DEFAULT_MAX_BODY = 8 * 1024 * 1024  # a diagram with all its forms fits many times over
XML_TYPES = {"", "application/xml", "text/xml", "application/bpmn+xml",
             "application/octet-stream"}
WHOLE_NUMBER = re.compile(r"^[0-9]{1,9}$")
MAX_NOTE = 1000




def limit_body() -> None:
    """API bodies are small; refuse big ones (413) before reading them."""
    request.max_content_length = current_app.config.get("API_MAX_CONTENT_LENGTH",
                                                        DEFAULT_MAX_BODY)


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def json_object() -> dict[str, Any]:
    """The request body as a JSON object: 415 if it is not JSON, 400 if it is malformed."""
    if not request.is_json:
        raise ApiProblem(415, _("Kirim isi permintaan sebagai JSON, dengan Content-Type: "
                                "application/json."))
    try:
        body = json.loads(request.get_data(), parse_constant=_no_constant)
    except RecursionError:
        raise ApiProblem(400, _("Isi JSON bersarang terlalu dalam.")) from None
    except ValueError as error:
        raise ApiProblem(400, _("Isi permintaan bukan JSON yang sah: %(error)s.",
                                error=error)) from None
    if not isinstance(body, dict):
        raise ApiProblem(400, _("Isi permintaan harus berupa objek JSON ({...})."))
    field = odd_text_field(body)
    if field is not None:
        raise invalid({field: [not_text_message()]})
    return body


def texts(body: dict[str, Any], *names: str) -> tuple[str, ...]:
    """Required string fields of a JSON body (422 naming every one that is missing)."""
    missing = [name for name in names if not isinstance(body.get(name), str) or not body[name]]
    if missing:
        raise invalid({name: [_("Wajib, sebagai teks yang tidak kosong.")] for name in missing})
    return tuple(str(body[name]) for name in names)


def query_int(name: str, default: int, low: int, high: int) -> int:
    """An optional whole-number query parameter within bounds (422 otherwise)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not WHOLE_NUMBER.match(raw) or not low <= int(raw) <= high:
        raise invalid({name: [_("Harus bilangan bulat dari %(low)s sampai %(high)s.", low=low,
                                 high=high)]})
    return int(raw)


def diagram() -> tuple[bytes, dict[str, bytes], str]:
    """The BPMN XML, its form files by name, and the note: a raw XML body or multipart."""
    if request.mimetype == "multipart/form-data":
        return _multipart_diagram()
    if request.mimetype not in XML_TYPES:
        raise ApiProblem(415, _("Kirim XML BPMN sebagai isi permintaan (Content-Type: "
                                "application/xml) atau sebagai multipart/form-data dengan "
                                "berkas di `bpmn`."))
    return request.get_data(), {}, _note(request.args.get("note", ""))


def _note(note: str) -> str:
    if not_text(note):
        raise invalid({"note": [not_text_message()]})
    if len(note) > MAX_NOTE:
        raise invalid({"note": [_("Paling banyak %(limit)s karakter teks.", limit=MAX_NOTE)]})
    return note


def _multipart_diagram() -> tuple[bytes, dict[str, bytes], str]:
    bpmn = request.files.get("bpmn")
    if bpmn is None:
        raise invalid({"bpmn": [_("Lampirkan berkas BPMN pada isian `bpmn`.")]})
    forms: dict[str, bytes] = {}
    for upload in request.files.getlist("forms"):
        name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
        if not_text(name):
            raise invalid({"forms": [not_text_message()]})
        if not name:
            raise invalid({"forms": [_("Setiap berkas formulir perlu nama berkas, mis. "
                                         "step01.json.")]})
        if name in forms:
            raise invalid({"forms": [_("Dua berkas formulir bernama %(name)s.", name=name)]})
        forms[name] = upload.read()
    note = request.form.get("note") or request.args.get("note", "")
    return bpmn.read(), forms, _note(note)
