"""`eskalasi lpse import`, `eskalasi users import`, `eskalasi user add|deactivate`.

The operator at the command line acts as an administrator; the audit names them by their
login (or `--by`). Bad rows are printed as `FILE:LINE: message` and nothing is changed.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

import engine
from cli.english import english
from engine import Database, ImportResult


def _operator(args: argparse.Namespace) -> engine.User:
    return engine.command_line_administrator(args.by)


def _print_result(path: Path, result: ImportResult, what: str) -> int:
    for problem in result.problems:
        print(f"{path}:{problem.line}: {english(problem.message)}")
    if not result.ok:
        print(f"{path}: nothing imported ({len(result.problems)} problem(s))", file=sys.stderr)
        return 1
    print(f"{path}: {len(result.added)} {what} added, {len(result.updated)} updated, "
          f"{result.unchanged} unchanged")
    return 0


def _import(args: argparse.Namespace, what: str) -> int:
    path = Path(args.file)
    with Database(args.settings) as database:
        if not database.has_schema():
            print("the database has no schema yet; run `eskalasi init` first", file=sys.stderr)
            return 1
        try:
            with path.open("rb") as stream:
                if what == "LPSE":
                    result = engine.import_directory(database.uow(), _operator(args), stream)
                else:
                    result = engine.import_accounts(database.uow(), _operator(args), stream,
                                                    settings=args.settings)
        except OSError as err:
            print(f"{path}:0: cannot read the file: {err.strerror}", file=sys.stderr)
            return 1
    return _print_result(path, result, what if what == "LPSE" else "account(s)")


def cmd_lpse_import(args: argparse.Namespace) -> int:
    """Add or update LPSEs from a CSV; all rows or none."""
    return _import(args, "LPSE")


def cmd_users_import(args: argparse.Namespace) -> int:
    """Add or update accounts from a CSV; all rows or none; new accounts are invited."""
    return _import(args, "accounts")


def _field_errors(err: engine.InvalidData) -> None:
    for field, messages in err.errors.items():
        for message in messages:
            print(f"{field}: {english(message)}", file=sys.stderr)


def cmd_user_add(args: argparse.Namespace) -> int:
    """Add one account and send its invitation."""
    with Database(args.settings) as database:
        try:
            account = engine.add_user(database.uow(), _operator(args), args.username,
                                      args.name or args.username, args.email, args.role,
                                      args.lpse, settings=args.settings)
        except engine.InvalidData as err:
            _field_errors(err)
            return 1
    print(f"{account.username}: added ({account.role.value}"
          f"{', ' + account.lpse if account.lpse else ''}); invitation sent to {account.email}")
    return 0


def cmd_user_deactivate(args: argparse.Namespace) -> int:
    """Deactivate one account; its sessions and tokens end at once."""
    with Database(args.settings) as database:
        account = engine.deactivate_account(database.uow(), _operator(args), args.username)
    print(f"{account.username}: deactivated; its sessions and tokens have ended")
    return 0


def add_parsers(commands: Any) -> None:
    """The `lpse`, `users` and `user` subcommands."""
    by = argparse.ArgumentParser(add_help=False)
    by.add_argument("--by", default=getpass.getuser(), help="who does it (for the audit)")
    lpse = commands.add_parser("lpse", help="the LPSE directory").add_subparsers(
        dest="lpse_command", required=True)
    lpse_import = lpse.add_parser("import", parents=[by],
                                  help="add or update LPSEs from a CSV (kode,nama,zona_waktu"
                                       "[,email])")
    lpse_import.add_argument("file")
    lpse_import.set_defaults(run=cmd_lpse_import)
    users = commands.add_parser("users", help="accounts in bulk").add_subparsers(
        dest="users_command", required=True)
    users_import = users.add_parser("import", parents=[by],
                                    help="add or update accounts from a CSV "
                                         "(username,nama,email,peran,lpse)")
    users_import.add_argument("file")
    users_import.set_defaults(run=cmd_users_import)
    user = commands.add_parser("user", help="one account").add_subparsers(
        dest="user_command", required=True)
    add = user.add_parser("add", parents=[by], help="add an account and invite it")
    add.add_argument("username")
    add.add_argument("--role", required=True, metavar="PERAN",
                     help=", ".join(engine.ROLE_WORDS))
    add.add_argument("--email", required=True)
    add.add_argument("--name", default="")
    add.add_argument("--lpse", default=None, metavar="KODE")
    add.set_defaults(run=cmd_user_add)
    deactivate = user.add_parser("deactivate", parents=[by], help="deactivate an account")
    deactivate.add_argument("username")
    deactivate.set_defaults(run=cmd_user_deactivate)
