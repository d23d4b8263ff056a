"""Views of the directory and accounts pages: parse the form, call the engine, show it."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from flask import abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

import engine
from web.context import actor, database
from web.extensions import _
from web.pages.common import page, paged
from web.pages.formatting import role_label

T = TypeVar("T")
ZONES = ("WIB", "WITA", "WIT")
ZONE_OF = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
LPSE_FIELDS = ("kode", "nama", "zona_waktu", "email")
ACCOUNT_FIELDS = ("username", "name", "email", "role", "lpse")
UPLOAD_ID = re.compile(r"^[0-9a-f]{64}$")
IMPORTS_FOLDER = "impor-csv"


def _text(source: Any, name: str, limit: int = 300) -> str:
    """A form or query value, cut to a sane length, without NUL characters."""
    return str(source.get(name, ""))[:limit].replace("\x00", "").strip()


def _counted(fetch: Callable[[int, int], tuple[list[T], int]]) -> tuple[
        Callable[[int, int], Sequence[T]], list[int]]:
    """`paged` asks for rows only; keep the total the engine counted beside them."""
    total = [0]

    def rows(limit: int, offset: int) -> Sequence[T]:
        found, total[0] = fetch(limit, offset)
        return found

    return rows, total


# --- the LPSE directory (administrators) ---------------------------------------------------


def directory() -> ResponseReturnValue:
    """The directory: search, one page of LPSEs by name, and the form to add one."""
    user = actor()
    values: dict[str, str] = {"zona_waktu": "WIB"}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = {name: _text(request.form, name) for name in LPSE_FIELDS}
        try:
            added = engine.add_lpse(database().uow(), user, values["kode"], values["nama"],
                                    values["zona_waktu"], values["email"])
        except engine.InvalidData as err:
            errors, status = err.errors, 422
        except engine.Conflict as err:
            errors, status = {"kode": [err.message]}, 409
        else:
            flash(_("%(name)s ditambahkan ke direktori.", name=added.name), "success")
            return redirect(url_for(".directory"))
    search = _text(request.args, "q", 200)
    fetch, total = _counted(lambda limit, offset: engine.list_directory(
        database().uow(), user, search, limit, offset))
    rows, pager = paged(fetch, {"q": search} if search else {})
    return page("people/directory.html", status, rows=rows, total=total[0], q=search,
                values=values, errors=errors, zones=ZONES, zone_of=ZONE_OF, **pager)


def lpse_edit(code: str) -> ResponseReturnValue:
    """Change an LPSE's name, time zone and helpdesk email (its kode stays)."""
    user = actor()
    lpse = engine.get_lpse(database().uow(), user, code)
    values = {"kode": lpse.code, "nama": lpse.name,
              "zona_waktu": ZONE_OF.get(lpse.timezone, lpse.timezone), "email": lpse.email or ""}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values.update({name: _text(request.form, name) for name in ("nama", "zona_waktu",
                                                                     "email")})
        try:
            saved = engine.edit_lpse(database().uow(), user, lpse.code, values["nama"],
                                     values["zona_waktu"], values["email"])
        except engine.InvalidData as err:
            errors = err.errors
        else:
            flash(_("%(name)s disimpan.", name=saved.name), "success")
            return redirect(url_for(".directory", q=saved.code))
    return page("people/lpse_edit.html", 422 if errors else 200, lpse=lpse, values=values,
                errors=errors, zones=ZONES)


def _imports() -> Path:
    settings: engine.Settings = current_app.config["SETTINGS"]
    return settings.resolved_attachments_dir().parent / IMPORTS_FOLDER


