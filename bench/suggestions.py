"""'Artikel dan tiket serupa' at scale (issue 17): p95 of a suggestion lookup with 100k
tickets (half of them solved) and 5k articles. Target: p95 <= 50 ms.

Tickets come from bench/search.py's filler (realistic helpdesk text, search documents);
articles are INSERTed with their search text (stop words left out, as the engine indexes)
and error codes. Then `engine.suggest` is timed for what people type into the intake form
and step 1 (a title, a title with a description, an error code, a title and a code, words
found nowhere) as a Pengguna SPSE (articles only), an Admin LPSE (articles and their LPSE's
solved tickets) and Helpdesk LKPP (articles and every solved ticket).

    .venv/bin/python bench/suggestions.py                     # SQLite file under /tmp
    .venv/bin/python bench/suggestions.py --url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text, update

import engine
from bench.search import PHRASES, database_for, fill, sentence, summary
from engine.knowledge.words import index_text
from engine.persistence.tables import (
    KnowledgeArticleRow,
    KnowledgeCodeRow,
    KnowledgeSearchRow,
    TicketRow,
    UserRow,
)

REPEAT = 30
WHO = ("pengguna.cari000", "admin.cari000", "helpdesk.lkpp")
TYPED = (("{title}", ""), ("{title} {description}", ""), ("", "{code}"),
         ("{title}", "{code}"), ("zzqxv kqzzv", ""))


def add_articles(database: engine.Database, articles: int, seed: int = 17) -> None:
    """Add published articles until there are `articles`, and solve every other ticket."""
    rng = random.Random(seed)
    with database.engine.begin() as connection:
        have = connection.scalar(select(func.count()).select_from(KnowledgeArticleRow)) or 0
        author = connection.scalar(select(UserRow.id).where(UserRow.username == "helpdesk.lkpp"))
        now = datetime.now(UTC)
        rows, docs, codes = [], [], []
        start = (connection.scalar(select(func.max(KnowledgeArticleRow.id))) or 0) + 1
        for article_id in range(start, start + max(0, articles - have)):
            title = f"{sentence(rng, 1).capitalize()} {sentence(rng, 2)}"
            body = f"{sentence(rng, 12)}\n\n- {sentence(rng, 4)}\n- {sentence(rng, 4)}"
            code = f"SPSE-{rng.randint(1, 5000)}"
            rows.append({"id": article_id, "title": title, "body": body,
                         "application": "SPSE 4.5", "error_codes": [code], "tags": [],
                         "public": article_id % 3 == 0, "status": "published", "version": 1,
                         "created_by_id": author, "created_at": now, "updated_at": now})
            docs.append({"article_id": article_id,
                         "text": index_text(title, body, "SPSE 4.5", code)})
            codes.append({"article_id": article_id, "code": code.lower()})
        for first in range(0, len(rows), 1000):
            connection.execute(insert(KnowledgeArticleRow), rows[first:first + 1000])
            connection.execute(insert(KnowledgeSearchRow), docs[first:first + 1000])
            connection.execute(insert(KnowledgeCodeRow), codes[first:first + 1000])
        connection.execute(update(TicketRow).where(TicketRow.id % 2 == 0)
                           .values(status="closed"))
        connection.execute(text("ANALYZE"))


def measure(database: engine.Database, username: str) -> dict[str, float]:
    """Milliseconds per lookup, p50 and p95 over REPEAT rounds of every kind of input: wall
    time, and this process's CPU time (on SQLite all of a lookup's work; the wall time also
    holds waiting for a CPU on a busy machine)."""
    rng = random.Random(7)
    user = engine.get_user(database.uow(), username)
    wall: list[float] = []
    cpu: list[float] = []
    for round_ in range(REPEAT + 2):
        for title_pattern, code_pattern in TYPED:
            values = {"title": sentence(rng, 2), "description": sentence(rng, 10),
                      "code": f"SPSE-{rng.randint(1, 5000)}"}
            started, started_cpu = time.perf_counter(), time.process_time()
            engine.suggest(database.uow(), user, text=title_pattern.format(**values),
                           error_code=code_pattern.format(**values))
            if round_ >= 2:  # the first rounds warm caches
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
    return summary(wall, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", default="sqlite", help="sqlite (a file in /tmp) or a "
                        "PostgreSQL URL (its public schema is dropped and made again)")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=5_000)
    args = parser.parse_args()
    print("load average at start: " + " ".join(f"{n:.1f}" for n in os.getloadavg()))
    database = database_for(args.url, args.tickets, "suggest")
    started = time.perf_counter()
    fill(database, args.tickets)
    add_articles(database, args.articles)
    print(f"{args.tickets} tickets and {args.articles} articles ready in "
          f"{time.perf_counter() - started:.1f} s ({len(PHRASES)} phrases of text)")
    for who in WHO:
        figure = measure(database, who)
        verdict = "ok" if figure["p95"] <= 50 else "MISSED"
        print(f"  {who:<17} p50 {figure['p50']:6.2f} ms  p95 {figure['p95']:6.2f} ms "
              f"({verdict}; target <= 50 ms)  CPU of this process p95 "
              f"{figure['cpu_p95']:6.2f} ms")
    database.dispose()
    print("load average at end: " + " ".join(f"{n:.1f}" for n in os.getloadavg()))


if __name__ == "__main__":
    main()
