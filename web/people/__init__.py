"""The LPSE directory and accounts (issue 12): two areas, each one role's.

`/admin/...` is the administrator's: the LPSE directory (list, search, add, edit, import a
CSV with a preview) and every account (search, filter, add, deactivate, invite again).
`/pengguna-spse/...` is each Admin LPSE's: the Pengguna SPSE of their own LPSE. Every other
role gets 404, as if the pages did not exist. The engine decides who may change what; the
views only translate.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from engine import Role
from web.areas import restrict_to
from web.pages.common import Route, add_routes
from web.people import views

admin_bp = Blueprint("people", __name__, url_prefix="/admin")
lpse_bp = Blueprint("lpse_people", __name__, url_prefix="/pengguna-spse")

_ADMIN_ROUTES: tuple[Route, ...] = (
    ("/lpse", "directory", views.directory, ("GET", "POST")),
    ("/lpse/impor", "directory_import", views.directory_import, ("GET", "POST")),
    ("/lpse/impor/konfirmasi", "directory_import_confirm", views.directory_import_confirm,
     ("POST",)),
    ("/lpse/<code>", "lpse_edit", views.lpse_edit, ("GET", "POST")),
    ("/akun", "accounts", views.accounts, ("GET", "POST")),
    ("/akun/<username>/nonaktifkan", "deactivate", views.deactivate, ("POST",)),
    ("/akun/<username>/undang", "invite", views.invite, ("POST",)),
)
_LPSE_ROUTES: tuple[Route, ...] = (
    ("", "accounts", views.accounts, ("GET", "POST")),
    ("/<username>/nonaktifkan", "deactivate", views.deactivate, ("POST",)),
    ("/<username>/undang", "invite", views.invite, ("POST",)),
)
add_routes(admin_bp, _ADMIN_ROUTES)
add_routes(lpse_bp, _LPSE_ROUTES)
restrict_to(admin_bp, Role.ADMINISTRATOR)
restrict_to(lpse_bp, Role.ADMIN)


def register(app: Flask) -> None:
    """Add both areas to the app."""
    app.register_blueprint(admin_bp)
    app.register_blueprint(lpse_bp)
