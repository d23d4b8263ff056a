"""Wiring: the database a caller works with, and `init` (schema, first version, demo data)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from engine import accounts, versions
from engine.attachments import AttachmentStore
from engine.persistence import migrate, repository
from engine.persistence.database import make_engine
from engine.persistence.unit_of_work import UnitOfWork, storage_errors
from engine.persistence.workflow_cache import WorkflowCache

PROCESSES = Path(__file__).resolve().parent.parent / "processes"
DEFAULT_DIAGRAM = PROCESSES / "escalation.bpmn"
MAX_FORMS = 200


class Database:
    """One database (SQLite or PostgreSQL) and a fresh unit of work per use case."""

    def __init__(self, url: str | None = None, attachments: Path | None = None) -> None:
        self.engine = make_engine(url)
        self.store = AttachmentStore(attachments)
        self.workflows = WorkflowCache()

    def uow(self) -> UnitOfWork:
        """A new unit of work on this database and its attachment store."""
        return UnitOfWork(self.engine, self.store, self.workflows)

    def upgrade(self) -> None:
        """Create or upgrade the schema."""
        with storage_errors():
            migrate.upgrade(self.engine)

    def has_schema(self) -> bool:
        """Whether `eskalasi init` has created the tables."""
        with storage_errors():
            return inspect(self.engine).has_table("process_versions")

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.dispose()


def read_forms(diagram: Path) -> dict[str, bytes]:
    """The form files beside a diagram (`forms/*.json`), by file name."""
    folder = diagram.parent / "forms"
    if not folder.is_dir():
        return {}
    files = sorted(folder.glob("*.json"))[:MAX_FORMS]
    return {path.name: path.read_bytes() for path in files}


def init(database: Database, demo: bool = False, deployed_by: str = "eskalasi init") -> list[str]:
    """Upgrade the schema, deploy the bundled diagram when none is, add demo data if asked."""
    messages = []
    database.upgrade()
    messages.append("schema is up to date")
    with database.uow() as uow:
        has_version = repository.current_version(uow.session) is not None
    if not has_version:
        version, _ = versions.deploy(database.uow(), DEFAULT_DIAGRAM.read_bytes(),
                                     read_forms(DEFAULT_DIAGRAM), deployed_by,
                                     "SOP Eskalasi Permasalahan melalui LPSE Support")
        messages.append(f"deployed {DEFAULT_DIAGRAM.name} as version {version.number}")
    if demo:
        added = accounts.create_demo_data(database.uow())
        messages.append(f"demo data: {added} account(s) added")
    return messages
