"""Error pages: HTML, translated, never a stack trace, never whether a ticket exists."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import HTTPException

import engine
from web.extensions import _
from web.pages import comments, intake, tasks, tickets
from web.pages.common import page
from web.pages.formatting import translated

API_PREFIX = "/api/"
STATUSES = (400, 403, 404, 405, 409, 413, 422, 429, 500, 503)

# Pages that can show "too large" as a field error next to their file input.
_FORM_PAGES: dict[str, Callable[..., ResponseReturnValue]] = {
    "pages.new_ticket": tickets.new_ticket_too_large,
    "pages.task": tasks.task_too_large,
    "pages.add_comment": comments.comment_too_large,
    "pages.new_request": intake.new_request_too_large,
}


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Permintaan tidak sah"), _("Permintaan tidak dapat diproses.")),
        403: (_("Akses ditolak"), _("Anda tidak berhak membuka halaman ini.")),
        404: (_("Halaman tidak ditemukan"),
              _("Halaman yang Anda cari tidak ada atau tidak dapat Anda buka.")),
        405: (_("Metode tidak diizinkan"), _("Halaman ini tidak menerima permintaan seperti itu.")),
        409: (_("Terjadi bentrokan"),
              _("Data sudah diubah oleh orang lain. Muat ulang halaman dan coba lagi.")),
        413: (_("Berkas terlalu besar"), _("Berkas terlalu besar untuk dikirim sekaligus.")),
        422: (_("Data tidak dapat diproses"), _("Periksa kembali isian Anda.")),
        429: (_("Terlalu banyak permintaan"), _("Tunggu sebentar, lalu coba lagi.")),
        500: (_("Terjadi kesalahan"),
              _("Terjadi kesalahan pada server. Silakan coba lagi nanti.")),
        503: (_("Layanan tidak tersedia"),
              _("Layanan sedang tidak tersedia. Silakan coba lagi beberapa saat lagi.")),
    }


def error_page(status: int, message: str = "") -> tuple[str, int]:
    """The error page for a status, with a message of its own if given."""
    title, default = _titles().get(status, _titles()[500])
    return page("error.html", status, code=status, title=title, message=message or default)


def http_error(error: HTTPException) -> ResponseReturnValue:
    """Any HTTP error of the pages (the JSON API answers its own errors)."""
    if request.path.startswith(API_PREFIX):
        return error.get_response()
    status = error.code or 500
    if status == 413 and request.endpoint in _FORM_PAGES and current_user.is_authenticated:
        try:
            return _FORM_PAGES[request.endpoint](**(request.view_args or {}))
        except (HTTPException, engine.EskalasiError):
            pass
    body, shown = error_page(status if status in STATUSES else 500 if status >= 500 else 400)
    allow = error.get_response().headers.get("Allow")  # 405 says what is allowed
    return (body, shown, {"Allow": allow}) if allow else (body, shown)


def csrf_error(error: HTTPException) -> ResponseReturnValue:
    """A form without a valid CSRF token (expired, or sent from elsewhere)."""
    if request.path.startswith(API_PREFIX):
        return error.get_response()
    return error_page(400, _("Formulir kedaluwarsa atau tidak sah, muat ulang halaman."))


def not_found(_error: engine.EskalasiError) -> ResponseReturnValue:
    """The same answer whether the ticket or task does not exist or may not be seen."""
    return error_page(404)


def storage_unavailable(_error: engine.EskalasiError) -> ResponseReturnValue:
    """The database is down or refused: try again later."""
    return error_page(503)


def sandbox_error(_error: engine.EskalasiError) -> ResponseReturnValue:
    """A rule of the diagram failed: the process cannot go on until its owner fixes it."""
    return error_page(422, _("Proses tidak dapat dilanjutkan karena aturan pada diagram proses "
                             "gagal dijalankan. Hubungi pemilik proses."))


def invalid_data(error: engine.EskalasiError) -> ResponseReturnValue:
    """Data the engine refused where no form can show it in place: its messages, translated."""
    errors = error.errors if isinstance(error, engine.InvalidData) else {}
    return error_page(422, " ".join(translated(m) for ms in errors.values() for m in ms))


def conflict(error: engine.EskalasiError) -> ResponseReturnValue:
    """Someone else changed the ticket first, or the task is done: the engine's words."""
    return error_page(409, translated(error.message) if error.message else "")


ENGINE_ERRORS: dict[type[engine.EskalasiError], Callable[..., ResponseReturnValue]] = {
    engine.NotFound: not_found,
    engine.Forbidden: not_found,
    engine.StorageUnavailable: storage_unavailable,
    engine.NoProcessDeployed: storage_unavailable,
    engine.SandboxError: sandbox_error,
    engine.Conflict: conflict,
    engine.InvalidData: invalid_data,
}


def show_engine_errors(bp: Blueprint) -> None:
    """Answer the engine's errors (not found, conflict, invalid...) on bp's pages."""
    for error, handler in ENGINE_ERRORS.items():
        bp.register_error_handler(error, handler)
