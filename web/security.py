"""Response headers every page and API answer carries."""

from __future__ import annotations

from flask import Response

# Scripts and styles only from the app itself; nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])


def add_security_headers(response: Response) -> Response:
    """CSP, no sniffing, no framing, no referrer leaks."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":  # pages show tickets: never from a shared cache
        response.headers.setdefault("Cache-Control", "no-store")
    return response
