"""`eskalasi`: init, serve, validate, deploy, verify, worker (CONTRACT.md)."""

from __future__ import annotations

import argparse
import getpass
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import engine
from cli import audit_commands, people_commands, scenario_commands
from cli.english import english
from engine import (
    DEFAULT_WORKER_INTERVAL,
    Database,
    EskalasiError,
    InvalidDiagram,
    Problem,
    Settings,
    SettingsError,
    Worker,
    mail_waiting,
    start_worker_thread,
    uses_sqlite,
)

# Who validates from the command line (nothing is recorded for a validation).
VALIDATED_BY = "eskalasi validate"


def _print_problems(diagram: Path, problems: Sequence[Problem]) -> None:
    for problem in problems:
        where = diagram.parent / problem.file if problem.file else diagram
        print(f"{where}:{problem.line}: {english(problem.message)}")


def _read_diagram(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
        # A Camunda Modeler diagram's properties are read as ours (the engine converts them);
        # say so, on stderr so the problems stay the only lines on stdout.
        for note in engine.convert_camunda(data).notes:
            print(f"{path}: {english(note)}", file=sys.stderr)
        return data
    except OSError as err:
        print(f"{path}:0: cannot read the file: {err.strerror}", file=sys.stderr)
        return None


def cmd_init(args: argparse.Namespace) -> int:
    """Create or upgrade the schema; deploy the bundled diagram; demo data with --demo."""
    with Database(args.settings) as database:
        for message in engine.init(database, demo=args.demo):
            print(message)
    return 0


def _log_worker() -> None:
    """The worker's log lines (eskalasi.*) on standard error."""
    logger = logging.getLogger("eskalasi")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the web app with Flask's development server (and, on SQLite, the worker)."""
    from web import create_app

    app = create_app({"DEVELOPMENT": True}, args.settings)
    with Database(args.settings) as database:
        stop: threading.Event | None = None
        if not args.no_worker and uses_sqlite(database) and database.has_schema():
            _log_worker()
            _, stop = start_worker_thread(database, args.settings.smtp)
        try:
            app.run(host=args.host, port=args.port)
        finally:
            if stop is not None:
                stop.set()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Fire due timers and send the outbox every --interval seconds, until stopped."""
    _log_worker()
    with Database(args.settings) as database:
        if not database.has_schema():
            print("the database has no schema yet; run `eskalasi init` first", file=sys.stderr)
            return 1
        runner = Worker(database, args.settings.smtp)
        if args.once:
            print(runner.run_once())
            print(f"mail waiting in the outbox: {mail_waiting(database)}")
            return 0
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        print(f"worker started (every {args.interval:g} s); stop with Ctrl+C or SIGTERM",
              flush=True)
        runner.run(stop, args.interval)
        print("worker stopped", flush=True)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Print every problem as FILE:LINE: message; exit 1 if there is any."""
    path = Path(args.file)
    bpmn = _read_diagram(path)
    if bpmn is None:
        return 1
    with Database(args.settings) as database:
        uow = database.uow() if database.has_schema() else None
        problems = engine.validate(uow, engine.command_line_operator(VALIDATED_BY), bpmn,
                                   engine.read_forms(path), *scenario_commands.beside(path))
    # The owners' extra days off live beside the diagram (processes/days-off.txt).
    problems = [*problems, *engine.check_days_off(path.parent)]
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
    with Database(args.settings) as database:
        if not database.has_schema():
            print("the database has no schema yet; run `eskalasi init` first", file=sys.stderr)
            return 1
        scenarios, name = scenario_commands.beside(path)
        try:
            version, outcome = engine.deploy(database.uow(), engine.command_line_operator(args.by),
                                             bpmn, engine.read_forms(path), note=args.note,
                                             scenarios=scenarios, scenarios_file=name)
        except InvalidDiagram as err:
            _print_problems(path, err.problems)
            print(f"{path}: not deployed", file=sys.stderr)
            return 1
    print(f"{path}: {outcome}, version {version.number} ({version.id[:12]}) is current")
    return 0


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError("give a number of seconds above 0, at most 86400")
    return value


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
    serve.add_argument("--no-worker", action="store_true",
                       help="on SQLite, do not fire timers and send mail in the background")
    serve.set_defaults(run=cmd_serve)
    validate = commands.add_parser("validate", help="check a diagram, deploy nothing")
    validate.add_argument("file")
    validate.set_defaults(run=cmd_validate)
    deploy = commands.add_parser("deploy", help="validate, then deploy a new version")
    deploy.add_argument("file")
    deploy.add_argument("--note", default="", help="what changed")
    deploy.add_argument("--by", default=getpass.getuser(), help="who deploys (for the audit)")
    deploy.set_defaults(run=cmd_deploy)
    audit_commands.add_parsers(commands)
    people_commands.add_parsers(commands)
    scenario_commands.add_parsers(commands)
    work = commands.add_parser("worker", help="fire due timers and send mail, until stopped")
    work.add_argument("--interval", type=_seconds, default=DEFAULT_WORKER_INTERVAL,
                      help="seconds between rounds (default %(default)g)")
    work.add_argument("--once", action="store_true", help="one round, then exit (cron, tests)")
    work.set_defaults(run=cmd_worker)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `eskalasi` console script."""
    args = parser().parse_args(argv)
    try:
        args.settings = Settings.from_environment()
    except SettingsError as err:
        print(f"eskalasi: {err}", file=sys.stderr)
        return 2
    try:
        return int(args.run(args))
    except EskalasiError as err:
        print(f"eskalasi: {english(err.message)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
