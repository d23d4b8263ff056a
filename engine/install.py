"""`eskalasi init`: the schema, the first process version, the demo data."""

from __future__ import annotations

from engine.people import accounts
from engine.persistence import repository
from engine.persistence.database import Database
from engine.process import versions
from engine.process.files import DEFAULT_DIAGRAM, read_forms
from engine.process.scenarios import read_scenarios_beside


def init(database: Database, demo: bool = False, deployed_by: str = "eskalasi init") -> list[str]:
    """Upgrade the schema, deploy the bundled diagram when none is, add demo data if asked."""
    messages = []
    database.upgrade()
    messages.append("schema is up to date")
    with database.uow() as uow:
        has_version = repository.current_version(uow.session) is not None
    if not has_version:
        version, _ = versions.deploy(database.uow(), versions.command_line_operator(deployed_by),
                                     DEFAULT_DIAGRAM.read_bytes(), read_forms(DEFAULT_DIAGRAM),
                                     "SOP Eskalasi Permasalahan melalui LPSE Support",
                                     scenarios=read_scenarios_beside(DEFAULT_DIAGRAM))
        messages.append(f"deployed {DEFAULT_DIAGRAM.name} as version {version.number}")
    if demo:
        added = accounts.create_demo_data(database.uow(), database.settings.demo_password)
        messages.append(f"demo data: {added} account(s) added")
    return messages
