"""The SOP document: the SOP table in the government format, from a deployed diagram."""

from __future__ import annotations

import re

from flask import request
from flask.typing import ResponseReturnValue

import engine
from web.context import actor, database
from web.pages.common import page

VERSION_ID = re.compile(r"^[0-9a-f]{64}$")


def sop() -> ResponseReturnValue:
    """The SOP table of the deployed version, or of `?versi=<id>`; printable."""
    version_id = request.args.get("versi") or None
    if version_id is not None and not VERSION_ID.match(version_id):
        version_id = "0" * 64  # not a version: the same 404 as an unknown one
    document = engine.sop_document(database().uow(), actor(), version_id)
    return page("process/sop.html", document=document)