def directory_import() -> ResponseReturnValue:
    """Upload a CSV: every bad row by line, or a preview of what would change (nothing is
    changed until it is confirmed)."""
    if request.method == "GET":
        return page("people/directory_import.html")
    upload = request.files.get("berkas")
    name = Path(upload.filename or "lpse.csv").name.replace("\x00", "") if upload else ""
    data = b""
    if upload:
        try:
            data = upload.read(engine.CSV_PAGE_LIMIT + 1)
        finally:  # a big upload waits in a temporary file: close it now
            upload.close()
    if not data:
        return page("people/directory_import.html", 422,
                    refusal=_("Pilih berkas CSV yang berisi baris judul kode,nama,zona_waktu."))
    if len(data) > engine.CSV_PAGE_LIMIT:
        return page("people/directory_import.html", 413, refusal=engine.Message(
            "csv_too_large", megabytes=engine.CSV_PAGE_LIMIT // (1024 * 1024)))
    result = engine.import_directory(database().uow(), actor(), io.BytesIO(data), apply=False)
    if not result.ok:
        return page("people/directory_import.html", 422, filename=name, result=result)
    upload_id = hashlib.sha256(data).hexdigest()
    folder = _imports()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{upload_id}.csv").write_bytes(data)
    return page("people/directory_import.html", filename=name, result=result,
                upload_id=upload_id)


def directory_import_confirm() -> ResponseReturnValue:
    """Import the previewed file: all rows or none (it is read and checked again)."""
    upload_id = _text(request.form, "upload_id", 64)
    path = _imports() / f"{upload_id}.csv"
    if not UPLOAD_ID.match(upload_id) or not path.is_file():
        flash(_("Pratinjau impor ini tidak ada lagi; unggah berkasnya kembali."), "error")
        return redirect(url_for(".directory_import"))
    with path.open("rb") as stream:
        result = engine.import_directory(database().uow(), actor(), stream)
    path.unlink(missing_ok=True)
    if not result.ok:
        return page("people/directory_import.html", 422, filename=_text(request.form, "name"),
                    result=result)
    flash(_("Impor selesai: %(added)s LPSE ditambahkan, %(updated)s diubah, %(unchanged)s "
            "tetap.", added=len(result.added), updated=len(result.updated),
            unchanged=result.unchanged), "success")
    return redirect(url_for(".directory"))


# --- accounts (administrators: every account; Admin LPSE: their LPSE's Pengguna SPSE) -----


def _is_administrator(user: engine.User) -> bool:
    return user.role is engine.Role.ADMINISTRATOR


def accounts() -> ResponseReturnValue:
    """The accounts the user manages (search, filters, one page) and the form to add one."""
    user = actor()
    administrator = _is_administrator(user)
    values: dict[str, str] = {"role": "pengguna"}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = {name: _text(request.form, name) for name in ACCOUNT_FIELDS}
        if not administrator:
            values.update(role="pengguna", lpse="")
        try:
            added = engine.add_user(database().uow(), user, values["username"], values["name"],
                                    values["email"], values["role"], values["lpse"] or None,
                                    settings=current_app.config["SETTINGS"])
        except engine.InvalidData as err:
            errors, status = err.errors, 422
        except engine.Conflict as err:
            errors, status = {"username": [err.message]}, 409
        else:
            flash(_("Akun %(username)s dibuat; undangan dikirim ke %(email)s.",
                    username=added.username, email=added.email or ""), "success")
            return redirect(url_for(".accounts"))
    search = _text(request.args, "q", 200)
    role_word = _text(request.args, "peran", 40) if administrator else ""
    lpse_code = _text(request.args, "lpse", 64) if administrator else ""
    role = engine.ROLE_WORDS.get(role_word)
    filters = {key: value for key, value in (("q", search), ("peran", role_word),
                                             ("lpse", lpse_code)) if value}
    fetch, total = _counted(lambda limit, offset: engine.list_accounts(
        database().uow(), user, search, role, lpse_code or None, limit, offset))
    rows, pager = paged(fetch, filters)
    lpse_choices = ([(lpse.code, lpse.name) for lpse in engine.list_directory(
        database().uow(), user, limit=5000)[0]] if administrator else [])
    return page("people/accounts.html", status, rows=rows, total=total[0], q=search,
                peran=role_word, lpse=lpse_code, values=values, errors=errors,
                administrator=administrator, roles=engine.ROLE_WORDS,
                role_choices=[(word, role_label(role)) for word, role in
                              engine.ROLE_WORDS.items()],
                lpse_choices=lpse_choices, **pager)


def deactivate(username: str) -> ResponseReturnValue:
    """Deactivate an account: its sessions and tokens end at once."""
    account = engine.deactivate_account(database().uow(), actor(), username)
    flash(_("Akun %(username)s dinonaktifkan; sesi dan tokennya berakhir.",
            username=account.username), "success")
    return redirect(url_for(".accounts"))


def invite(username: str) -> ResponseReturnValue:
    """Mail an active account a new invitation."""
    try:
        account = engine.invite_again(database().uow(), actor(), username,
                                      settings=current_app.config["SETTINGS"])
    except engine.Conflict:
        abort(409)
    flash(_("Undangan baru dikirim ke %(email)s.", email=account.email or ""), "success")
    return redirect(url_for(".accounts"))
