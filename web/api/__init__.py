"""The JSON API of CONTRACT.md under /api/v1."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)
