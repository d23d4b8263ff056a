"""The SOP document: the SOP table in the government format, from a deployed diagram."""

from __future__ import annotations

import re

from flask import request
from flask.typing import ResponseReturnValue

import engine
from web.context import actor, database
from web.extensions import _
from web.pages.common import page

TIME_LIMIT = re.compile(r"^\s*([0-9]+)\s*([hd])\s*$")
VERSION_ID = re.compile(r"^[0-9a-f]{64}$")


def time_limit_label(value: str) -> str:
    """`8h` as "8 jam kerja", `2d` as "2 hari kerja"; anything else as written."""
    found = TIME_LIMIT.match(value or "")
    if not found:
        return value
    number = int(found.group(1))
    if found.group(2) == "h":
        return _("%(number)s jam kerja", number=number)
    return _("%(number)s hari kerja", number=number)


def sop() -> ResponseReturnValue:
    """The SOP table of the deployed version, or of `?versi=<id>`; printable."""
    version_id = request.args.get("versi") or None
    if version_id is not None and not VERSION_ID.match(version_id):
        version_id = "0" * 64  # not a version: the same 404 as an unknown one
    document = engine.sop_document(database().uow(), actor(), version_id)
    return page("process/sop.html", document=document, time_limit_label=time_limit_label)
