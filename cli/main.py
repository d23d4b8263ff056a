"""`eskalasi`: init, serve, validate, deploy, verify (CONTRACT.md)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

import engine
from engine import Database, EskalasiError, InvalidDiagram, Problem


def _print_problems(diagram: Path, problems: Sequence[Problem]) -> None:
    for problem in problems:
        where = diagram.parent / problem.file if problem.file else diagram
        print(f"{where}:{problem.line}: {problem.message}")


def _read_diagram(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as err:
        print(f"{path}:0: cannot read the file: {err.strerror}", file=sys.stderr)
        return None


def cmd_init(args: argparse.Namespace) -> int:
    """Create or upgrade the schema; deploy the bundled diagram; demo data with --demo."""
    with Database() as database:
        for message in engine.init(database, demo=args.demo):
            print(message)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the web app with Flask's development server."""
    from web import create_app

    create_app({"DEVELOPMENT": True}).run(host=args.host, port=args.port)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Print every problem as FILE:LINE: message; exit 1 if there is any."""
    path = Path(args.file)
    bpmn = _read_diagram(path)
    if bpmn is None:
        return 1
    with Database() as database:
        uow = database.uow() if database.has_schema() else None
        problems = engine.validate(uow, bpmn, engine.read_forms(path))
    _print_problems(path, problems)
    if problems:
        return 1
    print(f"{path}: valid")
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    """Validate, then deploy as the version new tickets start on."""
    path = Path(args.file)
    bpmn = _read_diagram(path)
    if bpmn is None:
        return 1
    with Database() as database:
        if not database.has_schema():
            print("the database has no schema yet; run `eskalasi init` first", file=sys.stderr)
            return 1
        try:
            version, outcome = engine.deploy(database.uow(), bpmn, engine.read_forms(path),
                                            deployed_by=args.by, note=args.note)
        except InvalidDiagram as err:
            _print_problems(path, err.problems)
            print(f"{path}: not deployed", file=sys.stderr)
            return 1
    print(f"{path}: {outcome}, version {version.number} ({version.id[:12]}) is current")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Replay each ticket and check its chain; exit 1 on any mismatch."""
    references = None if args.all or not args.tickets else args.tickets
    with Database() as database:
        if not database.has_schema():
            print("the database has no schema yet; run `eskalasi init` first", file=sys.stderr)
            return 1
        results = engine.verify_tickets(database.uow(), references)
    failed = [r for r in results if not r.ok]
    for result in results:
        print(f"{result.ticket_number}: {'ok' if result.ok else 'FAILED'}")
        for problem in result.problems:
            print(f"  - {problem}")
    print(f"{len(results)} ticket(s) checked, {len(failed)} failed")
    return 1 if failed else 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    root = argparse.ArgumentParser(prog="eskalasi", description="Eskalasi LPSE Support")
    commands = root.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="create or upgrade the database")
    init.add_argument("--demo", action="store_true", help="add the demo LPSEs and accounts")
    init.set_defaults(run=cmd_init)
    serve = commands.add_parser("serve", help="run the web app (development server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.set_defaults(run=cmd_serve)
    validate = commands.add_parser("validate", help="check a diagram, deploy nothing")
    validate.add_argument("file")
    validate.set_defaults(run=cmd_validate)
    deploy = commands.add_parser("deploy", help="validate, then deploy a new version")
    deploy.add_argument("file")
    deploy.add_argument("--note", default="", help="what changed")
    deploy.add_argument("--by", default=getpass.getuser(), help="who deploys (for the audit)")
    deploy.set_defaults(run=cmd_deploy)
    verify = commands.add_parser("verify", help="replay tickets and check their audit chain")
    verify.add_argument("tickets", nargs="*", metavar="TICKET")
    verify.add_argument("--all", action="store_true")
    verify.set_defaults(run=cmd_verify)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `eskalasi` console script."""
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except EskalasiError as err:
        print(f"eskalasi: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
