"""Accounts (CONTRACT.md): list, add (an invitation goes out), deactivate.

Administrators manage every account; an Admin LPSE the Pengguna SPSE of their own LPSE;
everyone else gets 403. The engine decides who may do what; the views only translate.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request, url_for

import engine
from web.api.auth import caller, require
from web.api.inputs import json_object, query_int
from web.api.problems import invalid
from web.context import database
from web.extensions import _

bp = Blueprint("users", __name__)
MANAGERS = (engine.Role.ADMINISTRATOR, engine.Role.ADMIN)
FIELDS = ("username", "name", "email", "role")


def user_json(account: engine.Account) -> dict[str, Any]:
    """CONTRACT.md's user: `role` as GET /me names it, `lpse` the LPSE's name."""
    return {"username": account.username, "name": account.name, "email": account.email,
            "role": account.role.value, "lpse": account.lpse, "active": account.active}


def _query_text(name: str) -> str:
    return request.args.get(name, "").strip()


@bp.get("/users")
def index() -> dict[str, Any]:
    """The accounts the caller manages; `q` words, `role` and `lpse` (kode) narrow them."""
    user = require(*MANAGERS)
    role_text = _query_text("role")
    role = engine.parse_role(role_text) if role_text else None
    if role_text and role is None:
        raise invalid({"role": [_("Peran tidak dikenal: %(roles)s.",
                                  roles=", ".join(engine.ROLE_WORDS))]})
    accounts, _total = engine.list_accounts(
        database().uow(), user, search=_query_text("q"), role=role,
        lpse_code=_query_text("lpse") or None, limit=query_int("limit", 100, 1, 500),
        offset=query_int("offset", 0, 0, 10**9))
    return {"items": [user_json(account) for account in accounts]}


@bp.post("/users")
def add() -> tuple[dict[str, Any], int, dict[str, str]]:
    """Add an account and mail its invitation (201); 409 when the username is taken."""
    user = require(*MANAGERS)
    body = json_object()
    wrong = {name: [_("Harus berupa teks.")] for name in (*FIELDS, "lpse")
             if body.get(name) is not None and not isinstance(body.get(name), str)}
    if wrong:
        raise invalid(wrong)
    values = {name: body.get(name) or "" for name in FIELDS}
    account = engine.add_user(database().uow(), user, values["username"], values["name"],
                              values["email"], values["role"], body.get("lpse") or None,
                              settings=current_app.config["SETTINGS"])
    return user_json(account), 201, {"Location": url_for(".index", q=account.username)}


@bp.post("/users/<username>/deactivate")
def deactivate(username: str) -> dict[str, Any]:
    """Deactivate an account: its sessions and tokens end at once."""
    return user_json(engine.deactivate_account(database().uow(), caller(), username))
