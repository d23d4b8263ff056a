"""The web app: built by `create_app()`, nothing at import time."""

from __future__ import annotations

from typing import Any

from flask import Flask

PLACEHOLDER = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Eskalasi LPSE Support</title></head>
<body><h1>Eskalasi LPSE Support</h1>
<p>Layanan eskalasi permasalahan SPSE ke Helpdesk LKPP. Aplikasi web sedang disiapkan;
gunakan perintah <code>eskalasi</code> untuk saat ini.</p></body></html>"""


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app (a placeholder page until the web issue lands)."""
    app = Flask(__name__)
    app.config.update(config or {})

    @app.get("/")
    def index() -> str:
        return PLACEHOLDER

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
