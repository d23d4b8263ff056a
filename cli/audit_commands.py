"""`eskalasi verify` (with a progress bar and a summary, `--anchor`/`--witness` for hashes
kept outside the database), `eskalasi checkpoint` and `eskalasi export` (event logs)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import engine
from engine import Database, Role, User, Verification
from web.config import development_secret_key

# Who exports from the command line (the read log names it).
EXPORTER = User(id=0, username="eskalasi export", full_name="eskalasi export",
                role=Role.AUDITOR)


class ProgressBar:
    """A one-line progress bar on a terminal stream, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.failed = 0
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self._drawn = 0.0

    def line(self) -> str:
        """The bar as text: `[#####.....]  512/10,000  5%  263/s  1 failed`."""
        share = min(self.done / self.total, 1.0)
        filled = int(share * self.WIDTH)
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        return (f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done:,}/{self.total:,} "
                f"{share:4.0%} {self.done / elapsed:,.0f}/s {self.failed} failed")

    def advance(self, ok: bool) -> None:
        """One more ticket checked."""
        self.done += 1
        self.failed += 0 if ok else 1
        now = time.perf_counter()
        if now - self._drawn >= 0.1 or self.done >= self.total:
            self._drawn = now
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def clear(self) -> None:
        """Wipe the bar's line, so a message can be printed in its place."""
        self.stream.write("\r" + " " * (len(self.line()) + 2) + "\r")
        self.stream.flush()

    def finish(self) -> None:
        """Draw the final state and end the line."""
        self.stream.write("\r" + self.line() + "\n")
        self.stream.flush()


def _print_result(result: Verification) -> None:
    print(f"{result.ticket_number}: {'ok' if result.ok else 'FAILED'}")
    for problem in result.problems:
        print(f"  - {problem}")


def cmd_verify(args: argparse.Namespace) -> int:
    """Replay each ticket and check its chain and checkpoints; exit 1 on any mismatch.

    Named tickets are listed one by one; with --all only the failures are named (and why),
    under a progress bar, then a summary.
    """
    everything = args.all or not args.tickets
    references = None if everything else args.tickets
    witness = Path(args.witness) if args.witness else None
    with Database(args.settings) as database:
        if not database.has_schema():
            print("the database has no schema yet; run `eskalasi init` first", file=sys.stderr)
            return 1
        bar = ProgressBar(engine.count_tickets(database.uow()) if everything
                          else len(args.tickets))
        started = time.perf_counter()

        def progress(result: Verification) -> None:
            if not result.ok and everything:
                bar.clear()
                sys.stdout.flush()
                _print_result(result)
                sys.stdout.flush()
            bar.advance(result.ok)

        try:
            results = engine.verify_tickets(database.uow(), references, progress=progress,
                                            anchor=args.anchor, witness=witness)
        except (OSError, ValueError) as err:  # UnicodeDecodeError is a ValueError
            bar.clear()
            print(f"cannot read the witness file: {err}", file=sys.stderr)
            return 1
        bar.finish()
    elapsed = time.perf_counter() - started
    if not everything:
        for result in results:
            _print_result(result)
    failed = [r for r in results if not r.ok]
    tickets = [r for r in results if r.ticket_id]
    print(f"{len(tickets)} ticket(s) checked, {len(failed)} failed "
          f"({elapsed:.1f} s, {len(tickets) / max(elapsed, 1e-9):,.0f} tickets/s)")
    if failed:
        print("failed: " + ", ".join(r.ticket_number for r in failed))
    else:
        print("all verified")
    return 1 if failed else 0


def cmd_checkpoint(args: argparse.Namespace) -> int:
    """Checkpoint the periods that ended since the last checkpoint; print the newest hash
    to keep elsewhere (also appended to the witness file, when one is configured)."""
    with Database(args.settings) as database:
        if not database.has_schema():
            print("the database has no schema yet; run `eskalasi init` first", file=sys.stderr)
            return 1
        written = engine.record_checkpoints(database.uow())
        newest = engine.latest_checkpoint(database.uow())
    for checkpoint in written:
        print(f"checkpoint {checkpoint.seq} of {checkpoint.day}: "
              f"{len(checkpoint.heads)} stream(s), {checkpoint.hash}")
    if newest is None:
        print("no period has ended with events yet; nothing to checkpoint")
    else:
        print(f"newest checkpoint: {newest.seq} of {newest.day} {newest.hash}")
        print("keep this hash outside the database; `eskalasi verify --all --anchor HASH` "
              "checks the checkpoints still lead to it")
    return 0


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it as 2026-12-31"
                                         ) from None
    if not 1900 <= day.year <= 9000:
        raise argparse.ArgumentTypeError(f"'{text}' is too far off")
    return day


def cmd_export(args: argparse.Namespace) -> int:
    """Write the closed tickets' event log as XES (`--xes`) and/or OCEL 2.0 (`--ocel`)."""
    if not args.xes and not args.ocel:
        print("eskalasi export: give --xes FILE and/or --ocel FILE", file=sys.stderr)
        return 2
    if args.date_from and args.date_to and args.date_from > args.date_to:
        print("eskalasi export: --to is before --from", file=sys.stderr)
        return 2
    settings = args.settings
    key = settings.secret_key or development_secret_key(settings.instance)
    with Database(settings) as database:
        if not database.has_schema():
            print("the database has no schema yet; run `eskalasi init` first", file=sys.stderr)
            return 1
        log = engine.event_log(database.uow(), EXPORTER, key, args.date_from, args.date_to,
                               names=args.names)
    written: list[tuple[str, bytes]] = []
    if args.xes:
        written.append((args.xes, engine.to_xes(log)))
    if args.ocel:
        written.append((args.ocel, engine.ocel_json(log).encode()))
    for name, body in written:
        try:
            Path(name).write_bytes(body)
        except OSError as err:
            print(f"{name}: cannot write the file: {err.strerror}", file=sys.stderr)
            return 1
        print(f"{name}: {len(log.traces)} ticket(s), {log.event_count} event(s)"
              f"{'' if args.names else ', people pseudonymised'}")
    return 0


def add_parsers(commands: Any) -> None:
    """The `verify`, `checkpoint` and `export` subcommands."""
    verify = commands.add_parser("verify", help="replay tickets and check their audit chain")
    verify.add_argument("tickets", nargs="*", metavar="TICKET")
    verify.add_argument("--all", action="store_true")
    verify.add_argument("--anchor", metavar="HASH",
                        help="a checkpoint hash kept outside the database, to look for")
    verify.add_argument("--witness", metavar="FILE",
                        help="a witness file (ESKALASI_WITNESS_FILE): look for every hash in it")
    verify.set_defaults(run=cmd_verify)
    checkpoint = commands.add_parser("checkpoint",
                                     help="record the chain heads of the periods that ended")
    checkpoint.set_defaults(run=cmd_checkpoint)
    export = commands.add_parser(
        "export", help="the closed tickets' event log as XES (IEEE 1849-2016) or OCEL 2.0")
    export.add_argument("--xes", metavar="FILE", help="write the event log as XES here")
    export.add_argument("--ocel", metavar="FILE", help="write the event log as OCEL 2.0 JSON")
    export.add_argument("--from", dest="date_from", type=_day, metavar="DATE",
                        help="tickets opened on or after this day (WIB)")
    export.add_argument("--to", dest="date_to", type=_day, metavar="DATE",
                        help="tickets opened on or before this day (WIB)")
    export.add_argument("--names", action="store_true",
                        help="usernames as org:resource (default: pseudonyms)")
    export.set_defaults(run=cmd_export)
